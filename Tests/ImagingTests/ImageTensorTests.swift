import Tensors
import XCTest
import Imaging

final class ImageTensorTests: XCTestCase {
    func testRGBTensorIsPlanar() throws {
        // 2x1 image: pixel 0 = (10, 20, 30), pixel 1 = (40, 50, 60).
        let image = try Image(width: 2, height: 1, channels: 3, pixels: [10, 20, 30, 40, 50, 60])
        let t = image.tensor(normalization: .byte)
        XCTAssertEqual(t.shape, [3, 1, 2])
        XCTAssertEqual(t.toArray(), [10, 40, 20, 50, 30, 60])
    }

    func testGrayIsReplicated() throws {
        let gray = try Image(width: 2, height: 1, channels: 1, pixels: [0, 255])
        XCTAssertEqual(gray.tensor(normalization: .unit).toArray(), [0, 1, 0, 1, 0, 1])
    }

    func testNormalizationPresets() throws {
        let image = try Image(width: 2, height: 1, channels: 3, pixels: [0, 0, 0, 255, 255, 255])
        let imagenet = image.tensor(normalization: .imagenet)
        XCTAssertEqual(imagenet[0, 0, 0], -0.485 / 0.229, accuracy: 1e-5)
        XCTAssertEqual(imagenet[0, 0, 1], (1 - 0.485) / 0.229, accuracy: 1e-5)
        XCTAssertEqual(imagenet[2, 0, 1], (1 - 0.406) / 0.225, accuracy: 1e-5)
        let tf = image.tensor(normalization: .tf)
        XCTAssertEqual(tf[1, 0, 0], -127.0 / 128.0, accuracy: 1e-6)
        XCTAssertEqual(tf[1, 0, 1], 1.0, accuracy: 1e-6)
    }

    func testMaskThresholdAtHalf() throws {
        let mask = try Image(width: 4, height: 1, channels: 1, pixels: [0, 127, 128, 255])
        let t = mask.maskTensor()
        XCTAssertEqual(t.shape, [1, 1, 4])
        XCTAssertEqual(t.toArray(), [0, 0, 1, 1])
    }

    func testTensorRoundTrip() throws {
        let image = try Image(width: 3, height: 2, channels: 3, pixels: (0..<18).map { UInt8($0 * 14) })
        for normalization in Normalization.allCases {
            XCTAssertEqual(try Image(tensor: image.tensor(normalization: normalization), normalization: normalization), image)
        }
        let gray = try Image(tensor: Tensor(shape: [2, 2], data: [0, 0.6, 1, -1]))
        XCTAssertEqual(gray.pixels, [0, 153, 255, 0])
        XCTAssertThrowsError(try Image(tensor: Tensor.zeros([2, 2, 2])))
    }
}
