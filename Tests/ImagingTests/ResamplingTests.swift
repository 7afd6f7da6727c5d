import XCTest
import Imaging

final class ResamplingTests: XCTestCase {
    /// Every case of the Pillow fixture must match byte for byte (PIL's fixed-point arithmetic is replicated).
    func testResizeMatchesPillow() throws {
        var cases = 0
        for fields in try fixtureLines("pil-resize.txt") {
            let filter = try XCTUnwrap(ResampleFilter(rawValue: String(fields[0])))
            let (width, height, channels) = (Int(fields[1])!, Int(fields[2])!, Int(fields[3])!)
            let (outWidth, outHeight) = (Int(fields[4])!, Int(fields[5])!)
            let image = try Image(width: width, height: height, channels: channels,
                                  pixels: referencePattern(width: width, height: height, channels: channels))
            let resized = try image.resized(width: outWidth, height: outHeight, filter: filter)
            let expected = bytes(hex: fields[6])
            XCTAssertEqual(resized.pixels.count, expected.count)
            let differing = zip(resized.pixels, expected).filter { $0 != $1 }.count
            XCTAssertEqual(differing, 0, "\(filter) \(width)x\(height)x\(channels) -> \(outWidth)x\(outHeight)")
            cases += 1
        }
        XCTAssertEqual(cases, 56)
    }

    /// Bilinear 4 -> 2 by hand: support widens to 2 pixels, weights 3/7, 3/7, 1/7 and mirrored.
    func testBilinearDownscaleByHand() throws {
        let row = try Image(width: 4, height: 1, channels: 1, pixels: [0, 100, 200, 40])
        let half = try row.resized(width: 2, height: 1, filter: .bilinear)
        // (0*3 + 100*3 + 200*1) / 7 = 71.4 and (100*1 + 200*3 + 40*3) / 7 = 117.1
        XCTAssertEqual(half.pixels, [71, 117])
    }

    /// Nearest picks floor((i + 0.5) * scale): 4 -> 2 takes pixels 1 and 3; 2 -> 4 repeats each pixel twice.
    func testNearestByHand() throws {
        let row = try Image(width: 4, height: 1, channels: 1, pixels: [10, 20, 30, 40])
        XCTAssertEqual(try row.resized(width: 2, height: 1, filter: .nearest).pixels, [20, 40])
        let pair = try Image(width: 2, height: 1, channels: 1, pixels: [5, 9])
        XCTAssertEqual(try pair.resized(width: 4, height: 1, filter: .nearest).pixels, [5, 5, 9, 9])
    }

    func testConstantImageStaysConstant() throws {
        let flat = try Image(width: 31, height: 17, channels: 3, value: 77)
        for filter in ResampleFilter.allCases {
            for (w, h) in [(8, 5), (64, 40), (31, 3)] {
                let resized = try flat.resized(width: w, height: h, filter: filter)
                XCTAssertEqual(Set(resized.pixels), [77], "\(filter) -> \(w)x\(h)")
            }
        }
    }

    func testInvalidSizeThrows() throws {
        let image = try Image(width: 4, height: 4, channels: 1)
        XCTAssertThrowsError(try image.resized(width: 0, height: 4))
    }
}
