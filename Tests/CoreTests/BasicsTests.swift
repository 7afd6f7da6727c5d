import Foundation
import Kernels
import Tensors
import XCTest

final class BasicsTests: XCTestCase {
    func testBroadcastAddAndSumGradient() {
        let a = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6]).requiringGrad()
        let b = Tensor(shape: [3], data: [10, 20, 30]).requiringGrad()
        let c = (a * b + a).sum()
        XCTAssertEqual(c.item, 11 + 42 + 93 + 44 + 105 + 186)
        c.backward()
        XCTAssertEqual(a.grad!.toArray(), [11, 21, 31, 11, 21, 31])
        XCTAssertEqual(b.grad!.toArray(), [5, 7, 9])
    }

    func testNPYRoundTripAndPermutedViews() throws {
        let t = Tensor(shape: [2, 3, 4], data: (0..<24).map(Float.init)).permuted([2, 0, 1])
        let path = NSTemporaryDirectory() + "/rlr-npy-\(getpid()).npy"
        try NPY.write(t, to: path)
        let back = try NPY.read(path)
        XCTAssertEqual(back.shape, [4, 2, 3])
        XCTAssertEqual(back.toArray(), t.toArray())
        XCTAssertEqual(back[1, 0, 2], 9)
    }
}
