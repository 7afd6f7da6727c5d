import Commands
import Foundation
import Imaging
import Metrics
import Tensors

/// `plot …` commands: heatmap overlays and sample panels, ROC/PR curves, loss curves and score histograms,
/// written as PNG files (atomically). Each returns a `plot` object: `$p.path`, `$p.width`, `$p.height`.
public enum PlotCommands {
    static let out = OptionSpec("out", short: "o", .path, help: "The PNG file to write.", completion: .files(["png"]))
    static let title = OptionSpec("title", .string, default: .nil, help: "Title drawn above the plot.")
    static let width = OptionSpec("width", .int(160...8192), default: .int(640), help: "Image width in pixels.")
    static let height = OptionSpec("height", .int(120...8192), default: .int(480), help: "Image height in pixels.")
    static let scores = OptionSpec("scores", .tensor, help: "Image scores [N] (from the shell: a .npy file).", completion: .files(["npy"]))
    static let labels = OptionSpec("labels", .tensor, help: "Image labels [N]; > 0.5 is anomalous.", completion: .files(["npy"]))
    static let map = OptionSpec("map", .tensor, help: "Anomaly map [H, W] or [1, H, W] (from the shell: a .npy file).",
                                completion: .files(["npy"]))
    static let colormap = OptionSpec("colormap", .choice(Colormap.all.map(\.name)), default: .string("jet"), help: "Colour scale of the map.")
    static let range = OptionSpec("range", .list(.double), default: .nil, help: "Fixed value range lo,hi (default: the map's min and max).")
    static let sampleOptions: [OptionSpec] = [
        OptionSpec("image", .path, help: "The inspected image (PNG or JPEG).", completion: .files(["png", "jpg", "jpeg"])),
        map, out,
        OptionSpec("mask", .path, default: .nil, help: "Ground-truth mask image; its outline is drawn.", completion: .files(["png"])),
        OptionSpec("alpha", .double(0...1), default: .double(0.5), help: "Opacity of the colours over the image."),
        colormap, range,
        OptionSpec("fit", .bool, default: .bool(false), help: "Resize the image and mask to the map's size when they differ."),
        title,
        OptionSpec("score", .double, default: .nil, help: "Image score shown next to the title."),
    ]

