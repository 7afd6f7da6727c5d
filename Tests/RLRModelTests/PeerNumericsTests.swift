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
        XCTAssertThrowsError(try RLRNetwork(channels: [8], sides: [12], config: RLRConfig(dims: [16], layers: 1, heads: 4, windows: [4]))) { error in
            XCTAssertTrue(String(describing: error).contains("window sizes [4] must give an odd size for level 0"), String(describing: error))
        }
        XCTAssertThrowsError(try RLRNetwork(channels: [8], sides: [6], config: RLRConfig(dims: [16], layers: 1, heads: 4, blocks: []))) { error in
            XCTAssertTrue(String(describing: error).contains("an encoder layer needs at least one attention block"), String(describing: error))
        }
        XCTAssertThrowsError(try RLRNetwork(channels: [8], sides: [6], config: RLRConfig(dims: [16], layers: 1, heads: 4,
                                                                                       blocks: [AttentionBlock(.init("nope"))]))) { error in
            // Plugins loaded earlier in the same test process may add names between the built-ins.
            let message = String(describing: error)
            XCTAssertTrue(message.contains("unknown attention block \"nope\" (known: ca, "), message)
            XCTAssertTrue(["lca", "mlka", "msa", "plugins add more"].allSatisfy(message.contains), message)
        }
        XCTAssertThrowsError(try RLRNetwork(channels: [8], sides: [16], config: RLRConfig(dims: [18], layers: 1, heads: 4)))
        XCTAssertThrowsError(try network.validate([Tensor.zeros([1, 36, 9]), Tensor.zeros([1, 16, 12])])) { error in
            XCTAssertTrue(String(describing: error).contains("6x6 tokens of 8 channels got tokens [1, 36, 9]"), String(describing: error))
        }
    }

    /// The window rule: official sizes at 16/32/64 tokens, else the nearest official side's on a log
    /// scale (ties to the smaller), capped at the largest odd size that fits the side.
    func testWindowSizeForAnyGridSide() throws {
        let config = RLRConfig(dims: [16], layers: 1, heads: 4)
        let expected = [1: 1, 2: 1, 4: 3, 6: 5, 8: 5, 12: 5, 16: 5, 22: 5, 23: 7, 32: 7, 40: 7, 46: 11, 64: 11, 128: 11]
        for (side, k) in expected.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(try config.windowSize(level: 0, side: side), k, "side \(side)")
        }
        XCTAssertEqual(try RLRConfig(dims: [16], windows: [9]).windowSize(level: 0, side: 8), 9, "explicit sizes win")
    }

    /// Blocks serialise as {"kind": NAME, "weight": W} and parse from NAME[:WEIGHT].
    func testBlocksEncodeAsTheirNameAndParseFromTheCommandLine() throws {
        let json = String(decoding: try JSONEncoder().encode(AttentionBlock(.lca, weight: 2)), as: UTF8.self)
        XCTAssertTrue(json == "{\"kind\":\"lca\",\"weight\":2}" || json == "{\"weight\":2,\"kind\":\"lca\"}", json)
        XCTAssertEqual(try JSONDecoder().decode(AttentionBlock.self, from: Data(#"{"kind":"mlka","weight":1}"#.utf8)), AttentionBlock(.mlka))
        XCTAssertEqual(try AttentionBlock.parse("dlca:0.5"), AttentionBlock(.init("dlca"), weight: 0.5))
        XCTAssertEqual(try AttentionBlock.parse("msa"), AttentionBlock(.msa))
        for bad in ["", ":2", "lca:x", "lca:2:3"] {
            XCTAssertThrowsError(try AttentionBlock.parse(bad)) { error in
                XCTAssertTrue(String(describing: error).contains("must be NAME or NAME:WEIGHT"), String(describing: error))
            }
        }
    }
}
