import Kernels
import Tensors
import XCTest

/// Every differentiable primitive against finite differences.
final class GradientTests: XCTestCase {
    func testArithmeticWithBroadcasting() {
        let a = randomTensor([2, 3, 4], seed: 1), b = randomTensor([3, 1], seed: 2)
        let positive = randomTensor([1, 4], seed: 3, scale: 0.2, offset: 2)
        assertGradientsMatch([a, b]) { $0[0] + $0[1] }
        assertGradientsMatch([a, b]) { $0[0] - $0[1] }
        assertGradientsMatch([a, b]) { $0[0] * $0[1] }
        assertGradientsMatch([a, positive]) { $0[0] / $0[1] }
        assertGradientsMatch([a]) { -$0[0] * 3 + 1 }
    }

    func testUnaryPrimitives() {
        let x = randomTensor([3, 5], seed: 4)
        let positive = randomTensor([3, 5], seed: 5, scale: 0.3, offset: 2)
        // Keep samples away from kinks where central differences are undefined.
        let awayFromKinks = Tensor(shape: [8], data: [-2.5, -1.1, -0.4, 0.3, 0.9, 3.2, 5.5, 7.3])
        assertGradientsMatch([x]) { $0[0].exp() }
        assertGradientsMatch([positive]) { $0[0].log() }
        assertGradientsMatch([positive]) { $0[0].sqrt() }
        assertGradientsMatch([awayFromKinks]) { $0[0].abs() }
        assertGradientsMatch([x]) { $0[0].tanh() }
        assertGradientsMatch([x]) { $0[0].sigmoid() }
        assertGradientsMatch([awayFromKinks]) { $0[0].relu() }
        assertGradientsMatch([awayFromKinks]) { $0[0].relu6() }
        assertGradientsMatch([x]) { $0[0].gelu() }
        assertGradientsMatch([x]) { $0[0].silu() }
        assertGradientsMatch([x]) { $0[0].sin() + $0[0].cos() }
        assertGradientsMatch([positive]) { $0[0].pow(1.5) }
        assertGradientsMatch([positive, x]) { $0[0].pow($0[1] * 0.3) }
        assertGradientsMatch([x, randomTensor([5], seed: 6)]) { $0[0].maximum($0[1]) + $0[0].minimum($0[1]) * 2 }
        assertGradientsMatch([awayFromKinks]) { $0[0].clamped(min: -1, max: 4) }
    }

    func testReductions() {
        let x = randomTensor([2, 3, 4], seed: 7)
        assertGradientsMatch([x]) { $0[0].sum(axes: [0, 2]) }
        assertGradientsMatch([x]) { $0[0].sum(axis: 1, keepDims: true) }
        assertGradientsMatch([x]) { $0[0].mean(axes: [-1]) }
        assertGradientsMatch([x]) { $0[0].variance(axes: [1]) }
        assertGradientsMatch([x]) { $0[0].max(axis: 2) }
        assertGradientsMatch([x]) { $0[0].min(axes: [0, 1]) }
        // A tie shares the gradient evenly.
        let tied = Tensor(shape: [3], data: [2, 5, 5]).requiringGrad()
        tied.max().backward()
        XCTAssertEqual(tied.grad!.toArray(), [0, 0.5, 0.5])
        assertGradientsMatch([x]) { $0[0].sum() }
    }

    func testMovement() {
        let x = randomTensor([2, 3, 4], seed: 8)
        assertGradientsMatch([x]) { $0[0].reshaped([4, -1]) * randomTensor([4, 6], seed: 9) }
        assertGradientsMatch([x]) { $0[0].permuted([2, 0, 1]).contiguous() }
        assertGradientsMatch([randomTensor([3, 1], seed: 10)]) { $0[0].expanded([2, 3, 4]) }
        assertGradientsMatch([x]) { $0[0].sliced(axis: 2, 1..<4, step: 2) }
        assertGradientsMatch([x, randomTensor([2, 2, 4], seed: 11)]) { Tensor.concatenate([$0[0], $0[1]], axis: 1) }
        assertGradientsMatch([x, x * 2]) { Tensor.stack([$0[0], $0[1]], axis: -1) }
        assertGradientsMatch([x]) { $0[0].padded([(0, 0), (1, 2), (-1, 1)], value: 0.5) }
        assertGradientsMatch([x]) { $0[0].transposed(0, 2).flattened(from: 1) }
    }

    func testMatmulBatchedAndBroadcast() {
        let a = randomTensor([2, 3, 4], seed: 12), b = randomTensor([4, 5], seed: 13)
        assertGradientsMatch([a, b]) { $0[0].matmul($0[1]) }
        assertGradientsMatch([a, randomTensor([2, 5, 4], seed: 14)]) { $0[0].matmul($0[1].transposed()) }
        assertGradientsMatch([randomTensor([4], seed: 15), b]) { $0[0].matmul($0[1]) }
    }

