import Foundation
import Plugins

/// Hyper-parameters of an RLR model (ECCV 2024, "Reconstruct features from a Learnable Reference").
///
/// Levels are ordered as the backbone taps (default stride 8, then 16). Presets: `paper` (the
/// official configuration: D 256/512, 4 layers), `fast` (D 128/256, 2 layers) and `cpu` (D 128/256,
/// 1 layer, with a recipe that converges in minutes); see `presets`.
public struct RLRConfig: Codable, Equatable, Sendable {
    /// Hidden width D per level.
    public var dims: [Int]
    /// Encoder layers L per level.
    public var layers: Int
    public var heads: Int
    /// FFN hidden width = ffnMultiplier * D.
    public var ffnMultiplier: Int
    /// What each layer sums before its first LayerNorm (the official ablations).
    public var blocks: [AttentionBlock]
    /// Feature jitter alpha (0 disables).
    public var jitter: Float
    public var learningRate: Float
    public var layerNormEpsilon: Float
    public var cosineEpsilon: Float
    /// Window size k per level; nil = the official rule for the level's side (see `windowSize`).
    public var windows: [Int]?
    public var imageSize: Int
    public var blurSigma: Float
    public var epochs: Int
    public var batchSize: Int
    public var seed: UInt64
    /// Fraction of each category's normal training images held out to report a validation loss per
    /// epoch (nil: none). Nothing is selected by it: the last epoch is what is saved.
    public var holdOut: Double?
    /// How the learning rate moves over the run (nil: constant, the paper's).
    public var schedule: LearningRateSchedule?
    /// How the learnable reference starts (nil: `.normal`, the paper's N(0, 1)).
    public var referenceInit: ReferenceInit?

    public init(dims: [Int] = [256, 512], layers: Int = 4, heads: Int = 8, ffnMultiplier: Int = 4,
                blocks: [AttentionBlock] = AttentionBlock.rlr, jitter: Float = 4, learningRate: Float = 1e-4,
                layerNormEpsilon: Float = 1e-5, cosineEpsilon: Float = 1e-8, windows: [Int]? = nil,
                imageSize: Int = 256, blurSigma: Float = 4, epochs: Int = 200, batchSize: Int = 4, seed: UInt64 = 3407,
                holdOut: Double? = nil, schedule: LearningRateSchedule? = nil, referenceInit: ReferenceInit? = nil) {
        self.dims = dims; self.layers = layers; self.heads = heads; self.ffnMultiplier = ffnMultiplier
        self.blocks = blocks; self.jitter = jitter; self.learningRate = learningRate
        self.layerNormEpsilon = layerNormEpsilon; self.cosineEpsilon = cosineEpsilon; self.windows = windows
        self.imageSize = imageSize; self.blurSigma = blurSigma; self.epochs = epochs; self.batchSize = batchSize; self.seed = seed
        self.holdOut = holdOut; self.schedule = schedule; self.referenceInit = referenceInit
    }

    /// The official configuration (D 256/512, 4 layers, 200 epochs).
    public static let paper = RLRConfig()
    /// The paper's recipe on a smaller network (D 128/256, 2 layers).
    public static let fast = RLRConfig(dims: [128, 256], layers: 2)
    /// The CPU recipe (docs/results.md, "Time to accuracy"): the fast widths with one layer, trained for
    /// 14 epochs with a one-epoch warm-up, a 10x higher peak rate decayed along a cosine, and the
    /// reference started from the mean normal features.
    public static let cpu = RLRConfig(dims: [128, 256], layers: 1, learningRate: 1e-3, epochs: 14,
                                      schedule: LearningRateSchedule(warmupEpochs: 1, decay: .cosine), referenceInit: .features)

    /// A configuration `model train --preset` offers by name, with what an epoch costs.
    public struct Preset: Sendable {
        public var name: String
        public var config: RLRConfig
        public var summary: String
        /// Seconds of one epoch over 1,000 training images on 2 cores (measured on an AMD EPYC Zen 4; docs/model.md).
        public var secondsPerThousandImages: Double

        /// `name: summary; E epochs, about T per 1,000 training images on 2 cores`.
        public var help: String {
            "\(name): \(summary); \(config.epochs) epochs, about \(Preset.duration(secondsPerThousandImages * Double(config.epochs))) "
                + "per 1,000 training images on 2 cores"
        }

        /// `45 s`, `12 min`, `3.1 h`.
        public static func duration(_ seconds: Double) -> String {
            if seconds < 90 { return String(format: "%.0f s", seconds) }
            if seconds < 5400 { return String(format: "%.0f min", seconds / 60) }
            return String(format: "%.1f h", seconds / 3600)
        }
    }

    /// The presets, the default (`cpu`) first.
    public static let presets = [
        Preset(name: "cpu", config: .cpu, summary: "a good model in minutes (D 128/256, 1 layer, lr 1e-3 with warm-up and cosine decay, "
               + "reference from features)", secondsPerThousandImages: 51),
        Preset(name: "fast", config: .fast, summary: "the paper's recipe on D 128/256, 2 layers", secondsPerThousandImages: 88),
        Preset(name: "paper", config: .paper, summary: "the official configuration (D 256/512, 4 layers, lr 1e-4)",
               secondsPerThousandImages: 397),
    ]

    public static func preset(_ name: String) -> RLRConfig? {
        presets.first { $0.name == name }?.config
    }

