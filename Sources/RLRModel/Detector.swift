import Backbones
import Datasets
import Foundation
import Imaging
import Kernels
import Tensors

/// The whole detector: a frozen backbone, AvgPool 3x3 on its taps, one RLR network per tap, and the
/// anomaly map / image score of the RLR protocol.
public final class Detector {
    public let backbone: any Backbone
    public let identity: BackboneIdentity
    public let network: RLRNetwork

    /// The default taps of RLR: stride 8 and stride 16.
    public static let defaultTaps = ["s8", "s16"]

    public init(backbone: any Backbone, identity: BackboneIdentity, network: RLRNetwork) {
        self.backbone = backbone
        self.identity = identity
        self.network = network
    }

    /// What a model trained on `taps` of `backbone` at `imageSize` needs to know about its features.
    public static func identity(of backbone: any Backbone, taps: [String], imageSize: Int) throws -> BackboneIdentity {
        let chosen = try taps.map { name -> FeatureTap in
            guard let tap = backbone.taps.first(where: { $0.name == name }) else {
                throw BackboneError.unknownTap(name, backbone: backbone.name, known: backbone.taps.map(\.name))
            }
            return tap
        }
        return BackboneIdentity(name: backbone.name, taps: taps, channels: chosen.map(\.channels),
                                sides: chosen.map { (imageSize + $0.stride - 1) / $0.stride },
                                imageSize: imageSize, normalization: "backbone")
    }

    /// Smoothed tokens `[N, h*w, C]` per tap for images `[N, 3, S, S]` with values in [0, 1]:
    /// backbone maps, AvgPool 3x3 (stride 1, pad 1, zeros counted), row-major tokens.
    public func tokens(_ images: Tensor) throws -> [Tensor] {
        guard images.rank == 4, images.shape[2] == identity.imageSize, images.shape[3] == identity.imageSize else {
            throw RLRError.shapeMismatch("the model takes images [N, 3, \(identity.imageSize), \(identity.imageSize)], got \(images.shape)")
        }
        let maps = try withNoGrad { try backbone.features(images, taps: identity.taps, scaling: .unitRange) }
        return identity.taps.map { tap in
            let pooled = maps[tap]!.avgPool2d(kernel: 3, stride: 1, padding: 1)
            let (n, c, h, w) = (pooled.shape[0], pooled.shape[1], pooled.shape[2], pooled.shape[3])
            return pooled.reshaped([n, c, h * w]).transposed(1, 2).contiguous()
        }
    }

    /// Tokens of `samples` of `dataset`, loaded and extracted in batches: one `[M, h*w, C]` per tap.
    public func tokens(of dataset: Dataset, indices: [Int], batchSize: Int = 16,
                       progress: (Int, Int) -> Void = { _, _ in }, shouldStop: () -> Bool = { false }) throws -> [Tensor] {
        var parts: [[Tensor]] = Array(repeating: [], count: identity.taps.count)
        var done = 0
        for start in stride(from: 0, to: indices.count, by: batchSize) {
            let chunk = Array(indices[start..<Swift.min(indices.count, start + batchSize)])
            let batch = try dataset.load(chunk, size: identity.imageSize, normalization: .unit)
            for (level, t) in try tokens(batch.images).enumerated() { parts[level].append(t) }
            done += chunk.count
            progress(done, indices.count)
            if shouldStop() { throw RLRError.interrupted }
        }
        return parts.map { Tensor.concatenate($0, axis: 0) }
    }

    /// Unsmoothed anomaly maps `[N, S, S]` and image scores (max of the Gaussian-smoothed map).
    public func score(tokens: [Tensor]) -> (maps: Tensor, scores: [Float]) {
        let explanation = explain(tokens: tokens)
        return (explanation.maps, explanation.scores)
    }

    /// Everything the detector computes for a batch: the tokens per level (what the heads see), each
    /// level's reconstruction, cosines and token scores, the unsmoothed maps `[N, S, S]` and the image scores.
    public struct Explanation {
        public var tokens: [Tensor]
        public var levels: [RLRNetwork.LevelOutput]
        public var maps: Tensor
        public var scores: [Float]
    }

    /// The explanation of tokens `[N, h*w, C]` per level (the path `score` and evaluation take).
    public func explain(tokens: [Tensor]) -> Explanation {
        let levels = network.levelOutputs(tokens)
        let maps = network.anomalyMap(levels)
        return Explanation(tokens: tokens, levels: levels, maps: maps, scores: Detector.imageScores(maps, sigma: network.config.blurSigma))
    }

    /// Image score per map `[N, S, S]`: max of the map blurred with a Gaussian of `sigma` (truncate 4).
    public static func imageScores(_ maps: Tensor, sigma: Float) -> [Float] {
        let blurred = withNoGrad { maps.gaussianBlur(sigma: sigma) }
        return blurred.reshaped([maps.shape[0], -1]).max(axis: 1).toArray()
    }
}
