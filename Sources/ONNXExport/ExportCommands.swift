import Commands
import Foundation
import RLRModel
import Tensors

/// `model export`: a trained detector as one ONNX file for ONNX Runtime, OpenVINO or Triton.
public enum ExportCommands {
    public static let commands: [CommandSpec] = [
        CommandSpec(
            path: ["model", "export"], abstract: "Writes a trained detector as one ONNX graph (backbone, RLR heads, map, blur, score).",
            discussion: "Input `image`: float32 [N, 3, S, S], RGB in [0, 1] at the model's image size (what `image load --size S "
                + "--normalization unit` gives; the backbone's normalisation is inside the graph). Outputs `map` [N, S, S] (the "
                + "unsmoothed anomaly map, what `model predict` writes as .npy) and `score` [N] (max of the Gaussian-smoothed map). "
                + "Metadata: format, rlr_version, config, backbone, categories. Written atomically. See docs/deploy.md.",
            options: [
                ModelCommands.modelOption,
                OptionSpec("out", short: "o", .path, help: "ONNX file to write.", completion: .files(["onnx"])),
                OptionSpec("batch", .string, default: .string("dynamic"),
                           help: "Batch dimension of the graph: a fixed size N, or `dynamic` (any batch size)."),
                OptionSpec("opset", .int(ONNXGraph.supportedOpsets), default: .int(ONNXGraph.defaultOpset), help: "ONNX opset to write."),
            ],
            examples: ["model export --model synthetic.safetensors --out synthetic.onnx"],
            run: export),
    ]

    static func export(_ inv: Invocation) throws -> Value {
        let out = try inv.path("out")
        let batchText = try inv.string("batch")
        let batch: Int?
        if batchText == "dynamic" {
            batch = nil
        } else if let n = Int(batchText), n > 0 {
            batch = n
        } else {
            throw CommandError.badArgument(name: "--batch", reason: "expected a positive batch size or `dynamic`, got \"\(batchText)\"")
        }
        let (detector, checkpoint) = try ModelCommands.loadDetector(try inv.path("model"))
        let data = try DetectorExport.export(detector, categories: checkpoint.categories,
                                             options: ONNXExportOptions(batch: batch, opset: try inv.int("opset")))
        try AtomicFile.write(data, to: out)
        inv.print(String(format: "wrote %@ (%.1f MB, opset %d, batch %@)", out, Double(data.count) / 1e6, try inv.int("opset"), batchText))
        return .string(out)
    }
}
