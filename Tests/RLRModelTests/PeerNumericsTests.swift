import Foundation
import Kernels
import NN
import RLRModel
import Tensors
import XCTest

/// The RLR head against the PyTorch peer on a tiny configuration (scripts/reference/rlr_head.py):
/// same weights, same input, same jitter noise -> same reconstructions, scores, map, losses,
/// gradients and parameters after one Adam step.
final class PeerNumericsTests: XCTestCase {
    private var reference: [String: Tensor] = [:]
    private var network: RLRNetwork!

    override func setUpWithError() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/rlr-head/head.safetensors").path
        reference = try SafeTensors.read(path).tensors
        let config = RLRConfig(dims: [16, 32], layers: 2, heads: 4, windows: [3, 3], imageSize: 24)
        network = try RLRNetwork(channels: [8, 12], sides: [6, 4], config: config)
        let peerParameters = Dictionary(uniqueKeysWithValues: reference.compactMap { key, value in
            key.hasPrefix("param.") ? (String(key.dropFirst("param.".count)), value) : nil
        })
        try network.load(stateDict: PeerNames.rlrStateDict(peerParameters))
    }

    private func close(_ actual: Tensor, _ name: String, tolerance: Float = 1e-4, file: StaticString = #filePath, line: UInt = #line) {
        guard let expected = reference[name] else { return XCTFail("fixture lacks \(name)", file: file, line: line) }
        XCTAssertEqual(actual.shape, expected.shape, name, file: file, line: line)
        let scale = Swift.max(expected.toArray().map(Swift.abs).max() ?? 1, 1e-3)
        let worst = zip(actual.toArray(), expected.toArray()).map { Swift.abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst / scale, tolerance, "\(name): max abs error \(worst) (scale \(scale))", file: file, line: line)
    }

    private var tokens: [Tensor] { [reference["tokens0"]!, reference["tokens1"]!] }

    /// The peer computes LCA densely with a window mask; rlr computes it sparsely.
    func testForwardScoresAndMapMatchThePeer() throws {
        try network.validate(tokens)
        let reconstructions = withNoGrad { network.reconstruct(tokens) }
        for i in 0..<2 {
            close(reconstructions[i], "recon\(i)")
            close(RLRNetwork.tokenScores(reconstructions[i], tokens[i]), "score\(i)")
        }
        close(network.anomalyMap(tokens), "map")
    }

    func testLossGradientsAndAdamStepMatchThePeer() {
        var generator = RandomGenerator(seed: 0)
        let (total, parts) = network.loss(tokens, noise: [reference["noise0"]!, reference["noise1"]!], generator: &generator)
        XCTAssertEqual(parts[0], reference["loss0"]!.item, accuracy: 1e-5 * Swift.max(1, parts[0]))
        XCTAssertEqual(parts[1], reference["loss1"]!.item, accuracy: 1e-5 * Swift.max(1, parts[1]))
        total.backward()
        let optimizer = Adam(network, learningRate: 1e-4)
        let peerKeys = reference.keys.filter { $0.hasPrefix("grad.") }.map { String($0.dropFirst("grad.".count)) }
        XCTAssertEqual(peerKeys.count, network.trainableParameters().count)
        let byKey = Dictionary(uniqueKeysWithValues: network.namedParameters().map { ($0.key, $0.parameter) })
        for key in peerKeys {
            guard let parameter = byKey[PeerNames.rlrKey(key)], let grad = parameter.value.grad else {
                XCTFail("no gradient for \(key)"); continue
            }
            close(grad, "grad.\(key)", tolerance: 2e-4)
        }
        optimizer.update()
        for key in peerKeys {
            let after = byKey[PeerNames.rlrKey(key)]!.value
            // Key biases have a zero gradient in exact arithmetic (softmax ignores a per-query
            // constant); Adam normalises the rounding noise into a step of up to lr either way.
            if reference["grad.\(key)"]!.toArray().allSatisfy({ Swift.abs($0) < 1e-6 }) {
                let before = reference["param.\(key)"]!.toArray()
                XCTAssertTrue(zip(after.toArray(), before).allSatisfy { Swift.abs($0 - $1) <= 1.01e-4 }, key)
                continue
            }
            close(after, "after.\(key)", tolerance: 1e-5)
        }
    }

    func testConfigurationErrorsAreClear() {
        XCTAssertThrowsError(try RLRNetwork(channels: [8], sides: [12], config: RLRConfig(dims: [16], layers: 1, heads: 4))) { error in
            XCTAssertTrue(String(describing: error).contains("no official window size for a 12x12 level"), String(describing: error))
        }
        XCTAssertThrowsError(try RLRNetwork(channels: [8], sides: [16], config: RLRConfig(dims: [18], layers: 1, heads: 4)))
        XCTAssertThrowsError(try network.validate([Tensor.zeros([1, 36, 9]), Tensor.zeros([1, 16, 12])])) { error in
            XCTAssertTrue(String(describing: error).contains("6x6 tokens of 8 channels got tokens [1, 36, 9]"), String(describing: error))
        }
    }
}
