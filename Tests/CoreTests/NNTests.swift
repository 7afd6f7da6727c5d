import Foundation
import Kernels
import NN
import Tensors
import XCTest

private final class Block: Module {
    let attention: MultiHeadAttention
    let norm: LayerNorm
    let layers: [Linear]
    let optional: Linear?
    @Parameter var scale: Tensor
    let other = Parameter(wrappedValue: Tensor.zeros([2]), key: "renamed", trainable: false)

    init(generator: inout RandomGenerator) {
        attention = MultiHeadAttention(8, heads: 2, generator: &generator)
        norm = LayerNorm(8)
        layers = [Linear(8, 4, generator: &generator), Linear(4, 2, bias: false, generator: &generator)]
        optional = nil
        _scale = Parameter(wrappedValue: Tensor.ones([1]))
    }
}

final class NNTests: XCTestCase {
    func testParameterDiscoveryKeysAndStateDict() throws {
        var generator = RandomGenerator(seed: 1)
        let block = Block(generator: &generator)
        let keys = block.namedParameters().map(\.key)
        XCTAssertEqual(keys, ["attention.query.weight", "attention.query.bias", "attention.key.weight", "attention.key.bias",
                              "attention.value.weight", "attention.value.bias", "attention.output.weight", "attention.output.bias",
                              "norm.weight", "norm.bias", "layers.0.weight", "layers.0.bias", "layers.1.weight", "scale", "renamed"])
        XCTAssertEqual(block.trainableParameters().count, keys.count - 1)
        XCTAssertEqual(block.parameterCount, 4 * (64 + 8) + 16 + 36 + 8 + 1 + 2)

        // Round trip through a safetensors file into a differently initialised twin.
        let path = NSTemporaryDirectory() + "/rlr-nn-\(getpid()).safetensors"
        try SafeTensors.write(.init(tensors: block.stateDict(), metadata: ["note": "test"]), to: path)
        var other = RandomGenerator(seed: 2)
        let twin = Block(generator: &other)
        let contents = try SafeTensors.read(path)
        XCTAssertEqual(contents.metadata, ["note": "test"])
        try twin.load(stateDict: contents.tensors)
        for ((_, a), (_, b)) in zip(block.namedParameters(), twin.namedParameters()) {
            XCTAssertEqual(a.value.toArray(), b.value.toArray())
        }

        var broken = contents.tensors
        broken["norm.weight"] = Tensor.zeros([3])
        broken["extra"] = Tensor.zeros([1])
        broken["scale"] = nil
        XCTAssertThrowsError(try twin.load(stateDict: broken)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("missing scale") && text.contains("norm.weight: expected shape [8], got [3]")
                          && text.contains("unexpected extra"), text)
        }
    }

    func testSafeTensorsRejectsCorruptFiles() throws {
        let path = NSTemporaryDirectory() + "/rlr-bad-\(getpid()).safetensors"
        var data = SafeTensors.encode(.init(tensors: ["a": Tensor.ones([4])]))
        data = data.prefix(data.count - 3)
        try data.write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SafeTensors.read(path)) { error in
            XCTAssertTrue(String(describing: error).contains(path), String(describing: error))
        }
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SafeTensors.read(path))
    }

    func testAdamAndAdamWMatchPyTorch() throws {
        let start = try fixture("adam_p0"), grads = try fixture("adam_grads")
        for (name, decoupled, decay) in [("adam", false, Float(0.01)), ("adamw", true, Float(0.05))] {
            let parameter = Parameter(wrappedValue: start.copied())
            let optimizer = Adam([(key: "p", parameter: parameter)], learningRate: 0.1, weightDecay: decay, decoupled: decoupled)
            let expected = try fixture(name + "_steps")
            for step in 0..<3 {
                parameter.value.grad = grads.sliced(axis: 0, step..<(step + 1)).squeezed(0).copied()
                optimizer.update()
                assertClose(parameter.value, expected.sliced(axis: 0, step..<(step + 1)).squeezed(0).copied(),
                            tolerance: 1e-6, label: "\(name) step \(step)")
            }
        }
    }

    func testAttentionMatchesPyTorchAndSparseMatchesDenseMasked() throws {
        var generator = RandomGenerator(seed: 3)
        let attention = MultiHeadAttention(16, heads: 4, generator: &generator)
        for (name, projection) in [("q", attention.query), ("k", attention.key), ("v", attention.value), ("o", attention.output)] {
            projection.weight = try fixture("mha_\(name)_w")
            projection.bias!.value = try fixture("mha_\(name)_b")
        }
        let x = try fixture("mha_x"), r = try fixture("mha_r"), mask = try fixture("mha_mask")
        try assertClose(attention(query: x, key: r, value: x, additiveMask: mask), "mha_y", tolerance: 2e-6)
        // Without gradients to record (no probabilities kept), the same values.
        try assertClose(withNoGrad { attention(query: x, key: r, value: x, additiveMask: mask) }, "mha_y", tolerance: 2e-6)

        // The 3x3 window as a neighbour table gives the same result as the dense masked form.
        let window = NeighborTable.window(height: 3, width: 3, size: 3)
        let dense = Tensor.full([9, 9], -.infinity).maskedFill(windowMask(window), 0)
        assertClose(attention(query: x, key: r, value: x, neighbors: window),
                    attention(query: x, key: r, value: x, additiveMask: dense), tolerance: 2e-6, label: "sparse vs dense")
        assertClose(withNoGrad { attention(query: x, key: r, value: x, neighbors: window) },
                    attention(query: x, key: r, value: x, additiveMask: dense), tolerance: 2e-6, label: "sparse without gradients")
    }

    func testSparseAttentionGradientsAgainstDenseMaskedAndFiniteDifferences() {
        let window = NeighborTable.window(height: 4, width: 3, size: 3)
        let dense = Tensor.full([12, 12], -.infinity).maskedFill(windowMask(window), 0)
        let q = randomTensor([2, 2, 12, 4], seed: 4), k = randomTensor([1, 2, 12, 4], seed: 5), v = randomTensor([1, 2, 12, 4], seed: 6)
        assertGradientsMatch([q, k, v]) { Tensor.sparseAttention(query: $0[0], key: $0[1], value: $0[2], neighbors: window) }

        let leaves = [q, k, v].map { $0.copied().requiringGrad() }
        let projection = randomTensor([2, 2, 12, 4], seed: 7)
        (Tensor.sparseAttention(query: leaves[0], key: leaves[1], value: leaves[2], neighbors: window) * projection).sum().backward()
        let denseLeaves = [q, k, v].map { $0.copied().requiringGrad() }
        (Tensor.scaledDotProductAttention(query: denseLeaves[0], key: denseLeaves[1], value: denseLeaves[2], additiveMask: dense)
            * projection).sum().backward()
        for (a, b) in zip(leaves, denseLeaves) { assertClose(a.grad!, b.grad!, tolerance: 1e-5, label: "gradient") }
    }

    /// Keys and values shared by the batch with a head size that is a multiple of 8 (SparseAttention's
    /// `forwardShared`, eight images to a vector): ten images (a group of eight and one of two), ten
    /// slots (padded to 16) with unused ones first or last and a query with none, against the dense
    /// masked form, without and with gradients (through the probabilities it keeps).
    func testSparseAttentionWithSharedKeysAndValues() {
        let window = NeighborTable.window(height: 5, width: 4, size: 3)
        let rows = (0..<20).map { i in i == 0 ? [] : (i % 2 == 1 ? [-1] : []) + window.neighbors(of: i).map(Int32.init) }
        let table = NeighborTable(queries: 20, width: 10, indices: rows.flatMap { $0 + [Int32](repeating: -1, count: 10 - $0.count) })
        let dense = Tensor.full([20, 20], -.infinity).maskedFill(windowMask(table), 0)
        let q = randomTensor([10, 2, 20, 16], seed: 60), k = randomTensor([1, 2, 20, 16], seed: 61), v = randomTensor([1, 2, 20, 16], seed: 62)
        let expected = Tensor.scaledDotProductAttention(query: q, key: k, value: v, additiveMask: dense)
        assertClose(withNoGrad { Tensor.sparseAttention(query: q, key: k, value: v, neighbors: table) }, expected, tolerance: 2e-6, label: "no grad")
        let leaves = [q, k, v].map { $0.copied().requiringGrad() }, denseLeaves = [q, k, v].map { $0.copied().requiringGrad() }
        let projection = randomTensor([10, 2, 20, 16], seed: 63)
        let output = Tensor.sparseAttention(query: leaves[0], key: leaves[1], value: leaves[2], neighbors: table)
        assertClose(output, expected, tolerance: 2e-6, label: "recording")
        (output * projection).sum().backward()
        (Tensor.scaledDotProductAttention(query: denseLeaves[0], key: denseLeaves[1], value: denseLeaves[2], additiveMask: dense)
            * projection).sum().backward()
        for (a, b) in zip(leaves, denseLeaves) { assertClose(a.grad!, b.grad!, tolerance: 1e-5, label: "gradient") }
    }

    func testFusedDenseAttentionGradientsWithMaskAndSharedKeys() {
        // A random mask, with query 0 fully masked (its output and gradients are 0).
        let blocked = Tensor.zeros([70, 9])
        for j in 0..<9 { blocked.pointer[j] = 1 }
        let mask = Tensor.zeros([70, 9]).maskedFill((randomTensor([70, 9], seed: 40) .> 1.2) + blocked, -.infinity)
        let q = randomTensor([2, 2, 70, 4], seed: 41), k = randomTensor([1, 2, 9, 4], seed: 42), v = randomTensor([2, 2, 9, 4], seed: 43)
        assertGradientsMatch([q, k, v]) { Tensor.scaledDotProductAttention(query: $0[0], key: $0[1], value: $0[2], additiveMask: mask) }
        // Against the composed form softmax(q kᵀ / sqrt(d) + mask) v.
        let composed = (q.matmul(k.transposed()) * 0.5 + mask).softmax().matmul(v)
        let fused = Tensor.scaledDotProductAttention(query: q, key: k, value: v, additiveMask: mask)
        XCTAssertEqual(fused.sliced(axis: 2, 0..<1).toArray(), [Float](repeating: 0, count: 16))
        assertClose(fused.sliced(axis: 2, 1..<70).contiguous(), composed.sliced(axis: 2, 1..<70).contiguous(), tolerance: 1e-6, label: "fused")
    }

    func testInitialisersHaveTheirStatistics() {
        var generator = RandomGenerator(seed: 8)
        let kaiming = Initializer.kaimingNormal([256, 128], generator: &generator).toArray()
        let std = (kaiming.map { $0 * $0 }.reduce(0, +) / Float(kaiming.count)).squareRoot()
        XCTAssertEqual(std, (2 / 128 as Float).squareRoot(), accuracy: 0.003)
        let xavier = Initializer.xavierUniform([64, 32], generator: &generator).toArray()
        let bound = (6 / 96 as Float).squareRoot()
        XCTAssertTrue(xavier.allSatisfy { Swift.abs($0) <= bound })
        XCTAssertGreaterThan(xavier.map(Swift.abs).max()!, bound * 0.95)
    }

    /// 1 where the table lists key j for query i.
    private func windowMask(_ table: NeighborTable) -> Tensor {
        let allowed = Tensor.zeros([table.queries, table.queries])
        for i in 0..<table.queries {
            for j in table.neighbors(of: i) { allowed.pointer[i * table.queries + j] = 1 }
        }
        return allowed
    }
}
