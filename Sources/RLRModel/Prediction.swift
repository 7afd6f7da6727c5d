import Commands
import Datasets
import Foundation
import Imaging
import Plots
import Tensors

/// `model predict`: maps, overlays, masks and decisions for images, written below one folder that
/// mirrors the inputs' paths, and one `predictions.json`.
public enum Prediction {
    static let command = CommandSpec(
        path: ["model", "predict"], abstract: "Anomaly maps, scores and (when calibrated) decisions and masks for images or folders of images.",
        discussion: "Outputs mirror each image's path below the inputs' common folder (a/000.png -> OUT/a/000.png.npy), so "
            + "no two images share an output. Per image: <name>.npy (the unsmoothed map [S, S]) and <name>.overlay.png (the "
            + "smoothed map over the image); with a calibrated model (`model calibrate`) also <name>.mask.png (pixels above "
            + "the pixel threshold), the mask outline on the overlay, the normalised score (0 = median normal image, 1 = the "
            + "threshold) and the decision. OUT/predictions.json lists {path, score, normalized_score, anomalous, map, "
            + "overlay, mask} per image (output paths relative to OUT; null where uncalibrated). Images are processed in "
            + "batches of 16 (memory does not grow with the folder); every file is written atomically. Returns the list.",
        arguments: [ArgumentSpec("inputs", .path, variadic: true, help: "Image files or folders of images.")],
        options: [
            ModelCommands.modelOption,
            OptionSpec("out", short: "o", .path, help: "Folder for the outputs (created if needed).", completion: .directories),
            OptionSpec("category", .string, default: .nil,
                       help: "Calibrated category whose thresholds decide (default: the model's only category, else all categories pooled)."),
        ],
        examples: ["model predict synthetic/washer/test/scratch --model synthetic.safetensors --out predictions"],
        run: run)

    /// Each overlay spans its own map's range, to show where an image looks most anomalous; how
    /// anomalous the image is overall is its score.
    static let overlayStyle = HeatmapStyle(colormap: .jet, range: .perMap, alpha: 0.5)