    /// The official window sizes: 5 at 16x16, 7 at 32x32, 11 at 64x64 tokens.
    public static let officialWindows: [Int: Int] = [16: 5, 32: 7, 64: 11]

    /// Window size for level `level` with a `side` x `side` token grid: `windows[level]` when set,
    /// else the official size for 16/32/64 and, for any other side, the official size of the nearest
    /// official side on a log scale (ties to the smaller), capped at the largest odd k <= side.
    public func windowSize(level: Int, side: Int) throws -> Int {
        if let windows {
            guard level < windows.count, windows[level] % 2 == 1, windows[level] > 0 else {
                throw RLRError.invalidConfig("window sizes \(windows) must give an odd size for level \(level)")
            }
            return windows[level]
        }
        guard side > 0 else { throw RLRError.invalidConfig("level \(level) has no tokens") }
        if let k = RLRConfig.officialWindows[side] { return k }
        let nearest = RLRConfig.officialWindows.keys.sorted().min { a, b in
            Swift.abs(log2(Double(a) / Double(side))) < Swift.abs(log2(Double(b) / Double(side)))
        }!
        return Swift.min(RLRConfig.officialWindows[nearest]!, side % 2 == 1 ? side : side - 1)
    }
}

/// One attention block summed inside an encoder layer, with its weight. Blocks are looked up by
/// name in `Registries.attentionBlocks` (the built-ins below, and plugin blocks); in a checkpoint's
/// configuration a block is `{"kind": NAME, "weight": W}`.
public struct AttentionBlock: Codable, Equatable, Sendable {
    /// A block name (encoded as the bare string).
    public struct Kind: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ name: String) { rawValue = name }
        public var description: String { rawValue }

        /// Local cross attention: Q = X, K = V = R, only the k x k window (sparse).
        public static let lca = Kind("lca")
        /// Masked learnable-key attention: Q = X, K = R, V = X, everything except the window.
        public static let mlka = Kind("mlka")
        /// Global cross attention to the reference: Q = X, K = V = R, no mask (ablation `ca`).
        public static let ca = Kind("ca")
        /// Neighbour-masked self attention (UniAD): Q = K = V = X, window masked (ablation `msa`).
        public static let msa = Kind("msa")
    }

    public var kind: Kind
    public var weight: Float

    public init(_ kind: Kind, weight: Float = 1) {
        self.kind = kind
        self.weight = weight
    }

    /// RLR's layer: 2 * LCA + 1 * MLKA.
    public static let rlr = [AttentionBlock(.lca, weight: 2), AttentionBlock(.mlka, weight: 1)]

    /// Parses `NAME` or `NAME:WEIGHT` (weight 1 by default), as `--blocks` takes them.
    public static func parse(_ text: String) throws -> AttentionBlock {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, let weight = parts.count == 2 ? Float(parts[1]) : 1, weight.isFinite else {
            throw RLRError.invalidConfig("block \"\(text)\" must be NAME or NAME:WEIGHT, e.g. lca:2")
        }
        return AttentionBlock(Kind(parts[0]), weight: weight)
    }
}

/// The built-in attention blocks, registered in `Registries.attentionBlocks` through the same call as plugin blocks.
public enum BuiltInAttentionBlocks {
    private static let builtIns: Void = {
        let blocks: [(AttentionBlock.Kind, String, @Sendable (WindowGeometry) -> AttentionForward)] = [
            (.lca, "local cross attention: Q = X, K = V = R, the k x k window only (sparse)",
             { g in { a, x, r in a(query: x, key: r, value: r, neighbors: g.window) } }),
            (.mlka, "masked learnable-key attention: Q = X, K = R, V = X, all but the window",
             { g in { a, x, r in a(query: x, key: r, value: x, additiveMask: g.outsideWindow) } }),
            (.ca, "global cross attention: Q = X, K = V = R, no mask",
             { _ in { a, x, r in a(query: x, key: r, value: r) } }),
            (.msa, "neighbour-masked self attention (UniAD): Q = K = V = X, window masked",
             { g in { a, x, _ in a(query: x, key: x, value: x, additiveMask: g.outsideWindow) } }),
        ]
        for (kind, summary, prepare) in blocks {
            try? Registries.attentionBlocks.register(kind.rawValue, AttentionBlockDefinition(summary: summary, prepare: prepare))
        }
    }()

    /// Registers lca, mlka, ca and msa (idempotent); done before any plugin loads.
    public static func register() { builtIns }

    /// The definition of block `kind`, or an error listing the known blocks.
    public static func definition(_ kind: AttentionBlock.Kind) throws -> AttentionBlockDefinition {
        register()
        guard let definition = Registries.attentionBlocks.entry(kind.rawValue) else {
            throw RLRError.invalidConfig("unknown attention block \"\(kind)\" (known: \(Registries.attentionBlocks.names.joined(separator: ", ")); plugins add more)")
        }
        return definition
    }
}

/// Errors of the RLR model, naming what is wrong.
public enum RLRError: Error, CustomStringConvertible, Equatable {
    case invalidConfig(String)
    case shapeMismatch(String)
    case incompatibleCheckpoint(String)
    case interrupted

    public var description: String {
        switch self {
        case let .invalidConfig(message): return "invalid RLR configuration: \(message)"
        case let .shapeMismatch(message): return message
        case let .incompatibleCheckpoint(message): return "incompatible checkpoint: \(message)"
        case .interrupted: return "interrupted"
        }
    }
}
