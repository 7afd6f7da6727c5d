import Foundation
import Kernels
import NN
import RLRModel
import Tensors
import XCTest

/// The training recipe's knobs (learning-rate schedule, reference initialisation), the presets, and the
/// time-to-accuracy curve of `model train --track --curve`.
final class TrainingRecipeTests: XCTestCase {
    private let identity = BackboneIdentity(name: "test", taps: ["a", "b"], channels: [8, 12], sides: [6, 4],
                                            imageSize: 24, normalization: "tf")

    private func config(epochs: Int, learningRate: Float = 3e-3) -> RLRConfig {
        RLRConfig(dims: [16, 32], layers: 1, heads: 4, learningRate: learningRate, windows: [3, 3], imageSize: 24, epochs: epochs,
                  batchSize: 4, schedule: LearningRateSchedule(warmupEpochs: 1, decay: .cosine), referenceInit: .features)
    }

    private func tokens(count: Int, seed: UInt64) -> [Tensor] {
        var generator = RandomGenerator(seed: seed)
        return [(6 * 6, 8), (4 * 4, 12)].map { n, c in
            Tensor.randn([1, n, c], generator: &generator) + Tensor.randn([count, n, c], generator: &generator) * 0.1
        }
    }

    /// Hand-computed factors: 10 steps an epoch, 4 epochs, 1 epoch of warm-up.
    func testScheduleWarmsUpLinearlyThenFollowsAHalfCosineToZero() {
        let cosine = LearningRateSchedule(warmupEpochs: 1, decay: .cosine)
        XCTAssertEqual(cosine.factor(step: 0, stepsPerEpoch: 10, epochs: 4), 0.1, accuracy: 1e-7)
        XCTAssertEqual(cosine.factor(step: 4, stepsPerEpoch: 10, epochs: 4), 0.5, accuracy: 1e-7)
        XCTAssertEqual(cosine.factor(step: 9, stepsPerEpoch: 10, epochs: 4), 1, accuracy: 1e-7)
        XCTAssertEqual(cosine.factor(step: 10, stepsPerEpoch: 10, epochs: 4), 1, accuracy: 1e-7)      // decay starts at 0 of 30
        XCTAssertEqual(cosine.factor(step: 25, stepsPerEpoch: 10, epochs: 4), 0.5, accuracy: 1e-6)    // 15 of 30: cos(pi/2)
        XCTAssertEqual(cosine.factor(step: 39, stepsPerEpoch: 10, epochs: 4), Float(0.5 * (1 + cos(Double.pi * 29 / 30))), accuracy: 1e-7)
        let constant = LearningRateSchedule(warmupEpochs: 0.5, decay: .constant)
        XCTAssertEqual(constant.factor(step: 1, stepsPerEpoch: 10, epochs: 4), 0.4, accuracy: 1e-7)
        XCTAssertEqual(constant.factor(step: 39, stepsPerEpoch: 10, epochs: 4), 1)
        XCTAssertEqual(LearningRateSchedule().factor(step: 0, stepsPerEpoch: 10, epochs: 4), 1, "no warm-up, constant: the paper's")
    }

    /// With `.features` the reference starts at the mean training token of each position (a zero
    /// learning rate leaves it there); resuming does not initialise it again.
    func testReferenceStartsAtTheMeanTrainingTokens() throws {
        let data = tokens(count: 6, seed: 5)
        let network = try RLRNetwork(channels: [8, 12], sides: [6, 4], config: config(epochs: 1, learningRate: 0))
        XCTAssertEqual(try Trainer(network: network).train(tokens: data), .finished)
        for (level, t) in zip(network.levels, data) {
            let expected = t.mean(axis: 0).toArray(), actual = level.reference.toArray()
            XCTAssertEqual(actual.count, expected.count)
            for (a, e) in zip(actual, expected) { XCTAssertEqual(a, e, accuracy: 1e-6) }
        }
        let plain = try RLRNetwork(channels: [8, 12], sides: [6, 4], config: RLRConfig(dims: [16, 32], layers: 1, heads: 4, learningRate: 0,
                                                                                         windows: [3, 3], imageSize: 24, epochs: 1))
        let before = plain.levels[0].reference.toArray()
        XCTAssertEqual(try Trainer(network: plain).train(tokens: data), .finished)
        XCTAssertEqual(plain.levels[0].reference.toArray(), before, "the paper's N(0, 1) reference is left as drawn")
    }

    /// Same seed, same numbers; a run interrupted and resumed from its checkpoint follows the same
    /// schedule as an uninterrupted one.
    func testScheduledRunIsDeterministicAndResumesExactly() throws {
        let data = tokens(count: 8, seed: 2)
        func run() throws -> Trainer {
            let trainer = try Trainer(network: try RLRNetwork(channels: [8, 12], sides: [6, 4], config: config(epochs: 4)))
            XCTAssertEqual(try trainer.train(tokens: data), .finished)
            return trainer
        }
        let straight = try run()
        XCTAssertEqual(try run().lossHistory, straight.lossHistory)
        XCTAssertLessThan(straight.lossHistory.last!, straight.lossHistory.first!, "\(straight.lossHistory)")

        let first = try Trainer(network: try RLRNetwork(channels: [8, 12], sides: [6, 4], config: config(epochs: 4)))
        var batches = 0
        XCTAssertEqual(try first.train(tokens: data, shouldStop: { batches += 1; return batches == 4 }), .interrupted(epochsDone: 2))
        let path = NSTemporaryDirectory() + "/rlr-recipe-\(getpid()).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint(config: config(epochs: 4), backbone: identity, categories: ["x"], network: first.network,
                       lossHistory: first.lossHistory, optimizerState: first.optimizer.stateDict()).save(to: path)
        let loaded = try Checkpoint.load(path, expectedBackbone: identity)
        XCTAssertEqual(loaded.config, config(epochs: 4), "schedule and reference initialisation survive the checkpoint")
        let resumed = try Trainer(network: loaded.network, lossHistory: loaded.lossHistory, optimizerState: loaded.optimizerState)
        XCTAssertEqual(try resumed.train(tokens: data), .finished)
        XCTAssertEqual(resumed.lossHistory, straight.lossHistory)
    }

    /// Every preset survives a JSON round trip; a configuration written before the recipe fields
    /// existed reads as the paper's constant rate and N(0, 1) reference.
    func testPresetsRoundTripAndOldConfigurationsKeepThePaperRecipe() throws {
        XCTAssertEqual(RLRConfig.presets.map(\.name), ["cpu", "fast", "paper"], "cpu is the default (first)")
        XCTAssertEqual(RLRConfig.cpu.schedule, LearningRateSchedule(warmupEpochs: 1, decay: .cosine))
        XCTAssertEqual(RLRConfig.cpu.referenceInit, .features)
        XCTAssertNil(RLRConfig.paper.schedule, "the paper preset stays the paper's recipe")
        for name in ["cpu", "paper", "fast"] {
            let preset = try XCTUnwrap(RLRConfig.preset(name))
            XCTAssertEqual(try JSONDecoder().decode(RLRConfig.self, from: try JSONEncoder().encode(preset)), preset, name)
        }
        var old = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(RLRConfig.fast)) as! [String: Any]
        old["schedule"] = nil
        old["referenceInit"] = nil
        let decoded = try JSONDecoder().decode(RLRConfig.self, from: try JSONSerialization.data(withJSONObject: old))
        XCTAssertNil(decoded.schedule)
        XCTAssertNil(decoded.referenceInit)
    }
}
