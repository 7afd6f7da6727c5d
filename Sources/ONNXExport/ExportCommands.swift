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
                + "unsmoothed anomaly map, what `model predict` writes as .npy) and `score` [N] (max of the Gaussian-smoothed map); "
                + "a calibrated model (`model calibrate`) also decides as `model predict` does, with the operating point of --category: "
                + "`normalized_score` [N], `anomalous` [N] (bool, score above the image threshold) and `mask` [N, S, S] (bool, map "
                + "above the pixel threshold). Metadata: format, rlr_version, config, backbone, categories, input, outputs, and "
                + "calibration (the chosen entry, its category or '*' for pooled, fpr, source). Written atomically. See docs/deploy.md.",
            options: [
                ModelCommands.modelOption,
                OptionSpec("out", short: "o", .path, help: "ONNX file to write.", completion: .files(["onnx"])),
                OptionSpec("batch", .string, default: .string("dynamic"),
                           help: "Batch dimension of the graph: a fixed size N, or `dynamic` (any batch size)."),
                OptionSpec("opset", .int(ONNXGraph.supportedOpsets), default: .int(ONNXGraph.defaultOpset), help: "ONNX opset to write."),
                OptionSpec("category", .string, default: .nil,
                           help: "Calibrated category whose thresholds the graph decides with (default: the model's only category, "
                               + "else all categories pooled)."),
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
        let point = try Prediction.operatingPoint(checkpoint, category: inv.has("category") ? try inv.string("category") : nil)
        let calibration = point.flatMap { point in
            checkpoint.calibration.map { ExportCalibration(category: point.key, fpr: $0.fpr, source: $0.source, entry: point.entry) }
        }
        let data = try DetectorExport.export(detector, categories: checkpoint.categories, calibration: calibration,
                                             options: ONNXExportOptions(batch: batch, opset: try inv.int("opset")))
        try AtomicFile.write(data, to: out)
        let outputs = calibration.map {
            "map, score, normalized_score, anomalous, mask (operating point of \($0.category == Calibration.pooled ? "all categories pooled" : $0.category))"
        } ?? "map and score only (not calibrated: no decisions; see `model calibrate`)"
        inv.print(String(format: "wrote %@ (%.1f MB, opset %d, batch %@): outputs %@", out, Double(data.count) / 1e6, try inv.int("opset"),
                         batchText, outputs))
        return .string(out)
    }
}
