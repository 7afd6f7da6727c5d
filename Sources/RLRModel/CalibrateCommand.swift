import Commands
import Datasets
import Foundation
import Tensors

/// `model calibrate`: operating points from held-out normal images, stored in the checkpoint.
enum CalibrateCommand {
    static let command = CommandSpec(
        path: ["model", "calibrate"], abstract: "Chooses image and pixel thresholds at a false-alarm rate on held-out NORMAL images.",
        discussion: "Scores normal images the model never trained on: the training images `model train --hold-out` set aside "
            + "(--root: the same dataset and categories as training, so the split is the same), or a folder of normal images "
            + "(--normals; its images count as --category, default the model's only category). Never reads test images. "
            + "Stores per category (and, for several categories, pooled as '*'): the median normal score (normalised score 0), the image "
            + "threshold (normalised score 1) and the pixel threshold on the unsmoothed map, each exceeded by at most --fpr of "
            + "the normal images / pixels. `model predict` then writes decisions and masks; `model eval` reports the operating point.",
        options: [
            ModelCommands.modelOption,
            OptionSpec("root", .path, default: .nil, help: "The training dataset (MVTec or VisA layout) the model held images out of.",
                       completion: .directories),
            OptionSpec("layout", .choice(["mvtec", "visa"]), default: .string("mvtec"), help: "Layout of --root."),
            DataCommands.categories,
            OptionSpec("normals", .path, default: .nil, help: "Instead of --root: a folder of normal images (not test images).",
                       completion: .directories),
            OptionSpec("category", .string, default: .nil, help: "With --normals: the category of its images."),
            OptionSpec("fpr", .double(0...1), default: .double(0.01), help: "False-alarm rate on normal images."),
            OptionSpec("out", short: "o", .path, default: .nil, help: "Checkpoint to write (default: --model, replaced atomically).",
                       completion: .files(["safetensors"])),
        ],
        examples: ["model calibrate --model synthetic.safetensors --normals synthetic/washer/train/good --fpr 0.05 --out calibrated.safetensors"],
        validate: { inv in
            guard inv.has("root") != inv.has("normals") else {
                throw CommandError.badArgument(name: "--root", reason: "give either --root (the training hold-out) or --normals (a folder)")
            }
            if inv.has("category") && !inv.has("normals") {
                throw CommandError.badArgument(name: "--category", reason: "only names the category of --normals images")
            }
        },
        run: run)

    static func run(_ inv: Invocation) throws -> Value {
        let path = try inv.path("model")
        let (detector, loaded) = try ModelCommands.loadDetector(path)
        var checkpoint = loaded
        let (normals, source) = try normalImages(inv, checkpoint)
        guard normals.count > 0 else { throw CommandError.failed("no normal images to calibrate on (\(source))") }
        let fpr = try inv.double("fpr")
        inv.print("calibrating on \(normals.count) normal images (\(source)) at FPR \(Value.format(fpr))")
        let calibration = try calibrate(detector, normals: normals, fpr: fpr, source: source,
                                        progress: { inv.progress("calibrate \($0)", done: $1, total: $2) },
                                        shouldStop: { inv.context.interrupt.isSet })
        checkpoint.calibration = calibration
        let out = inv.has("out") ? try inv.path("out") : path
        try checkpoint.save(to: out)
        for (category, entry) in calibration.categories.sorted(by: { $0.key < $1.key }) {
            inv.print("\(category): \(entry.images) images, median score \(Value.brief(Double(entry.scoreMedian))), image threshold "
                      + "\(Value.brief(Double(entry.imageThreshold))), pixel threshold \(Value.brief(Double(entry.pixelThreshold)))")
        }
        inv.print("saved \(out)")
        return .object(ModelObject(path: out, checkpoint: checkpoint, detector: detector))
    }