    static func run(_ inv: Invocation) throws -> Value {
        let (detector, checkpoint) = try ModelCommands.loadDetector(try inv.path("model"))
        let operatingPoint = try operatingPoint(checkpoint, category: inv.has("category") ? try inv.string("category") : nil)?.entry
        let out = try inv.path("out")
        let dataset = Dataset(root: "", layout: "files", samples: try imageFiles(try inv.list("inputs").compactMap {
            if case .string(let s) = $0 { s } else { nil }
        }).map { Sample(path: $0, category: "", split: .test, defect: "", label: .unknown) })
        // The dataset's order (sorted by path) is the order of loading, outputs and predictions.json.
        let files = dataset.samples.map(\.path)
        let names = relativePaths(files)
        var entries: [Record] = []
        let size = detector.identity.imageSize, sigma = detector.network.config.blurSigma
        for start in stride(from: 0, to: files.count, by: 16) {
            let chunk = Array(start..<Swift.min(files.count, start + 16))
            let batch = try dataset.load(chunk, size: size, normalization: .unit)
            let (maps, scores) = detector.score(tokens: try detector.tokens(batch.images))
            for (i, index) in chunk.enumerated() {
                let map = maps.sliced(axis: 0, i..<(i + 1)).squeezed(0).contiguous()
                let image = try Image(tensor: batch.images.sliced(axis: 0, i..<(i + 1)).squeezed(0).contiguous(), normalization: .unit)
                let name = names[index]
                try FileManager.default.createDirectory(atPath: out + "/" + (name as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                try NPY.write(map, to: "\(out)/\(name).npy")
                let mask = try operatingPoint.map { try Mask(AnomalyMap(map .> $0.pixelThreshold)) }
                let smoothed = try AnomalyMap(map.gaussianBlur(sigma: sigma))
                try Heatmap.overlay(smoothed, on: image, mask: mask, style: overlayStyle).writePNG(to: "\(out)/\(name).overlay.png")
                if let mask { try Heatmap.image(of: mask).writePNG(to: "\(out)/\(name).mask.png") }
                let score = scores[i]
                entries.append(Record([
                    ("path", .string(files[index])),
                    ("score", .float(score)),
                    ("normalized_score", operatingPoint.map { .float($0.normalized(score)) } ?? .nil),
                    ("anomalous", operatingPoint.map { .bool($0.isAnomalous(score)) } ?? .nil),
                    ("map", .string(name + ".npy")),
                    ("overlay", .string(name + ".overlay.png")),
                    ("mask", mask == nil ? .nil : .string(name + ".mask.png")),
                ]))
            }
            inv.progress("predict", done: chunk.last! + 1, total: files.count)
            try inv.checkInterrupted()
        }
        try AtomicFile.write(try json(entries), to: out + "/predictions.json")
        let flagged = entries.filter { $0["anomalous"] == .bool(true) }.count
        inv.print("wrote maps and overlays\(operatingPoint == nil ? "" : ", masks") and predictions.json for \(files.count) images to \(out)"
                  + (operatingPoint == nil ? " (not calibrated: no decisions; see `model calibrate`)" : "; \(flagged) anomalous"))
        return .list(entries.map { .record($0) })
    }

    /// The calibration entry that decides, with its key in `Calibration.categories`: `category`'s, by
    /// default the model's only category's, else all categories pooled (`Calibration.pooled`); nil for
    /// an uncalibrated model. `model predict` and `model export` choose with it; errors name --category.
    public static func operatingPoint(_ checkpoint: Checkpoint, category: String?) throws -> (key: String, entry: CategoryCalibration)? {
        guard let calibration = checkpoint.calibration else {
            if category != nil { throw CommandError.badArgument(name: "--category", reason: "the model is not calibrated (see `model calibrate`)") }
            return nil
        }
        let key = category ?? (checkpoint.categories.count == 1 ? checkpoint.categories[0] : Calibration.pooled)
        guard let entry = calibration.categories[key] else {
            let calibrated = calibration.categories.keys.sorted().joined(separator: ", ")
            if category != nil {
                throw CommandError.badArgument(name: "--category", reason: "'\(key)' is not calibrated; calibrated: \(calibrated)")
            }
            let fallback = key == Calibration.pooled ? "all categories pooled ('\(key)')" : "the model's only category '\(key)'"
            throw CommandError.failed("the model's calibration has no entry for \(fallback) (calibrated: \(calibrated)); choose one with --category")
        }
        return (key, entry)
    }

    /// The image files named by `inputs` (files, and the images directly inside folders), each once.
    static func imageFiles(_ inputs: [String]) throws -> [String] {
        var files: [String] = [], seen = Set<String>()
        for input in inputs {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isFolder) else {
                throw CommandError.badArgument(name: "inputs", reason: "\(input) does not exist")
            }
            for file in isFolder.boolValue ? try Dataset.folder(input).samples.map(\.path) : [input]
            where seen.insert(URL(fileURLWithPath: file).standardizedFileURL.path).inserted {
                files.append(file)
            }
        }
        return files
    }

    /// Each file's path below the folder all of `files` share (distinct files give distinct paths).
    public static func relativePaths(_ files: [String]) -> [String] {
        let components = files.map { URL(fileURLWithPath: $0).standardizedFileURL.pathComponents }
        var common = components.first.map { Array($0.dropLast()) } ?? []
        for parts in components {
            let folder = parts.dropLast()
            common = Array(zip(common, folder).prefix { $0 == $1 }.map(\.0))
        }
        return components.map { $0.dropFirst(common.count).joined(separator: "/") }
    }

    /// `predictions.json`: the entries as a list of objects, plain slashes, nulls kept.
    static func json(_ entries: [Record]) throws -> Data {
        func object(_ value: Value) -> Any {
            switch value {
            case .nil: NSNull()
            case .bool(let b): b
            case .int(let i): i
            case .double(let d): d
            case .string(let s): s
            default: "\(value)"
            }
        }
        let list = entries.map { entry in Dictionary(uniqueKeysWithValues: entry.map { ($0.name, object($0.value)) }) }
        return try JSONSerialization.data(withJSONObject: list, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }
}
