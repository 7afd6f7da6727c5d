import Kernels
import NN
import Tensors

/// One independent `RLRLevel` per feature level, the training loss and the anomaly map.
public final class RLRNetwork: Module {
    public let levels: [RLRLevel]
    public let config: RLRConfig

    /// - Parameters:
    ///   - channels: feature channels C per level (e.g. 40 and 112 for Lite0's stride 8 and 16 taps).
    ///   - sides: token grid side per level (e.g. 32 and 16 for 256x256 images).
    public init(channels: [Int], sides: [Int], config: RLRConfig) throws {
        guard channels.count == sides.count, sides.count == config.dims.count else {
            throw RLRError.invalidConfig("\(channels.count) channel counts, \(sides.count) sides and \(config.dims.count) hidden sizes must agree")
        }
        guard config.heads > 0, config.layers > 0, config.ffnMultiplier > 0, (channels + sides + config.dims).allSatisfy({ $0 > 0 }) else {
            throw RLRError.invalidConfig("heads \(config.heads), layers \(config.layers), FFN multiplier \(config.ffnMultiplier), "
                                         + "channels \(channels), sides \(sides) and hidden sizes \(config.dims) must be positive")
        }
        guard !config.blocks.isEmpty else { throw RLRError.invalidConfig("an encoder layer needs at least one attention block") }
        guard config.dims.allSatisfy({ $0 % config.heads == 0 }) else {
            throw RLRError.invalidConfig("hidden sizes \(config.dims) must be divisible by \(config.heads) heads")
        }
        var generator = RandomGenerator(seed: config.seed)
        var levels: [RLRLevel] = []
        for (index, (c, side)) in zip(channels, sides).enumerated() {
            levels.append(try RLRLevel(channels: c, side: side, dims: config.dims[index],
                                       window: try config.windowSize(level: index, side: side), config: config, generator: &generator))
        }
        self.levels = levels
        self.config = config
    }

    /// Sets every level's reference to the mean over the images of its training tokens `[M, N, C]`
    /// (`ReferenceInit.features`).
    public func initializeReferences(from tokens: [Tensor]) {
        withNoGrad {
            for (level, t) in zip(levels, tokens) { level.reference = t.mean(axis: 0).contiguous() }
        }
    }

    /// Checks that `tokens` has one `[B, N, C]` tensor per level of the right size.
    public func validate(_ tokens: [Tensor]) throws {
        guard tokens.count == levels.count else {
            throw RLRError.shapeMismatch("expected tokens for \(levels.count) levels, got \(tokens.count)")
        }
        for (level, t) in zip(levels, tokens) where t.rank != 3 || t.shape[1] != level.side * level.side || t.shape[2] != level.channels {
            throw RLRError.shapeMismatch("level with \(level.side)x\(level.side) tokens of \(level.channels) channels got tokens \(t.shape)")
        }
    }

    /// Reconstructions `[B, N, C]` per level.
    public func reconstruct(_ tokens: [Tensor]) -> [Tensor] {
        zip(levels, tokens).map { level, t in level(t) }
    }

    /// Training loss: Σ_levels mean((Y - F)²) + mean_n(1 - cos(Y_n, F_n)), where Y reconstructs the
    /// jittered input and F is the clean target. `noise` supplies ε per level (shaped like the
    /// tokens); pass nil to draw it from `generator`.
    public func loss(_ tokens: [Tensor], noise: [Tensor]? = nil, generator: inout RandomGenerator) -> (total: Tensor, perLevel: [Float]) {
        var total: Tensor? = nil
        var parts: [Float] = []
        for (index, (level, target)) in zip(levels, tokens).enumerated() {
            let epsilon = noise?[index] ?? Tensor.randn(target.shape, generator: &generator)
            let output = level(jittered(target, noise: epsilon))
            let loss = RLRNetwork.reconstructionLoss(output, target, epsilon: config.cosineEpsilon)
            parts.append(loss.item)
            total = total.map { $0 + loss } ?? loss
        }
        return (total!, parts)
    }