    /// The normal images to calibrate on and a description of where they come from.
    static func normalImages(_ inv: Invocation, _ checkpoint: Checkpoint) throws -> (Dataset, String) {
        if inv.has("normals") {
            let folder = try inv.path("normals")
            if URL(fileURLWithPath: folder).standardizedFileURL.pathComponents.contains("test") {
                throw CommandError.badArgument(name: "--normals", reason: "\(folder) is inside a test split; calibrating on test images "
                                               + "would make the operating point look better than it is")
            }
            let category = inv.has("category") ? try inv.string("category")
                : checkpoint.categories.count == 1 ? checkpoint.categories[0] : Calibration.pooled
            let samples = try Dataset.folder(folder).samples.map {
                Sample(path: $0.path, category: category, split: .train, defect: "good", label: .normal)
            }
            return (Dataset(root: folder, layout: "folder", samples: samples), "normal images in \(folder)")
        }
        guard let fraction = checkpoint.config.holdOut else {
            throw CommandError.badArgument(name: "--root", reason: "the model was trained without --hold-out, so no training images "
                                           + "were set aside; name a folder of normal images with --normals")
        }
        let root = try inv.path("root")
        // The dataset as training read it (all its categories), so that the hold-out split is the same.
        let dataset = try inv.string("layout") == "visa" ? try Dataset.visa(root: root, categories: checkpoint.categories)
            : try Dataset.mvtec(root: root, categories: checkpoint.categories)
        var heldOut = try dataset.trainingSet.holdingOut(fraction: fraction, seed: checkpoint.config.seed).validation
        if inv.has("categories") {
            let chosen = try DataCommands.strings(inv, "categories")
            if let unknown = chosen.first(where: { !checkpoint.categories.contains($0) }) {
                throw CommandError.badArgument(name: "--categories", reason: "the model was not trained on '\(unknown)'; it knows "
                                               + checkpoint.categories.joined(separator: ", "))
            }
            heldOut = Dataset(root: root, layout: heldOut.layout, samples: heldOut.samples.filter { chosen.contains($0.category) })
        }
        return (heldOut, "\(fraction) of train/good held out at training, seed \(checkpoint.config.seed)")
    }

    /// Scores `normals` (normal images only; never a test split) and chooses each category's operating
    /// point at `fpr`, plus the pooled one over every image when there are several categories.
    static func calibrate(_ detector: Detector, normals: Dataset, fpr: Double, source: String,
                          progress: (String, Int, Int) -> Void, shouldStop: () -> Bool) throws -> Calibration {
        precondition(normals.samples.allSatisfy { $0.split == .train && $0.label == .normal }, "calibration reads normal training images only")
        var entries: [String: CategoryCalibration] = [:]
        let plane = detector.identity.imageSize * detector.identity.imageSize
        var allScores: [Float] = [], allPixels = ThresholdAccumulator(count: normals.count * plane, fpr: fpr)
        for category in normals.categories {
            let indices = normals.samples.indices.filter { normals.samples[$0].category == category }
            var scores: [Float] = [], pixels = ThresholdAccumulator(count: indices.count * plane, fpr: fpr)
            for start in stride(from: 0, to: indices.count, by: 16) {
                let chunk = Array(indices[start..<Swift.min(indices.count, start + 16)])
                let batch = try normals.load(chunk, size: detector.identity.imageSize, normalization: .unit)
                let (maps, batchScores) = detector.score(tokens: try detector.tokens(batch.images))
                scores += batchScores
                maps.withContiguousBuffer { pixels.add($0); allPixels.add($0) }
                progress(category, start + chunk.count, indices.count)
                if shouldStop() { throw CommandError.interrupted }
            }
            entries[category] = CategoryCalibration(imageScores: scores, pixels: pixels, fpr: fpr)
            allScores += scores
        }
        if entries.count > 1 {
            entries[Calibration.pooled] = CategoryCalibration(imageScores: allScores, pixels: allPixels, fpr: fpr)
        }
        return Calibration(fpr: fpr, source: source, categories: entries)
    }
}
