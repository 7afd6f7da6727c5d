import Foundation
import Kernels
import NN
import Tensors

/// Where training stands after a batch or an epoch, for progress displays.
public struct TrainingProgress: Sendable {
    public var epoch: Int            // 1-based
    public var epochs: Int
    public var batch: Int            // 1-based within the epoch
    public var batches: Int
    public var loss: Float           // mean loss of the epoch so far
    /// The validation loss, once the epoch's last batch is done and images were held out.
    public var validationLoss: Float?
    public var imagesPerSecond: Double
    /// Estimated seconds until the last epoch ends.
    public var remainingSeconds: Double

    /// `epoch 3/20  batch 12/40  loss 0.8123  41.2 img/s  ETA 1m20s` (with `validation 0.9012`
    /// after the loss at the end of an epoch that has one).
    public var line: String {
        let eta = Int(remainingSeconds.rounded())
        return String(format: "epoch %d/%d  batch %d/%d  loss %.4f", epoch, epochs, batch, batches, loss)
            + (validationLoss.map { String(format: "  validation %.4f", $0) } ?? "")
            + String(format: "  %.1f img/s  ETA %dm%02ds", imagesPerSecond, eta / 60, eta % 60)
    }
}

/// Trains an `RLRNetwork` on cached feature tokens (the backbone is frozen and there is no
/// augmentation, so epochs touch only the heads). Adam, with the configuration's learning-rate
/// schedule (constant by default) and reference initialisation. Each epoch's shuffle and
/// jitter noise come from a generator seeded by (seed, epoch), so a run resumed from a checkpoint
/// gives the same numbers as one that was never interrupted.
public final class Trainer {
    public let network: RLRNetwork
    public let optimizer: Adam
    /// Mean loss per finished epoch, across every run of this trainer (and the checkpoint it resumed).
    public private(set) var lossHistory: [Float]
    /// Validation loss after each finished epoch, when `train` was given held-out images.
    public private(set) var validationHistory: [Float]

    /// - Parameters:
    ///   - lossHistory, validationHistory, optimizerState: what a checkpoint saved, to resume from it.
    public init(network: RLRNetwork, lossHistory: [Float] = [], validationHistory: [Float] = [],
                optimizerState: [String: Tensor] = [:]) throws {
        self.network = network
        optimizer = Adam(network, learningRate: network.config.learningRate)
        if !optimizerState.isEmpty { try optimizer.load(stateDict: optimizerState) }
        self.lossHistory = lossHistory
        self.validationHistory = validationHistory
    }

    /// How a run ended.
    public enum Outcome: Equatable, Sendable {
        case finished
        /// Stopped at the end of a batch because `shouldStop` said so; finished epochs are kept.
        case interrupted(epochsDone: Int)
    }

    /// Runs epochs until `lossHistory` holds `config.epochs` of them.
    ///
    /// - Parameters:
    ///   - tokens: one `[M, N, C]` tensor per level, M training images.
    ///   - validation: held-out images' tokens (same layout): their loss is measured after every epoch.
    ///   - progress: called after every batch.
    ///   - shouldStop: polled after every batch (Ctrl-C); the run then ends cleanly.
    ///   - epochEnded: called with the epoch number once an epoch is finished and recorded (to save a
    ///     checkpoint); an error it throws ends the run.
    public func train(tokens: [Tensor], validation: [Tensor]? = nil, progress: (TrainingProgress) -> Void = { _ in },
                      shouldStop: () -> Bool = { false }, epochEnded: (Int) throws -> Void = { _ in }) throws -> Outcome {
        try network.validate(tokens)
        if let validation { try network.validate(validation) }
        let count = tokens[0].shape[0]
        guard count > 0, tokens.allSatisfy({ $0.shape[0] == count }) else {
            throw RLRError.shapeMismatch("every level needs the same number (> 0) of training images, got \(tokens.map { $0.shape[0] })")
        }
        let epochs = network.config.epochs, batchSize = Swift.min(network.config.batchSize, count)
        let batches = (count + batchSize - 1) / batchSize
        if lossHistory.isEmpty && network.config.referenceInit == .features { network.initializeReferences(from: tokens) }
        let schedule = network.config.schedule ?? LearningRateSchedule()
        let start = Date()
        var imagesSeen = 0
        while lossHistory.count < epochs {
            let epoch = lossHistory.count + 1
            var generator = RandomGenerator(seed: network.config.seed ^ (UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15))
            var order = Array(0..<count)
            order.shuffle(using: &generator)
            var total: Float = 0
            for batch in 0..<batches {
                let indices = Array(order[(batch * batchSize)..<Swift.min(count, (batch + 1) * batchSize)])
                let batchTokens = tokens.map { Trainer.gather($0, rows: indices) }
                let (loss, _) = network.loss(batchTokens, generator: &generator)
                loss.backward()
                optimizer.learningRate = network.config.learningRate
                    * schedule.factor(step: (epoch - 1) * batches + batch, stepsPerEpoch: batches, epochs: epochs)
                optimizer.update()
                total += loss.item
                imagesSeen += indices.count
                let elapsed = Date().timeIntervalSince(start)
                let rate = Double(imagesSeen) / Swift.max(elapsed, 1e-9)
                let remainingImages = Double((epochs - epoch) * count + (count - Swift.min(count, (batch + 1) * batchSize)))
                var validationLoss: Float? = nil
                if batch == batches - 1 {
                    lossHistory.append(total / Float(batches))
                    if let validation {
                        validationLoss = network.validationLoss(validation, batchSize: batchSize)
                        validationHistory.append(validationLoss!)
                    }
                }
                progress(TrainingProgress(epoch: epoch, epochs: epochs, batch: batch + 1, batches: batches,
                                          loss: total / Float(batch + 1), validationLoss: validationLoss,
                                          imagesPerSecond: rate, remainingSeconds: remainingImages / rate))
                if batch == batches - 1 { try epochEnded(epoch) }
                if shouldStop() && lossHistory.count < epochs { return .interrupted(epochsDone: lossHistory.count) }
            }
        }
        return .finished
    }

    /// Rows `rows` of `[M, ...]` as a new `[rows.count, ...]` tensor.
    static func gather(_ tensor: Tensor, rows: [Int]) -> Tensor {
        let rowSize = tensor.count / Swift.max(tensor.shape[0], 1)
        let source = tensor.contiguous()
        return Tensor(shape: [rows.count] + tensor.shape.dropFirst()) { out in
            for (i, row) in rows.enumerated() {
                (out.baseAddress! + i * rowSize).update(from: source.pointer + row * rowSize, count: rowSize)
            }
        }
    }
}
