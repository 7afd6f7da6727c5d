import Commands
import Datasets
import Tensors

/// `model load|info|reconstruct|reference`: a model as a value, and what it makes of an image.
enum ExploreCommands {
    static let model = ArgumentSpec("model", .any, help: "A model value (from `model load`) or a checkpoint file.",
                                    completion: .files(["safetensors"]))

    static let commands: [CommandSpec] = [
        CommandSpec(
            path: ["model", "load"], abstract: "Loads a checkpoint as a model value.",
            discussion: "The value prints as a one-line summary; its members are those `model info` lists (config, categories, "
                + "backbone, taps, levels, parameters, loss, validation_loss, calibration …). The backbone is built on first use.",
            arguments: [ArgumentSpec("file", .path, help: "A checkpoint written by `model train`.", completion: .files(["safetensors"]))],
            examples: ["m = model load synthetic.safetensors"],
            run: { inv in .object(try ModelObject.load(try inv.path("file"))) }),
        CommandSpec(
            path: ["model", "info"], abstract: "What a checkpoint holds: backbone, levels, parameters, categories, losses, calibration.",
            arguments: [model],
            examples: ["model info synthetic.safetensors"],
            run: { inv in
                let object = try modelObject(inv)
                inv.print(object.summary)
                return .record(object.info)
            }),
        CommandSpec(
            path: ["model", "reconstruct"], abstract: "What the model makes of one image: score, map and every level's features and reconstruction.",
            discussion: "Returns {image [3, S, S], score, map [S, S] (unsmoothed), levels}: per level a record {tap, features "
                + "[C, h, w] (the pooled backbone tokens the heads see), reconstruction [C, h, w], map [h, w] (the level's token "
                + "scores: mean squared error + 1 - cosine), cosine [h, w]}. The image is a file (resized as `model eval` does) "
                + "or a tensor [3, S, S] with values in [0, 1]. The numbers are those `model eval` and `model predict` compute.",
            arguments: [model, ArgumentSpec("image", .any, help: "An image file, or a tensor [3, S, S] in [0, 1].",
                                            completion: .files(["png", "jpg", "jpeg"]))],
            examples: ["r = model reconstruct synthetic.safetensors synthetic/washer/test/scratch/000.png"],
            run: reconstruct),
        CommandSpec(
            path: ["model", "reference"], abstract: "Each level's learned reference tokens, as [C, h, w] tensors like the features.",
            arguments: [model],
            examples: ["model reference synthetic.safetensors"],
            run: { inv in
                let object = try modelObject(inv)
                return .list(object.checkpoint.network.levels.map { level in
                    .tensor(grid(level.reference.unsqueezed(0), side: level.side))
                })
            }),
    ]

    /// The model argument: a model value, or a checkpoint path loaded now.
    static func modelObject(_ inv: Invocation, _ name: String = "model") throws -> ModelObject {
        switch try inv.value(name) {
        case .object(let object as ModelObject): return object
        case .string(let path): return try ModelObject.load(ValueKind.expandTilde(path))
        case let other: throw CommandError.badArgument(name: name, reason: "expected a model or a checkpoint file, got \(other.typeName)")
        }
    }

    /// Tokens `[1, h*w, C]` as a feature map `[C, h, w]`.
    static func grid(_ tokens: Tensor, side: Int) -> Tensor {
        tokens.squeezed(0).transposed(0, 1).reshaped([tokens.shape[2], side, side]).contiguous()
    }

    static func reconstruct(_ inv: Invocation) throws -> Value {
        let detector = try modelObject(inv).detector()
        let size = detector.identity.imageSize
        let image: Tensor
        switch try inv.value("image") {
        case .string(let path):
            let file = ValueKind.expandTilde(path)
            let single = Dataset(root: "", layout: "files", samples: [Sample(path: file, category: "", split: .test, defect: "", label: .unknown)])
            image = try single.load([0], size: size, normalization: .unit).images
        case .tensor(let t):
            let shape = t.rank == 3 ? [1] + t.shape : t.shape
            guard shape.count == 4, shape[0] == 1, shape[1] == 3, shape[2] == size, shape[3] == size else {
                throw CommandError.badArgument(name: "image", reason: "the model takes an image [3, \(size), \(size)], got a tensor \(t.shape)")
            }
            image = t.reshaped(shape).contiguous()
        case let other:
            throw CommandError.badArgument(name: "image", reason: "expected an image file or a tensor, got \(other.typeName)")
        }
        let explanation = detector.explain(tokens: try detector.tokens(image))
        let levels: [Value] = detector.network.levels.enumerated().map { index, level in
            let output = explanation.levels[index]
            return .record(Record([
                ("tap", .string(detector.identity.taps[index])),
                ("features", .tensor(grid(explanation.tokens[index], side: level.side))),
                ("reconstruction", .tensor(grid(output.reconstruction, side: level.side))),
                ("map", .tensor(output.scores.reshaped([level.side, level.side]).contiguous())),
                ("cosine", .tensor(output.cosine.reshaped([level.side, level.side]).contiguous())),
            ]))
        }
        return .record(Record([
            ("image", .tensor(image.squeezed(0))),
            ("score", .float(explanation.scores[0])),
            ("map", .tensor(explanation.maps.squeezed(0).contiguous())),
            ("levels", .list(levels)),
        ]))
    }
}
