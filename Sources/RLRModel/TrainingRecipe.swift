import Foundation

/// The learning rate over a run: a linear warm-up from near zero over the first `warmupEpochs`,
/// then the peak rate held (`decay: .constant`) or lowered along a half cosine to zero at the last
/// step (`decay: .cosine`). The factor depends only on the step and the run's length, so a resumed
/// run follows the same curve as an uninterrupted one of the same `--epochs`.
public struct LearningRateSchedule: Codable, Equatable, Sendable {
    public enum Decay: String, Codable, Sendable, CaseIterable { case constant, cosine }

    public var warmupEpochs: Double
    public var decay: Decay

    public init(warmupEpochs: Double = 0, decay: Decay = .constant) {
        self.warmupEpochs = warmupEpochs
        self.decay = decay
    }

    /// The multiplier of the peak rate for 0-based `step` of a run of `epochs` x `stepsPerEpoch` steps.
    public func factor(step: Int, stepsPerEpoch: Int, epochs: Int) -> Float {
        let total = Double(Swift.max(1, stepsPerEpoch * epochs))
        let warmupSteps = warmupEpochs * Double(stepsPerEpoch)
        let position = Double(step) + 1
        if position <= warmupSteps { return Float(position / warmupSteps) }
        switch decay {
        case .constant: return 1
        case .cosine:
            let progress = Swift.min(1, (Double(step) - warmupSteps) / Swift.max(1, total - warmupSteps))
            return Float(0.5 * (1 + cos(Double.pi * progress)))
        }
    }
}

/// How each level's learnable reference starts.
public enum ReferenceInit: String, Codable, Sendable, CaseIterable {
    /// N(0, 1) per entry (the paper's).
    case normal
    /// The mean of the training images' tokens at each position, so the reference starts as what
    /// normal images look like there (it stays a learned parameter, and the only source of what is
    /// reconstructed).
    case features
}
