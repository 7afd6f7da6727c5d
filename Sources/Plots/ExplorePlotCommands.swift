import Commands
import Foundation
import Imaging
import Tensors

/// `plot recon` and `plot grid`: pictures for exploring what a model does.
enum ExplorePlotCommands {
    static let commands: [CommandSpec] = [
        CommandSpec(
            path: ["plot", "recon"], abstract: "A level's features and reconstruction in PCA colours, next to its error map.",
            discussion: "ONE PCA is fitted on the features and the reconstruction together and its top three components become "
                + "RGB, so a region coloured alike in both panels was reconstructed as it is, and one whose colour changes was "
                + "replaced (a defect reconstructed as normal). Give --level (a record of `model reconstruct`'s levels) or "
                + "--features, --reconstruction and --map ([C, h, w], [C, h, w], [h, w]; from the shell .npy files).",
            options: [
                OptionSpec("level", .any, default: .nil, help: "A level record {features, reconstruction, map} from `model reconstruct`."),
                OptionSpec("features", .tensor, default: .nil, help: "Features [C, h, w].", completion: .files(["npy"])),
                OptionSpec("reconstruction", .tensor, default: .nil, help: "Reconstruction [C, h, w].", completion: .files(["npy"])),
                OptionSpec("map", .tensor, default: .nil, help: "The level's error map [h, w].", completion: .files(["npy"])),
                OptionSpec("image", .any, default: .nil, help: "The input image shown first: a file or a tensor [3, S, S] in [0, 1].",
                           completion: .files(["png", "jpg", "jpeg"])),
                PlotCommands.out, PlotCommands.title, PlotCommands.colormap,
                OptionSpec("panel-height", .int(32...2048), default: .int(256), help: "Height of each panel in pixels."),
            ],
            examples: ["plot recon --features features.npy --reconstruction reconstruction.npy --map level-map.npy --out recon.png"],
            validate: { inv in
                let parts = ["features", "reconstruction", "map"].filter { inv.has($0) }
                guard inv.has("level") ? parts.isEmpty : parts.count == 3 else {
                    throw CommandError.badArgument(name: "--level", reason: "give --level, or all of --features, --reconstruction and --map")
                }
            },
            run: recon),
        CommandSpec(
            path: ["plot", "grid"], abstract: "The failures to look at first: per category the highest-scoring normal and lowest-scoring anomalous test images.",
            discussion: "Reads the JSON of `model eval --json` (its images list; overlays need the maps of `--maps`). One row per "
                + "category: --count normal images with the highest scores (false alarms first), then --count anomalous images with "
                + "the lowest (misses first), captioned with defect, file and score; the category's I-AUROC, P-AUROC and AUPRO as bars.",
            options: [
                OptionSpec("eval", .path, help: "The JSON written by `model eval --json`.", completion: .files(["json"])),
                PlotCommands.out,
                OptionSpec("count", .int(1...16), default: .int(3), help: "Images of each kind per category."),
                OptionSpec("panel-size", .int(32...1024), default: .int(128), help: "Side of each image panel in pixels."),
            ],
            examples: ["plot grid --eval synthetic-eval.json --out grid.png --count 2"],
            run: { inv in
                let path = try inv.path("eval")
                let figure: Image
                do {
                    let (items, metrics) = try GridFigure.read(path)
                    figure = try GridFigure.render(items: items, metrics: metrics, count: try inv.int("count"), panelSize: try inv.int("panel-size"))
                } catch let error as PlotError {
                    throw CommandError.badArgument(name: "--eval", reason: "\(error)")
                }
                return try PlotCommands.save(figure, inv, kind: "grid")
            }),
    ]

    static func recon(_ inv: Invocation) throws -> Value {
        func part(_ name: String) throws -> Tensor {
            guard inv.has("level") else { return try inv.tensor(name) }
            guard case .tensor(let t)? = try inv.value("level").member(name) else {
                throw CommandError.badArgument(name: "--level", reason: "expected a record with a tensor '\(name)', got \(try inv.value("level").typeName)")
            }
            return t
        }
        var image: Image? = nil
        switch try inv.value("image") {
        case .nil: break
        case .string(let path): image = try Image(contentsOf: ValueKind.expandTilde(path))
        case .tensor(let t):
            do { image = try Image(tensor: t.rank == 4 ? t.squeezed(0) : t, normalization: .unit) } catch {
                throw CommandError.badArgument(name: "--image", reason: "\(error)")
            }
        case let other: throw CommandError.badArgument(name: "--image", reason: "expected a file or a tensor, got \(other.typeName)")
        }
        let figure: Image
        do {
            figure = try ReconstructionFigure.render(features: try part("features"), reconstruction: try part("reconstruction"), map: try part("map"),
                                                     image: image, title: inv.has("title") ? try inv.string("title") : "",
                                                     colormap: Colormap.named(try inv.string("colormap")) ?? .jet,
                                                     panelHeight: try inv.int("panel-height"))
        } catch let error as PlotError {
            throw CommandError.badArgument(name: inv.has("level") ? "--level" : "--features", reason: "\(error)")
        }
        return try PlotCommands.save(figure, inv, kind: "recon")
    }
}
