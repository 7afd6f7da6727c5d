import Commands
import Imaging
import Tensors

/// `data …` commands: open, summarise, load and generate datasets.
public enum DataCommands {
    static let layouts = ["mvtec", "visa", "folder", "good-bad"]

    public static let root = OptionSpec("root", .path, help: "The dataset folder, or a folder of MVTec-layout datasets (their categories are read together).",
                                             completion: .directories)
    public static let categories = OptionSpec("categories", .list(.string), default: .nil,
                                       help: "Categories to keep, comma separated; all when absent.")
    public static let layout = OptionSpec("layout", .choice(layouts), default: .string("mvtec"),
                                   help: "Folder layout: mvtec (<category>/train/good, test/<defect>, ground_truth), visa (split_csv/1cls.csv), folder (images to predict), good-bad.")

    public static let commands: [CommandSpec] = [
        CommandSpec(
            path: ["data", "info"], abstract: "Counts per category, split and defect type, and the problems found in the files.",
            discussion: "Prints a table with totals (train good, test good, test anomalous, masks), warnings (anomalous images "
                + "without masks) and problems (unreadable files, masks without images, size mismatches, empty masks); "
                + "returns the totals as a record.",
            options: [root, categories, layout,
                      OptionSpec("verify", .bool, default: .bool(true), help: "Decode every image and mask to find problems.")],
            examples: ["data info --root synthetic", "data info --root synthetic --categories washer,weave --no-verify"],
            run: { inv in
                let info = DatasetInfo.inspect(try open(inv), verify: try inv.bool("verify"))
                inv.print(info.report)
                let totals = info.totals()
                return .record(Record([
                    ("categories", .list(Array(Set(info.groups.map(\.category))).sorted().map { .string($0) })),
                    ("train_good", .int(totals.trainGood)), ("test_good", .int(totals.testGood)),
                    ("test_anomalous", .int(totals.testAnomalous)), ("masks", .int(totals.masks)),
                    ("warnings", .list(info.warnings.map { .string($0) })),
                    ("problems", .list(info.problems.map { .string($0) })),
                ]))
            }),
        CommandSpec(
            path: ["data", "synth"], abstract: "Writes the built-in synthetic dataset (MVTec layout, PNG) for a seed.",
            discussion: "Categories: \(SyntheticDataset.categoryNames.joined(separator: ", ")) (granite and weave are textures, "
                + "washer an object). Defect images come with exact masks; the same seed gives the same files.",
            options: [
                OptionSpec("out", .path, help: "Folder to write (created if needed).", completion: .directories),
                OptionSpec("seed", short: "s", .int(0...), default: .int(0), help: "Random seed."),
                OptionSpec("categories", .list(.choice(SyntheticDataset.categoryNames)), default: .nil,
                           help: "Categories to write, comma separated; all when absent."),
                OptionSpec("train", .int(1...), default: .int(24), help: "Normal training images per category."),
                OptionSpec("test-good", .int(0...), default: .int(8), help: "Normal test images per category."),
                OptionSpec("test-per-defect", .int(0...), default: .int(4), help: "Anomalous test images per defect type."),
                OptionSpec("size", .int(16...4096), default: .int(256), help: "Image side in pixels."),
            ],
            examples: ["data synth --out synthetic --seed 0", "data synth --out small --categories washer --train 8 --size 128"],
            run: { inv in
                let out = try inv.path("out")
                try SyntheticDataset.write(
                    to: out, seed: UInt64(try inv.int("seed")), categories: inv.has("categories") ? try strings(inv, "categories") : nil,
                    trainPerCategory: try inv.int("train"), testGoodPerCategory: try inv.int("test-good"),
                    testPerDefect: try inv.int("test-per-defect"), size: try inv.int("size"))
                inv.print("wrote the synthetic dataset to \(out)")
                return .string(out)
            }),
        CommandSpec(
            path: ["data", "open"], abstract: "Lists a dataset's images (sorted) without decoding them.",
            options: [root, categories, layout],
            examples: ["data open --root synthetic --categories washer", "data open --root synthetic/washer/test/good --layout folder"],
            run: { inv in
                let dataset = try open(inv)
                for warning in dataset.warnings { inv.print("warning: " + warning) }
                return .object(DatasetObject(dataset))
            }),
        CommandSpec(
            path: ["data", "load"], abstract: "Decodes a dataset's images and masks into tensors [N, 3, S, S] and [N, 1, S, S].",
            discussion: "Returns a record: images, masks, labels [N] (1 anomalous, 0 normal, -1 unknown), categories "
                + "[N] (index into the dataset's categories) and paths.",
            arguments: [ArgumentSpec("dataset", .object("dataset"), help: "A dataset from `data open`.")],
            options: [
                OptionSpec("split", .choice(["train", "test", "all"]), default: .string("all"), help: "Which samples to load."),
                OptionSpec("size", .int(1...4096), default: .int(256), help: "Resize images and masks to size x size."),
                ImageCommands.normalization,
                OptionSpec("filter", .choice(ResampleFilter.allCases.map(\.rawValue)), default: .string("bilinear"),
                           help: "Resampling filter for images (masks always use nearest)."),
            ],
            examples: ["data load (data open --root synthetic) --split train --size 256 --normalization tf"],
            run: { inv in
                let whole = try inv.object("dataset", as: DatasetObject.self).dataset
                let split = try inv.string("split")
                let dataset = split == "all" ? whole : whole.subset(split: try inv.choice("split", as: Split.self))
                let batch = try dataset.load(size: try inv.int("size"),
                                             normalization: try inv.choice("normalization", as: Normalization.self),
                                             filter: try inv.choice("filter", as: ResampleFilter.self))
                let labels = batch.samples.map { sample -> Float in
                    switch sample.label { case .normal: 0; case .anomalous: 1; case .unknown: -1 }
                }
                let categoryIndex = Dictionary(uniqueKeysWithValues: whole.categories.enumerated().map { ($1, Float($0)) })
                return .record(Record([
                    ("images", .tensor(batch.images)), ("masks", .tensor(batch.masks)),
                    ("labels", .tensor(Tensor(shape: [batch.count], data: labels))),
                    ("categories", .tensor(Tensor(shape: [batch.count], data: batch.samples.map { categoryIndex[$0.category]! }))),
                    ("paths", .list(batch.samples.map { .string($0.path) })),
                ]))
            }),
    ]

    /// The dataset named by --root, --layout and --categories.
    public static func open(_ inv: Invocation) throws -> Dataset {
        let root = try inv.path("root")
        let chosen = inv.has("categories") ? try strings(inv, "categories") : nil
        switch try inv.string("layout") {
        case "visa": return try Dataset.visa(root: root, categories: chosen)
        case "folder": return try Dataset.folder(root)
        case "good-bad": return try Dataset.goodBad(root: root)
        default: return try Dataset.mvtec(root: root, categories: chosen)
        }
    }

    /// A list-of-strings option's values.
    public static func strings(_ inv: Invocation, _ name: String) throws -> [String] {
        try inv.list(name).map { item in
            guard case .string(let s) = item else { throw CommandError.badArgument(name: "--" + name, reason: "expected names") }
            return s
        }
    }
}
