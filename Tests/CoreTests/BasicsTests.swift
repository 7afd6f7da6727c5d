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

    /// Row max/min: vector lanes and tail agree with a plain scan; one NaN anywhere makes the result NaN.
    func testRowExtremaAndNaN() {
        var generator = RandomGenerator(seed: 12)
        for n in [1, 7, 8, 9, 29, 64] {
            let values = Tensor.randn([n], generator: &generator).toArray()
            values.withUnsafeBufferPointer { p in
                XCTAssertEqual(reduceRow(.max, p.baseAddress!, n), values.max()!, "n \(n)")
                XCTAssertEqual(reduceRow(.min, p.baseAddress!, n), values.min()!, "n \(n)")
            }
            for position in Set([0, n / 2, n - 1]) {
                var withNaN = values
                withNaN[position] = .nan
                withNaN.withUnsafeBufferPointer { p in
                    XCTAssertTrue(reduceRow(.max, p.baseAddress!, n).isNaN, "n \(n), NaN at \(position)")
                    XCTAssertTrue(reduceRow(.min, p.baseAddress!, n).isNaN, "n \(n), NaN at \(position)")
                }
            }
        }
        let masked = [Float](repeating: -.infinity, count: 19)
        XCTAssertEqual(masked.withUnsafeBufferPointer { reduceRow(.max, $0.baseAddress!, 19) }, -.infinity)
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

final class TensorBehaviourTests: XCTestCase {
    func testSameSeedSameNumbersAndPinnedValues() {
        var a = RandomGenerator(seed: 3407), b = RandomGenerator(seed: 3407), c = RandomGenerator(seed: 3408)
        let x = Tensor.randn([1000], generator: &a), y = Tensor.randn([1000], generator: &b), z = Tensor.randn([1000], generator: &c)
        XCTAssertEqual(x.toArray(), y.toArray())
        XCTAssertNotEqual(x.toArray(), z.toArray())
        // Pinned against an independent xoshiro256** + SplitMix64 (Python, reference algorithm):
        // a change here would silently change every seeded experiment.
        var pinned = RandomGenerator(seed: 42)
        XCTAssertEqual(pinned.next(), 0x1578_0B2E_0C2E_C716 as UInt64)
        let values = x.toArray()
        let mean = values.reduce(0, +) / 1000
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 1000
        XCTAssertEqual(mean, 0, accuracy: 0.1)
        XCTAssertEqual(variance, 1, accuracy: 0.1)
        var u = RandomGenerator(seed: 1)
        let uniform = Tensor.rand([1000], low: -2, high: 3, generator: &u).toArray()
        XCTAssertTrue(uniform.allSatisfy { $0 >= -2 && $0 < 3 })
    }

    func testGradientsAccumulateAcrossBackwardCallsAndNoGradRecordsNothing() {
        let w = Tensor(shape: [2], data: [1, 2]).requiringGrad()
        (w * 3).sum().backward()
        (w * w).sum().backward()
        XCTAssertEqual(w.grad!.toArray(), [3 + 2, 3 + 4])
        let untracked = withNoGrad { w * 2 }
        XCTAssertFalse(untracked.requiresGrad)
        XCTAssertTrue((w * 2).requiresGrad)
    }

    func testViewsShareStorageAndCopiesDoNot() {
        let base = Tensor(shape: [2, 3], data: [0, 1, 2, 3, 4, 5])
        let view = base.transposed()
        XCTAssertTrue(view.storage === base.storage)
        XCTAssertFalse(view.isContiguous)
        XCTAssertEqual(view.toArray(), [0, 3, 1, 4, 2, 5])
        XCTAssertEqual(base.sliced(axis: 1, 1..<3).toArray(), [1, 2, 4, 5])
        XCTAssertEqual(Tensor(shape: [3], data: [1, 2, 3]).expanded([2, 3]).toArray(), [1, 2, 3, 1, 2, 3])
        XCTAssertFalse(base.copied().storage === base.storage)
        XCTAssertEqual(Tensor.arange(0, 5, step: 2).toArray(), [0, 2, 4])
    }

    func testPrintingSummarisesLargeTensors() {
        let small = Tensor(shape: [2, 2], data: [1, 2.5, -3, 4])
        XCTAssertEqual(small.description, "Tensor[2, 2] mean=1.1250 std=2.6071 min=-3 max=4\n[[1, 2.5000],\n [-3, 4]]")
        let large = Tensor.arange(0, 100).reshaped([10, 10])
        XCTAssertTrue(large.description.contains("[0, 1, 2, …, 7, 8, 9]"), large.description)
        XCTAssertTrue(large.description.contains("…,\n [70, 71, 72"), large.description)
    }
}
