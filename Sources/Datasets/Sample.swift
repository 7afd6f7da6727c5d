/// Which part of a dataset a sample belongs to.
public enum Split: String, Sendable, CaseIterable, Comparable {
    case train, test

    public static func < (a: Split, b: Split) -> Bool { a == .train && b == .test }
}

/// Ground truth of one image.
public enum Label: String, Sendable, Equatable {
    case normal, anomalous
    /// No ground truth (images to predict on).
    case unknown
}

/// One image of a dataset with its ground truth.
public struct Sample: Sendable, Equatable {
    /// Path of the image file.
    public let path: String
    /// Category (MVTec/VisA object or texture name; the folder name for plain folders).
    public let category: String
    public let split: Split
    /// Defect type folder: "good" for normal images, e.g. "scratch" for anomalous ones.
    public let defect: String
    public let label: Label
    /// Pixel-level ground truth, when there is one; normal images have an implicit all-zero mask.
    public let maskPath: String?

    public init(path: String, category: String, split: Split, defect: String, label: Label, maskPath: String? = nil) {
        self.path = path
        self.category = category
        self.split = split
        self.defect = defect
        self.label = label
        self.maskPath = maskPath
    }

    /// The file name without its folder.
    public var fileName: String { path.split(separator: "/").last.map(String.init) ?? path }

    /// Sort key giving datasets their deterministic order: category, split, defect, file name.
    var orderKey: (String, Int, String, String) { (category, split == .train ? 0 : 1, defect, path) }
}