    /// The loss on clean (not jittered) tokens, summed over levels and averaged over the images,
    /// without recording gradients: the validation loss of held-out normal images.
    public func validationLoss(_ tokens: [Tensor], batchSize: Int) -> Float {
        withNoGrad {
            let count = tokens[0].shape[0]
            var total: Float = 0
            for start in stride(from: 0, to: count, by: batchSize) {
                let rows = start..<Swift.min(count, start + batchSize)
                let batch = tokens.map { $0.sliced(axis: 0, rows) }
                for (output, target) in zip(reconstruct(batch), batch) {
                    total += RLRNetwork.reconstructionLoss(output, target, epsilon: config.cosineEpsilon).item * Float(rows.count)
                }
            }
            return total / Float(count)
        }
    }

    /// Feature jitter: `F + α (‖F_n‖₂ / C) ε` on every token (the target stays clean).
    public func jittered(_ tokens: Tensor, noise: Tensor) -> Tensor {
        guard config.jitter > 0 else { return tokens }
        let c = Float(tokens.shape[tokens.rank - 1])
        let scale = (tokens * tokens).sum(axis: -1, keepDims: true).sqrt() * (config.jitter / c)
        return tokens + scale * noise
    }

    /// `mean((Y - F)²) + mean_n(1 - cos(Y_n, F_n))`.
    public static func reconstructionLoss(_ output: Tensor, _ target: Tensor, epsilon: Float = 1e-8) -> Tensor {
        let difference = output - target
        return (difference * difference).mean() + (1 - output.cosineSimilarity(target, epsilon: epsilon)).mean()
    }

    /// Per-token anomaly score `mean_c (F - Y)² + 1 - cos(F_n, Y_n)`, `[B, N]`.
    public static func tokenScores(_ output: Tensor, _ target: Tensor, epsilon: Float = 1e-8) -> Tensor {
        tokenTerms(output, target, epsilon: epsilon).scores
    }

    /// The cosine `cos(F_n, Y_n)` and the score `mean_c (F - Y)² + 1 - cos` of every token, `[B, N]` each.
    static func tokenTerms(_ output: Tensor, _ target: Tensor, epsilon: Float) -> (cosine: Tensor, scores: Tensor) {
        let difference = output - target
        let cosine = output.cosineSimilarity(target, epsilon: epsilon)
        return (cosine, (difference * difference).mean(axis: -1) + (1 - cosine))
    }

    /// What one level makes of a batch of tokens: the reconstruction `[B, N, C]`, and per token the
    /// cosine to the input and the anomaly score `[B, N]`.
    public struct LevelOutput {
        public var reconstruction: Tensor
        public var cosine: Tensor
        public var scores: Tensor
    }

    /// Every level's reconstruction, cosines and token scores (no gradients): what `anomalyMap` averages.
    public func levelOutputs(_ tokens: [Tensor]) -> [LevelOutput] {
        withNoGrad {
            zip(levels, tokens).map { level, target in
                let reconstruction = level(target)
                let (cosine, scores) = RLRNetwork.tokenTerms(reconstruction, target, epsilon: config.cosineEpsilon)
                return LevelOutput(reconstruction: reconstruction, cosine: cosine, scores: scores)
            }
        }
    }

    /// Pixel anomaly map `[B, S, S]` (S = image size): per-level token scores, bilinear
    /// (align_corners) to S x S, mean over levels. Not smoothed.
    public func anomalyMap(_ tokens: [Tensor]) -> Tensor {
        anomalyMap(levelOutputs(tokens))
    }

    /// The anomaly map `[B, S, S]` of already computed level outputs.
    public func anomalyMap(_ outputs: [LevelOutput]) -> Tensor {
        withNoGrad {
            let size = config.imageSize
            var sum: Tensor? = nil
            for (level, output) in zip(levels, outputs) {
                let grid = output.scores.reshaped([output.scores.shape[0], 1, level.side, level.side])
                let upsampled = grid.interpolateBilinear(size: (size, size), alignCorners: true).squeezed(1)
                sum = sum.map { $0 + upsampled } ?? upsampled
            }
            return sum! / Float(levels.count)
        }
    }
}
