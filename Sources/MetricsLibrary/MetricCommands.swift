import Commands
import Metrics
import Tensors

/// `metric …` commands: AUROC, AP, F1-max and AUPRO of image scores [N] against labels [N], or of
/// anomaly maps [N, H, W] against ground-truth masks [N, H, W] (pixel level).
public enum MetricCommands {
    static let scores = OptionSpec("scores", .tensor, default: .nil,
                                   help: "Image scores [N] (from the shell: a .npy file).", completion: .files(["npy"]))
    static let labels = OptionSpec("labels", .tensor, default: .nil,
                                   help: "Image labels [N]; > 0.5 is anomalous.", completion: .files(["npy"]))
    static let maps = OptionSpec("maps", .tensor, default: .nil,
                                 help: "Anomaly maps [N, H, W] or [H, W] (pixel level).", completion: .files(["npy"]))
    static let masks = OptionSpec("masks", .tensor, default: .nil,
                                  help: "Ground-truth masks shaped like --maps; > 0.5 is anomalous.", completion: .files(["npy"]))
    static let fprLimit = OptionSpec("fpr-limit", .double(0...1), default: .double(AUPRO.defaultFPRLimit),
                                     help: "Integrate the PRO curve from FPR 0 up to this limit (in (0, 1]).")

    public static let commands: [CommandSpec] = [
        rankingCommand(
            "auroc", abstract: "Area under the ROC curve (exact ties: Mann-Whitney with ties counted 1/2).",
            examples: ["metric auroc --scores [0.1 0.4 0.35 0.8] --labels [0 0 1 1]"]) { try AUROC.value($0) },
        rankingCommand(
            "ap", abstract: "Average precision: the step-wise area under the precision-recall curve.",
            examples: ["metric ap --scores [0.1 0.4 0.35 0.8] --labels [0 0 1 1]"]) { try AveragePrecision.value($0) },
        rankingCommand(
            "f1max", abstract: "The best F1 score over all thresholds.",
            examples: ["metric f1max --scores [0.1 0.4 0.35 0.8] --labels [0 0 1 1]"]) { try F1Max.compute($0).value },
        CommandSpec(
            path: ["metric", "aupro"],
            abstract: "Exact area under the per-region-overlap curve up to an FPR limit (MVTec AD definition).",
            discussion: """
            Regions are the 8-connected components of each mask; every distinct score is a threshold; the curve \
            is integrated by trapezoids up to exactly --fpr-limit and divided by it.
            """,
            options: [maps, masks, fprLimit],
            examples: ["metric aupro --maps [[[0.9 0.8] [0.1 0.2]]] --masks [[[1 1] [0 0]]]"],
            validate: { inv in
                for name in ["maps", "masks"] where !inv.has(name) {
                    throw CommandError.badArgument(name: "--\(name)", reason: "is required (AUPRO is a pixel-level metric)")
                }
                if try inv.double("fpr-limit") == 0 {
                    throw CommandError.badArgument(name: "--fpr-limit", reason: "must be greater than 0")
                }
            },
            run: { inv in
                .double(try AUPRO.value(try pixelRanking(inv), fprLimit: try inv.double("fpr-limit")))
            }),
    ]

    /// A `metric NAME` command over image scores/labels or pixel maps/masks.
    static func rankingCommand(_ name: String, abstract: String, examples: [String],
                               metric: @escaping @Sendable (Ranking) throws -> Double) -> CommandSpec {
        CommandSpec(
            path: ["metric", name], abstract: abstract,
            discussion: "Give --scores and --labels (image level) or --maps and --masks (pixel level, all pixels ranked together).",
            options: [scores, labels, maps, masks],
            examples: examples,
            validate: { inv in
                let imageLevel = inv.has("scores") || inv.has("labels")
                let pixelLevel = inv.has("maps") || inv.has("masks")
                guard imageLevel != pixelLevel else {
                    throw CommandError.badArgument(
                        name: imageLevel ? "--maps" : "--scores",
                        reason: imageLevel ? "give either --scores/--labels or --maps/--masks, not both"
                                           : "give --scores and --labels, or --maps and --masks")
                }
                for option in imageLevel ? ["scores", "labels"] : ["maps", "masks"] where !inv.has(option) {
                    throw CommandError.badArgument(name: "--\(option)", reason: "is required")
                }
            },
            run: { inv in
                .double(try metric(inv.has("scores") ? try imageRanking(inv) : try pixelRanking(inv)))
            })
    }

    /// Image scores [N] and labels [N] from the invocation.
    static func imageRanking(_ inv: Invocation) throws -> Ranking {
        let scores = try inv.tensor("scores"), labels = try inv.tensor("labels")
        guard scores.rank <= 1 else {
            throw CommandError.badArgument(name: "--scores", reason: "expected shape [N], got \(scores.shape) (use --maps for maps)")
        }
        guard labels.shape == scores.shape else {
            throw CommandError.badArgument(name: "--labels", reason: "shape \(labels.shape) does not match --scores \(scores.shape)")
        }
        do {
            return try Ranking(scores: scores.contiguous().toArray(), labels: labels.contiguous().toArray().map { $0 > 0.5 })
        } catch MetricError.notANumber(_, let index) {
            throw CommandError.badArgument(name: "--scores", reason: "element \(index) is NaN")
        }
    }

    /// Maps [N, H, W] and masks [N, H, W] (or [H, W]) from the invocation, collected image by image and ranked
    /// exactly (the arrays are in memory already).
    static func pixelRanking(_ inv: Invocation) throws -> Ranking {
        let maps = try inv.tensor("maps"), masks = try inv.tensor("masks")
        guard maps.rank == 2 || maps.rank == 3 else {
            throw CommandError.badArgument(name: "--maps", reason: "expected shape [N, H, W] or [H, W], got \(maps.shape)")
        }
        guard masks.shape == maps.shape else {
            throw CommandError.badArgument(name: "--masks", reason: "shape \(masks.shape) does not match --maps \(maps.shape)")
        }
        let height = maps.shape[maps.rank - 2], width = maps.shape[maps.rank - 1]
        let count = maps.rank == 3 ? maps.shape[0] : 1
        let mapValues = maps.contiguous().toArray()
        let maskValues = masks.contiguous().toArray().map { UInt8($0 > 0.5 ? 1 : 0) }
        var pixels = PixelAccumulator(reservingPixels: mapValues.count, exactPixelLimit: .max)
        for image in 0..<count {
            try inv.checkInterrupted()
            let range = image * height * width ..< (image + 1) * height * width
            do {
                try pixels.add(map: Array(mapValues[range]), mask: Array(maskValues[range]), height: height, width: width)
            } catch MetricError.notANumber(_, let index) {
                throw CommandError.badArgument(
                    name: "--maps", reason: "image \(image), row \(index / width), column \(index % width) is NaN")
            }
        }
        return pixels.finish()
    }
}
