import Foundation
import Kernels
import NN
import RLRModel
import Tensors
import XCTest

/// Training loop, interruption, checkpoints and resuming on a tiny two-level model.
final class TrainingTests: XCTestCase {
    private let identity = BackboneIdentity(name: "test", taps: ["a", "b"], channels: [8, 12], sides: [6, 4],
                                            imageSize: 24, normalization: "tf")

    private func config(epochs: Int) -> RLRConfig {
        RLRConfig(dims: [16, 32], layers: 1, heads: 4, learningRate: 3e-3, windows: [3, 3], imageSize: 24, epochs: epochs, batchSize: 4)
    }

    /// Normal tokens: a fixed pattern per position plus small noise.
    private func tokens(count: Int, seed: UInt64) -> [Tensor] {
        var generator = RandomGenerator(seed: seed)
        return [(6 * 6, 8), (4 * 4, 12)].map { n, c in
            let pattern = Tensor.randn([1, n, c], generator: &generator)
            return pattern + Tensor.randn([count, n, c], generator: &generator) * 0.1
        }
    }

    private func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "/rlr-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).safetensors"
    }

    func testLossFallsAndProgressIsReported() throws {
        let network = try RLRNetwork(channels: [8, 12], sides: [6, 4], config: config(epochs: 6))
        let trainer = try Trainer(network: network)
        var reports: [TrainingProgress] = []
        XCTAssertEqual(try trainer.train(tokens: tokens(count: 10, seed: 1)) { reports.append($0) }, .finished)
        XCTAssertEqual(trainer.lossHistory.count, 6)
        XCTAssertLessThan(trainer.lossHistory.last!, trainer.lossHistory.first! * 0.8, "\(trainer.lossHistory)")
        XCTAssertEqual(reports.count, 6 * 3)
        XCTAssertEqual(reports.last!.epoch, 6)
        XCTAssertEqual(reports.last!.remainingSeconds, 0, accuracy: 1e-9)
        XCTAssertTrue(reports[0].line.hasPrefix("epoch 1/6  batch 1/3  loss "), reports[0].line)
    }

    /// Held-out images: a validation loss after every epoch (clean tokens, no gradients), reported
    /// in the progress line and kept by the checkpoint; it does not change the training itself.
    func testValidationLossIsReportedPerEpochAndKept() throws {
        let (data, heldOut) = (tokens(count: 8, seed: 3), tokens(count: 3, seed: 4))
        let plain = try Trainer(network: try RLRNetwork(channels: [8, 12], sides: [6, 4], config: config(epochs: 3)))
        XCTAssertEqual(try plain.train(tokens: data), .finished)
        let trainer = try Trainer(network: try RLRNetwork(channels: [8, 12], sides: [6, 4], config: config(epochs: 3)))
        var lines: [String] = []
        XCTAssertEqual(try trainer.train(tokens: data, validation: heldOut) { lines.append($0.line) }, .finished)
        XCTAssertEqual(trainer.lossHistory, plain.lossHistory)
        XCTAssertEqual(trainer.validationHistory.count, 3)
        XCTAssertEqual(trainer.validationHistory.last!, trainer.network.validationLoss(heldOut, batchSize: 2), accuracy: 1e-5)
        XCTAssertLessThan(trainer.validationHistory.last!, trainer.validationHistory.first!, "\(trainer.validationHistory)")
        XCTAssertEqual(lines.filter { $0.contains("validation ") }.count, 3, "\(lines)")
        let path = temporaryPath("validation")
        try Checkpoint(config: config(epochs: 3), backbone: identity, categories: ["x"], network: trainer.network,
                       lossHistory: trainer.lossHistory, validationHistory: trainer.validationHistory).save(to: path)
        XCTAssertEqual(try Checkpoint.load(path).validationHistory, trainer.validationHistory)
        try? FileManager.default.removeItem(atPath: path)
    }

    func testInterruptedRunResumedFromACheckpointEqualsAnUninterruptedOne() throws {
        let data = tokens(count: 8, seed: 2)
        let straight = try Trainer(network: try RLRNetwork(channels: [8, 12], sides: [6, 4], config: config(epochs: 4)))
        XCTAssertEqual(try straight.train(tokens: data), .finished)

        let first = try Trainer(network: try RLRNetwork(channels: [8, 12], sides: [6, 4], config: config(epochs: 4)))
        var batches = 0
        let outcome = try first.train(tokens: data, shouldStop: { batches += 1; return batches == 4 })
        XCTAssertEqual(outcome, .interrupted(epochsDone: 2))   // stopped after the last batch of epoch 2
        let path = temporaryPath("resume")
        try Checkpoint(config: config(epochs: 4), backbone: identity, categories: ["x"], network: first.network,
                       lossHistory: first.lossHistory, optimizerState: first.optimizer.stateDict()).save(to: path)
        let loaded = try Checkpoint.load(path, expectedBackbone: identity)
        XCTAssertEqual(loaded.lossHistory, Array(straight.lossHistory.prefix(2)))
        let resumed = try Trainer(network: loaded.network, lossHistory: loaded.lossHistory, optimizerState: loaded.optimizerState)
        XCTAssertEqual(try resumed.train(tokens: data), .finished)
        XCTAssertEqual(resumed.lossHistory, straight.lossHistory)
        for ((key, a), (_, b)) in zip(resumed.network.namedParameters(), straight.network.namedParameters()) {
            XCTAssertEqual(a.value.toArray(), b.value.toArray(), key)
        }
    }

    func testCheckpointRoundTripAndCompatibilityErrors() throws {
        let network = try RLRNetwork(channels: [8, 12], sides: [6, 4], config: config(epochs: 1))
        let path = temporaryPath("ckpt")
        try Checkpoint(config: config(epochs: 1), backbone: identity, categories: ["a", "b"], network: network, lossHistory: [1.5]).save(to: path)
        let loaded = try Checkpoint.load(path)
        XCTAssertEqual(loaded.categories, ["a", "b"])
        XCTAssertEqual(loaded.config, config(epochs: 1))
        let input = tokens(count: 2, seed: 3)
        XCTAssertEqual(network.anomalyMap(input).toArray(), loaded.network.anomalyMap(input).toArray())

        var other = identity
        other.name = "efficientnet-lite1"
        XCTAssertThrowsError(try Checkpoint.load(path, expectedBackbone: other)) { error in
            XCTAssertTrue(String(describing: error).contains("trained on test taps a,b"), String(describing: error))
        }
        let foreign = temporaryPath("foreign")
        try SafeTensors.write(.init(tensors: ["x": Tensor.zeros([1])]), to: foreign)
        XCTAssertThrowsError(try Checkpoint.load(foreign)) { error in
            XCTAssertTrue(String(describing: error).contains("not an rlr checkpoint"), String(describing: error))
        }
        XCTAssertThrowsError(try Checkpoint.load(path + ".missing")) { error in
            XCTAssertTrue(String(describing: error).contains("no such file"), String(describing: error))
        }
    }
}