    func testLinear() {
        let x = randomTensor([2, 3, 4], seed: 50), w = randomTensor([5, 4], seed: 51), b = randomTensor([5], seed: 52)
        assertGradientsMatch([x, w, b]) { $0[0].linear(weight: $0[1], bias: $0[2]) }
        assertGradientsMatch([x, w]) { $0[0].linear(weight: $0[1]) }
        assertClose(x.linear(weight: w, bias: b), x.matmul(w.transposed()) + b, tolerance: 1e-6, label: "linear")
        // No input features: the bias alone.
        XCTAssertEqual(Tensor.zeros([3, 0]).linear(weight: Tensor.zeros([5, 0]), bias: b).toArray(), Array((0..<3).map { _ in b.toArray() }.joined()))
    }

    func testSoftmaxAndNormalisation() {
        let x = randomTensor([3, 4, 5], seed: 16)
        assertGradientsMatch([x]) { $0[0].softmax() }
        assertGradientsMatch([x]) { $0[0].softmax(axis: 1) }
        assertGradientsMatch([x]) { $0[0].logSoftmax(axis: 0) }
        assertGradientsMatch([x, randomTensor([5], seed: 17), randomTensor([5], seed: 18)]) {
            $0[0].layerNorm(weight: $0[1], bias: $0[2])
        }
        // Without gradients to record, weight and bias are applied as each row is normalised: the same bits.
        let (w, b) = (randomTensor([5], seed: 17), randomTensor([5], seed: 18))
        XCTAssertEqual(withNoGrad { x.layerNorm(weight: w, bias: b) }.toArray(), x.copied().requiringGrad().layerNorm(weight: w, bias: b).toArray())
        let mean = randomTensor([4], seed: 19), variance = randomTensor([4], seed: 20, scale: 0.1, offset: 1)
        assertGradientsMatch([randomTensor([2, 4, 3, 3], seed: 21), randomTensor([4], seed: 22), randomTensor([4], seed: 23)]) {
            $0[0].batchNorm(mean: mean, variance: variance, weight: $0[1], bias: $0[2], epsilon: 1e-3)
        }
        assertGradientsMatch([x, randomTensor([3, 4, 5], seed: 24)]) { $0[0].cosineSimilarity($0[1]) }
        assertGradientsMatch([x]) { $0[0].maskedFill(x .> 0.5, -3) }
    }

    func testConvolution() {
        let x = randomTensor([2, 4, 7, 6], seed: 25)
        assertGradientsMatch([x, randomTensor([3, 4, 3, 3], seed: 26), randomTensor([3], seed: 27)]) {
            $0[0].conv2d($0[1], bias: $0[2], padding: Padding2D(1))
        }
        assertGradientsMatch([x, randomTensor([6, 2, 3, 2], seed: 28)]) {
            $0[0].conv2d($0[1], stride: (2, 1), padding: Padding2D(top: 0, bottom: 1, left: 2, right: 0), dilation: (1, 2), groups: 2)
        }
        assertGradientsMatch([x, randomTensor([4, 1, 3, 3], seed: 29)]) {
            $0[0].conv2d($0[1], stride: (2, 2), padding: Padding2D(top: 0, bottom: 1, left: 0, right: 1), groups: 4)
        }
        assertGradientsMatch([x, randomTensor([5, 4, 1, 1], seed: 30)]) { $0[0].conv2d($0[1]) }
    }

    func testPoolingResamplingAndBlur() {
        let x = randomTensor([2, 2, 6, 5], seed: 31)
        assertGradientsMatch([x]) { $0[0].avgPool2d(kernel: 3, stride: 1, padding: 1) }
        assertGradientsMatch([x]) { $0[0].avgPool2d(kernel: 2, stride: 2, countPadding: false) }
        // Distinct values 0.1 apart, so no window holds a near-tie that finite differences would cross.
        var generator = RandomGenerator(seed: 32)
        let separated = Tensor(shape: x.shape, data: (0..<x.count).map { Float($0) * 0.1 }.shuffled(using: &generator))
        assertGradientsMatch([separated]) { $0[0].maxPool2d(kernel: 2, stride: 2) }
        assertGradientsMatch([separated]) { $0[0].maxPool2d(kernel: 3, stride: 2, padding: 1) }
        assertGradientsMatch([separated]) { $0[0].max(axes: [1, 3]) }
        assertGradientsMatch([x]) { $0[0].interpolateBilinear(size: (9, 11), alignCorners: true) }
        assertGradientsMatch([x]) { $0[0].interpolateBilinear(size: (4, 7), alignCorners: false) }
        assertGradientsMatch([x]) { $0[0].gaussianBlur(sigma: 1.2) }
    }
}