    public static let commands: [CommandSpec] = [
        CommandSpec(
            path: ["plot", "overlay"], abstract: "An anomaly map blended over its image, with the ground-truth outline.",
            discussion: "The map must have the image's size (or pass --fit). Title and score go in a strip above the image.",
            options: sampleOptions,
            examples: ["plot overlay --image synthetic/washer/test/stain/000.png --map map.npy --mask synthetic/washer/ground_truth/stain/000_mask.png --out overlay.png",
                       "plot overlay --image synthetic/washer/test/stain/000.png --map map.npy --out overlay-viridis.png --colormap viridis --alpha 0.6 --range 0,1 --score 0.91"],
            run: { inv in
                let sample = try loadSample(inv)
                let overlay = try Heatmap.overlay(sample.map, on: sample.image, mask: sample.mask, style: sample.style)
                let image = try SampleFigure.captioned(overlay, title: inv.has("title") ? try inv.string("title") : "",
                                                       score: inv.has("score") ? try inv.double("score") : nil)
                return try save(image, inv, kind: "overlay")
            }),
        CommandSpec(
            path: ["plot", "panel"], abstract: "Image | anomaly map | overlay | ground truth side by side, with a colour bar.",
            options: sampleOptions + [OptionSpec("panel-height", .int(32...2048), default: .int(256), help: "Height of each panel in pixels.")],
            examples: ["plot panel --image synthetic/washer/test/stain/000.png --map map.npy --mask synthetic/washer/ground_truth/stain/000_mask.png --out panel.png --title washer/stain/000"],
            run: { inv in
                let sample = try loadSample(inv)
                let image = try SampleFigure.panel(image: sample.image, map: sample.map, mask: sample.mask, style: sample.style,
                                                   title: inv.has("title") ? try inv.string("title") : "",
                                                   score: inv.has("score") ? try inv.double("score") : nil,
                                                   panelHeight: try inv.int("panel-height"))
                return try save(image, inv, kind: "panel")
            }),
        CommandSpec(
            path: ["plot", "map"], abstract: "An anomaly map in colour, one pixel per value.",
            options: [map, out, colormap, range],
            examples: ["plot map --map map.npy --out map.png --colormap inferno"],
            run: { inv in try save(try Heatmap.colorize(try anomalyMap(inv), style: try colourStyle(inv)), inv, kind: "map") }),
        CommandSpec(
            path: ["plot", "roc"], abstract: "The ROC curve of image scores, with its AUROC in the legend.",
            options: [scores, labels, out, title, OptionSpec("name", .string, default: .string(""), help: "Legend name of the curve."), width, height],
            examples: ["plot roc --scores scores.npy --labels labels.npy --out roc.png --title \"washer, image level\""],
            run: { inv in
                let (values, classes) = try scoresAndLabels(inv)
                let curve = try rankingCurve(inv) { try AUROC.curve(scores: values, labels: classes) }
                var chart = try Chart.roc([(try inv.string("name"), curve)])
                return try save(chart: &chart, inv, kind: "roc")
            }),
        CommandSpec(
            path: ["plot", "pr"], abstract: "The precision-recall curve of image scores, with its AP in the legend.",
            options: [scores, labels, out, title, OptionSpec("name", .string, default: .string(""), help: "Legend name of the curve."), width, height],
            examples: ["plot pr --scores scores.npy --labels labels.npy --out pr.png"],
            run: { inv in
                let (values, classes) = try scoresAndLabels(inv)
                let curve = try rankingCurve(inv) { try AveragePrecision.curve(scores: values, labels: classes) }
                var chart = try Chart.precisionRecall([(try inv.string("name"), curve)])
                return try save(chart: &chart, inv, kind: "pr")
            }),
        CommandSpec(
            path: ["plot", "loss"], abstract: "Loss per epoch (or step): one line per series.",
            discussion: """
            --values takes a tensor [N] (one series) or [S, N] (S series, named by --names). --json takes a file holding \
            a list of numbers, an object of named lists, or a list of records such as {"epoch": 1, "loss": 0.5} (every \
            numeric field but epoch/step becomes a series; epoch or step gives the x axis).
            """,
            options: [
                OptionSpec("values", .tensor, default: .nil, help: "Losses [N] or [S, N] (from the shell: a .npy file).", completion: .files(["npy"])),
                OptionSpec("json", .path, default: .nil, help: "A JSON file of losses (see the discussion).", completion: .files(["json"])),
                out, title,
                OptionSpec("names", .list(.string), default: .nil, help: "Series names for --values [S, N], comma separated."),
                OptionSpec("x-label", .string, default: .string("Epoch"), help: "Label of the x axis."),
                OptionSpec("log", .bool, default: .bool(false), help: "Logarithmic loss axis."),
                width, height,
            ],
            examples: ["plot loss --values loss.npy --out loss.png", "plot loss --json history.json --out loss-log.png --log"],
            validate: { inv in
                guard inv.has("values") != inv.has("json") else {
                    throw CommandError.badArgument(name: "--values", reason: "give either --values or --json (exactly one)")
                }
            },
            run: { inv in
                let history = inv.has("values") ? try LossHistory(try inv.tensor("values"), names: try names(inv))
                                                : try LossHistory(json: try inv.path("json"))
                var chart = try Chart.loss(history.series, x: history.x, xLabel: try inv.string("x-label"), logScale: try inv.bool("log"))
                return try save(chart: &chart, inv, kind: "loss")
            }),
        CommandSpec(
            path: ["plot", "curve"], abstract: "Time to accuracy: test metrics over minutes of training, one colour per run.",
            discussion: "Reads the per-epoch files `model train --track --curve FILE` writes; x is training time (the test "
                + "evaluations are not counted), y the mean test metric in percent; the first metric is drawn solid, the others dashed.",
            options: [
                OptionSpec("curves", .list(.string), help: "Curve files (JSON from `model train --curve`), comma separated.",
                           completion: .files(["json"])),
                OptionSpec("names", .list(.string), default: .nil, help: "A legend name per curve file (default: the file names)."),
                OptionSpec("metrics", .list(.choice(["i_auroc", "p_auroc"])), default: .list([.string("i_auroc"), .string("p_auroc")]),
                           help: "Metrics to draw."),
                out, title, width, height,
            ],
            examples: ["plot curve --curves synthetic-curve.json --out time-to-accuracy.png"],
            run: { inv in
                let paths = try inv.list("curves").map(\.description)
                let given = try names(inv)
                if let given, given.count != paths.count {
                    throw PlotError.lengthMismatch(argument: "--names", expected: paths.count, got: given.count)
                }
                let keys = try inv.list("metrics").map(\.description)
                let runs = try paths.enumerated().map { index, path in
                    (given?[index] ?? ((path as NSString).lastPathComponent as NSString).deletingPathExtension,
                     try TimeToAccuracy(json: path, metrics: keys))
                }
                var chart = Chart.timeToAccuracy(runs, metricTitles: ["i_auroc": "I-AUROC", "p_auroc": "P-AUROC"])
                return try save(chart: &chart, inv, kind: "curve")
            }),
        CommandSpec(
            path: ["plot", "histogram"], abstract: "Histograms of image scores, good and anomalous, on shared bins.",
            options: [scores, labels, out, title,
                      OptionSpec("bins", .int(1...1000), default: .int(30), help: "Number of equal-width bins."),
                      OptionSpec("density", .bool, default: .bool(false), help: "Normalise each class to unit area."),
                      OptionSpec("threshold", .double, default: .nil, help: "Draw a decision threshold."),
                      width, height],
            examples: ["plot histogram --scores scores.npy --labels labels.npy --out histogram.png --bins 20 --density"],
            run: { inv in
                let (values, classes) = try scoresAndLabels(inv)
                var chart = try Chart.scoreHistogram(scores: values, labels: classes, bins: try inv.int("bins"),
                                                     density: try inv.bool("density"),
                                                     threshold: inv.has("threshold") ? try inv.double("threshold") : nil)
                return try save(chart: &chart, inv, kind: "histogram")
            }),
    ] + ExplorePlotCommands.commands

