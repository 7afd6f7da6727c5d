import Dispatch
import Foundation
import Imaging

/// Counts per category, split and defect type of a dataset, with the problems found in its files.
public struct DatasetInfo: Sendable {
    /// The images of one category/split/defect folder.
    public struct Group: Sendable, Equatable {
        public let category: String
        public let split: Split
        public let defect: String
        public let images: Int
        /// Anomalous images with a mask file.
        public let masks: Int
    }

    /// Headline counts of a category or of the whole dataset.
    public struct Totals: Sendable, Equatable {
        public var trainGood = 0
        public var testGood = 0
        public var testAnomalous = 0
        public var masks = 0

        public init(trainGood: Int = 0, testGood: Int = 0, testAnomalous: Int = 0, masks: Int = 0) {
            self.trainGood = trainGood
            self.testGood = testGood
            self.testAnomalous = testAnomalous
            self.masks = masks
        }
    }

    public let root: String
    public let layout: String
    /// Groups sorted by category, split, defect type.
    public let groups: [Group]
    /// Notes from listing (anomalous images without masks, ...).
    public let warnings: [String]
    /// Problems found in the files: unreadable images or masks, masks without images, size mismatches, empty masks.
    public let problems: [String]

    /// Counts of `category` (all categories when nil).
    public func totals(category: String? = nil) -> Totals {
        var totals = Totals()
        for group in groups where category == nil || group.category == category {
            switch (group.split, group.defect == "good") {
            case (.train, true): totals.trainGood += group.images
            case (.test, true): totals.testGood += group.images
            case (.test, false): totals.testAnomalous += group.images
            case (.train, false): break
            }
            totals.masks += group.masks
        }
        return totals
    }

    /// Summarises `dataset`; with `verify`, decodes every image and mask (in parallel) to find problems.
    public static func inspect(_ dataset: Dataset, verify: Bool = true) -> DatasetInfo {
        var counts = [String: (category: String, split: Split, defect: String, images: Int, masks: Int)]()
        for sample in dataset.samples {
            let key = "\(sample.category)\u{0}\(sample.split)\u{0}\(sample.defect)"
            var entry = counts[key] ?? (sample.category, sample.split, sample.defect, 0, 0)
            entry.images += 1
            if sample.maskPath != nil { entry.masks += 1 }
            counts[key] = entry
        }
        let groups = counts.values.map { Group(category: $0.category, split: $0.split, defect: $0.defect, images: $0.images, masks: $0.masks) }
            .sorted { ($0.category, $0.split == .train ? 0 : 1, $0.defect) < ($1.category, $1.split == .train ? 0 : 1, $1.defect) }
        var problems = dataset.layout == "MVTec AD" ? mvtecLayoutProblems(dataset) : []
        if verify { problems += fileProblems(dataset) }
        return DatasetInfo(root: dataset.root, layout: dataset.layout, groups: groups, warnings: dataset.warnings, problems: problems)
    }

    /// Masks in `ground_truth/<defect>` that belong to no test image, and folders outside the layout.
    private static func mvtecLayoutProblems(_ dataset: Dataset) -> [String] {
        var problems = [String]()
        let usedMasks = Set(dataset.samples.compactMap(\.maskPath))
        for category in dataset.categories {
            let folder = dataset.root + "/" + category
            for name in ImageFolder.subfolders(of: folder) where !["train", "test", "ground_truth"].contains(name) {
                problems.append("\(category)/\(name): folder is not part of the MVTec AD layout (ignored)")
            }
            for defect in ImageFolder.subfolders(of: folder + "/ground_truth") {
                let orphans = ImageFolder.imageNames(in: "\(folder)/ground_truth/\(defect)").filter {
                    !usedMasks.contains("\(folder)/ground_truth/\(defect)/\($0)")
                }
                if !orphans.isEmpty {
                    problems.append("\(category)/ground_truth/\(defect): \(orphans.count) masks without a test image (first: \(orphans[0]))")
                }
            }
        }
        return problems
    }

    /// Decodes every image and mask; reports unreadable files, image/mask size mismatches and empty masks.
    private static func fileProblems(_ dataset: Dataset) -> [String] {
        let samples = dataset.samples
        let threshold = dataset.maskThreshold
        let found = IndexedLog<String>()
        DispatchQueue.concurrentPerform(iterations: samples.count) { i in
            let sample = samples[i]
            var image: Image?
            do { image = try Image(contentsOf: sample.path) } catch { found.record(i, "\(error)") }
            guard let maskPath = sample.maskPath else { return }
            do {
                let mask = try Image(contentsOf: maskPath)
                if let image, image.width != mask.width || image.height != mask.height {
                    found.record(i, "\(maskPath): mask is \(mask.width)x\(mask.height) but its image is \(image.width)x\(image.height)")
                }
                if !mask.firstChannel().pixels.contains(where: { $0 > threshold }) {
                    found.record(i, "\(maskPath): mask of an anomalous image is empty")
                }
            } catch { found.record(i, "\(error)") }
        }
        return found.values()
    }

    /// A plain-text table: one line per group, totals per category and overall, then warnings and problems.
    public var report: String {
        var lines = ["\(layout) dataset at \(root)"]
        let width = max(8, groups.map(\.category.count).max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
        lines.append(pad("category", width) + "  split  " + pad("defect", 20) + "  images  masks")
        for g in groups {
            lines.append(pad(g.category, width) + "  " + pad(g.split.rawValue, 5) + "  " + pad(g.defect, 20)
                         + "  " + pad(String(g.images), 6) + "  " + (g.defect == "good" ? "-" : String(g.masks)))
        }
        func describe(_ t: Totals) -> String {
            "train good \(t.trainGood), test good \(t.testGood), test anomalous \(t.testAnomalous), masks \(t.masks)"
        }
        let categories = Array(Set(groups.map(\.category))).sorted()
        for category in categories { lines.append("\(category): " + describe(totals(category: category))) }
        lines.append("total (\(categories.count) \(categories.count == 1 ? "category" : "categories")): " + describe(totals()))
        lines += warnings.map { "warning: " + $0 }
        lines += problems.isEmpty ? ["problems: none"] : problems.map { "problem: " + $0 }
        return lines.joined(separator: "\n")
    }
}
