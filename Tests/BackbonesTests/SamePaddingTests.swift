import Kernels
import XCTest
import Backbones

/// `ConvGeometry.same`, TensorFlow's SAME padding (the depthwise kernel itself is checked in CoreTests' KernelVariantTests).
final class SamePaddingTests: XCTestCase {
    /// TF SAME padding: stride 2 on even sizes pads (0, 1) for k = 3 and (1, 2) for k = 5.
    func testSamePadding() {
        let g3 = ConvGeometry.same(channels: 1, height: 224, width: 250, kernel: 3, stride: 2)
        XCTAssertEqual([g3.padTop, g3.padBottom, g3.padLeft, g3.padRight], [0, 1, 0, 1])
        XCTAssertEqual([g3.outputHeight, g3.outputWidth], [112, 125])
        let g5 = ConvGeometry.same(channels: 1, height: 28, width: 125, kernel: 5, stride: 2)
        XCTAssertEqual([g5.padTop, g5.padBottom, g5.padLeft, g5.padRight], [1, 2, 2, 2])
        XCTAssertEqual([g5.outputHeight, g5.outputWidth], [14, 63])
    }
}