    // MARK: Inputs

    /// The image, map, optional mask and style of `plot overlay` / `plot panel`, sizes checked.
    static func loadSample(_ inv: Invocation) throws -> (image: Image, map: AnomalyMap, mask: Mask?, style: HeatmapStyle) {
        let map = try anomalyMap(inv)
        var image = try Image(contentsOf: try inv.path("image"))
        var maskImage = inv.has("mask") ? try Image(contentsOf: try inv.path("mask")) : nil
        let fit = try inv.bool("fit")
        for (name, size) in [("--image", (image.width, image.height)), ("--mask", maskImage.map { ($0.width, $0.height) })] {
            guard let size, size != (map.width, map.height) else { continue }
            guard fit else {
                throw CommandError.badArgument(
                    name: name, reason: "\(try inv.path(String(name.dropFirst(2)))) is \(size.0)x\(size.1) but --map is "
                        + "\(map.width)x\(map.height); pass --fit to resize the image and mask to the map")
            }
        }
        if fit {
            if image.width != map.width || image.height != map.height {
                image = try image.resized(width: map.width, height: map.height, filter: .bilinear)
            }
            if let m = maskImage, m.width != map.width || m.height != map.height {
                maskImage = try m.firstChannel().resized(width: map.width, height: map.height, filter: .nearest)
            }
        }
        var style = try colourStyle(inv)
        style.alpha = Float(try inv.double("alpha"))
        return (image, map, maskImage.map { Mask(image: $0) }, style)
    }

    /// --map as an anomaly map, errors blamed on --map.
    static func anomalyMap(_ inv: Invocation) throws -> AnomalyMap {
        do { return try AnomalyMap(try inv.tensor("map"), argument: "--map") } catch let error as PlotError {
            throw CommandError.badArgument(name: "--map", reason: "\(error)")
        }
    }

    /// The colormap and value range from --colormap and --range.
    static func colourStyle(_ inv: Invocation) throws -> HeatmapStyle {
        var style = HeatmapStyle(colormap: Colormap.named(try inv.string("colormap")) ?? .jet)
        if inv.has("range") {
            let limits = try inv.list("range").compactMap(\.number)
            guard limits.count == 2, limits[0] < limits[1] else {
                throw CommandError.badArgument(name: "--range", reason: "expected two increasing numbers lo,hi")
            }
            style.range = .fixed(Float(limits[0]), Float(limits[1]))
        }
        return style
    }

    /// Scores [N] and labels [N] (> 0.5 anomalous), finite and of equal length.
    static func scoresAndLabels(_ inv: Invocation) throws -> ([Float], [Bool]) {
        let scores = try inv.tensor("scores"), labels = try inv.tensor("labels")
        guard scores.rank <= 1, scores.count > 0 else {
            throw CommandError.badArgument(name: "--scores", reason: "expected a non-empty shape [N], got \(scores.shape)")
        }
        guard labels.count == scores.count, labels.rank <= 1 else {
            throw CommandError.badArgument(name: "--labels", reason: "shape \(labels.shape) does not match --scores \(scores.shape)")
        }
        let values = scores.contiguous().toArray()
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw CommandError.badArgument(name: "--scores", reason: "element \(bad) is \(values[bad])")
        }
        return (values, labels.contiguous().toArray().map { $0 > 0.5 })
    }

    /// A metric curve; a missing class is blamed on --labels.
    static func rankingCurve(_ inv: Invocation, _ make: () throws -> Curve) throws -> Curve {
        do { return try make() } catch let error as MetricError {
            throw CommandError.badArgument(name: "--labels", reason: "\(error)")
        }
    }

    static func names(_ inv: Invocation) throws -> [String]? {
        inv.has("names") ? try inv.list("names").map(\.description) : nil
    }

    // MARK: Output

    /// Applies --title/--width/--height to a chart, then writes it.
    static func save(chart: inout Chart, _ inv: Invocation, kind: String) throws -> Value {
        if inv.has("title") { chart.title = try inv.string("title") }
        chart.width = try inv.int("width")
        chart.height = try inv.int("height")
        return try save(try chart.render(), inv, kind: kind)
    }

    /// Writes `image` to --out (which must end in .png) and describes the file.
    static func save(_ image: Image, _ inv: Invocation, kind: String) throws -> Value {
        let path = try inv.path("out")
        guard path.lowercased().hasSuffix(".png") else {
            throw CommandError.badArgument(name: "--out", reason: "\(path) does not end in .png")
        }
        do { try image.writePlot(to: path) } catch {
            throw CommandError.badArgument(name: "--out", reason: "\(error)")
        }
        return .object(PlotFile(path: path, width: image.width, height: image.height, kind: kind))
    }
}
