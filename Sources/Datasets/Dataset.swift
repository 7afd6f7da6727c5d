import Kernels

/// A list of samples read from a folder layout, in deterministic (sorted) order.
///
/// Listing reads only folder contents; images are decoded by `load` (see Dataset+Loading.swift).
public struct Dataset: Sendable {
    /// The folder the dataset was read from.
    public let root: String
    /// The layout's name ("MVTec AD", "VisA", "folder", "good/bad").
    public let layout: String
    /// Samples sorted by category, split, defect type and path.
    public let samples: [Sample]
    /// Problems that do not prevent use (anomalous images without masks, ...), each reported once.
    public let warnings: [String]
    /// Mask pixels above this value are anomalous (127 for 0/255 masks, 0 for VisA's class-index masks).
    public let maskThreshold: UInt8

    public init(root: String, layout: String, samples: [Sample], warnings: [String] = [], maskThreshold: UInt8 = 127) {
        self.root = root
        self.layout = layout
        self.samples = samples.sorted { $0.orderKey < $1.orderKey }
        self.warnings = warnings
        self.maskThreshold = maskThreshold
    }

    public var count: Int { samples.count }

    /// The categories present, sorted; a sample's category label is its index here.
    public var categories: [String] { Array(Set(samples.map(\.category))).sorted() }

    /// The samples of one split (and optionally one category).
    public func subset(split: Split? = nil, category: String? = nil) -> Dataset {
        Dataset(root: root, layout: layout,
                samples: samples.filter { (split == nil || $0.split == split) && (category == nil || $0.category == category) },
                warnings: warnings, maskThreshold: maskThreshold)
    }

    /// The unified multi-class training set: every normal training image of every category, category kept.
    public var trainingSet: Dataset {
        Dataset(root: root, layout: layout, samples: samples.filter { $0.split == .train && $0.label == .normal },
                warnings: [], maskThreshold: maskThreshold)
    }

    /// The training set split into training and validation parts, per category, for model selection
    /// without the test set: `fraction` of each category's normal training images (at least one, when
    /// the category has two or more) go to validation, chosen by `seed`.
    public func holdingOut(fraction: Double, seed: UInt64) throws -> (training: Dataset, validation: Dataset) {
        guard fraction > 0, fraction < 1 else {
            throw DatasetError.badArgument(name: "hold-out fraction", reason: "\(fraction) is not strictly between 0 and 1")
        }
        var generator = RandomGenerator(seed: seed)
        var training = [Sample](), validation = [Sample]()
        for category in categories {
            var samples = trainingSet.samples.filter { $0.category == category }
            samples.shuffle(using: &generator)
            let held = samples.count < 2 ? 0 : min(max(Int((Double(samples.count) * fraction).rounded()), 1), samples.count - 1)
            validation += samples.prefix(held)
            training += samples.dropFirst(held)
        }
        return (Dataset(root: root, layout: layout, samples: training, maskThreshold: maskThreshold),
                Dataset(root: root, layout: layout, samples: validation, maskThreshold: maskThreshold))
    }

    /// Index of each sample's category in `categories` (the class label of unified training) [N].
    public var categoryIndices: [Int] {
        let index = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
        return samples.map { index[$0.category]! }
    }

    /// Sample indices grouped into batches of `batchSize` (the last may be smaller), shuffled when a seed is given.
    public func batches(batchSize: Int, shuffleSeed: UInt64? = nil) throws -> [[Int]] {
        guard batchSize > 0 else { throw DatasetError.badArgument(name: "batch size", reason: "\(batchSize) is not positive") }
        var order = Array(samples.indices)
        if let seed = shuffleSeed {
            var generator = RandomGenerator(seed: seed)
            order.shuffle(using: &generator)
        }
        return stride(from: 0, to: order.count, by: batchSize).map { Array(order[$0..<min($0 + batchSize, order.count)]) }
    }

    /// Keeps the requested categories (all when `requested` is nil), failing on names not in `available`.
    static func choose(_ requested: [String]?, from available: [String], root: String) throws -> [String] {
        guard let requested, !requested.isEmpty else { return available }
        let unknown = requested.filter { !available.contains($0) }
        guard unknown.isEmpty else { throw DatasetError.unknownCategories(unknown, root: root, available: available) }
        return Array(Set(requested)).sorted()
    }
}
