import Backbones
import Commands
import Datasets
import Foundation
import Kernels
import ONNXExport
import RLRModel
import Tensors
import XCTest

/// Exported detectors run in ONNX Runtime (scripts/onnx/run.py in the venv of scripts/onnx/venv,
/// which also runs onnx.checker) and give rlr's own maps and scores, and a calibrated one the
/// decisions of `model predict`.
final class ONNXExportTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The venv's python with onnx and onnxruntime, or a skip saying how to get it.
    static func python() throws -> String {
        let cache = ProcessInfo.processInfo.environment["RLR_CACHE"]
            ?? (ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] ?? NSHomeDirectory() + "/.cache") + "/rlr"
        let python = cache + "/onnx-venv/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python),
              (try? run(python, ["-c", "import onnx, onnxruntime"])) != nil else {
            throw XCTSkip("ONNX Runtime unavailable: no \(python) with onnx and onnxruntime (run scripts/onnx/venv)")
        }
        return python
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "ONNXExportTests", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "\(executable) \(arguments.joined(separator: " ")) failed:\n\(text)"])
        }
        return text
    }

    func temporaryFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "/rlr-onnx-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        return folder
    }

    func lite0() throws -> any Backbone {
        do { return try BackboneRegistry.make("efficientnet-lite0") } catch {
            throw XCTSkip("EfficientNet-Lite0 weights unavailable (run scripts/setup): \(error)")
        }
    }

    /// Runs the `model export` (or other `model ...`) command given as shell words, as `rlr model export ...` does.
    func run(_ words: [String]) throws -> Value {
        let registry = CommandRegistry()
        try registry.register(ModelCommands.commands, library: "model")
        try registry.register(ExportCommands.commands, library: "export")
        guard let (spec, consumed) = registry.resolve(words) else { throw registry.unknown(words) }
        let invocation = try Binder.bind(spec, words: Word.fromShell(Array(words.dropFirst(consumed))), context: CommandContext())
        try spec.validate?(invocation)
        return try spec.run(invocation)
    }

    /// A detector trained for `config.epochs` on a synthetic dataset (washer and granite, 64 px) written
    /// to `folder`/data, on its normal training images less `config.holdOut` of them; and its checkpoint.
    func trainedModel(_ config: RLRConfig, folder: String) throws -> (detector: Detector, dataset: Dataset, checkpoint: Checkpoint) {
        let backbone = try lite0()
        try SyntheticDataset.write(to: folder + "/data", seed: 2, categories: ["washer", "granite"], trainPerCategory: 8,
                                   testGoodPerCategory: 2, testPerDefect: 1, size: 64)
        let dataset = try Dataset.mvtec(root: folder + "/data")
        let identity = try Detector.identity(of: backbone, taps: Detector.defaultTaps, imageSize: 64)
        let network = try RLRNetwork(channels: identity.channels, sides: identity.sides, config: config)
        let detector = Detector(backbone: backbone, identity: identity, network: network)
        var training = dataset.trainingSet
        if let fraction = config.holdOut { training = try training.holdingOut(fraction: fraction, seed: config.seed).training }
        let trainer = try Trainer(network: network)
        XCTAssertEqual(try trainer.train(tokens: try detector.tokens(of: training, indices: Array(training.samples.indices))), .finished)
        return (detector, dataset, Checkpoint(config: config, backbone: identity, categories: dataset.categories, network: network,
                                              lossHistory: trainer.lossHistory))
    }

    /// Exports `detector` to `folder`/detector.onnx with `options`.
    func export(_ detector: Detector, categories: [String], options: ONNXExportOptions, folder: String) throws -> String {
        let model = folder + "/detector.onnx"
        try AtomicFile.write(try DetectorExport.export(detector, categories: categories, options: options), to: model)
        return model
    }

    /// What ONNX Runtime gave: the file's metadata and its outputs ("name: type", in graph order), whose
    /// values it wrote to `folder`/NAME.npy.
    struct ORTRun {
        var metadata: [String: String]
        var outputs: [String]
    }

    /// Runs `model` in ONNX Runtime on `images` and checks the maps (max error within 1e-4 of the
    /// largest value) and the scores (same values to 1e-4 relative, same ranking) against
    /// `detector`'s own.
    @discardableResult
    func checkInONNXRuntime(_ model: String, against detector: Detector, images: Tensor, folder: String,
                            file: StaticString = #filePath, line: UInt = #line) throws -> ORTRun {
        let python = try Self.python()
        let (maps, scores) = detector.score(tokens: try detector.tokens(images))
        try NPY.write(images, to: folder + "/images.npy")
        let printed = try Self.run(python, [Self.repository + "/scripts/onnx/run.py", model, folder + "/images.npy", folder])
        let ortMaps = try NPY.read(folder + "/map.npy"), ortScores: [Float] = try NPY.read(folder + "/score.npy").toArray()

        XCTAssertEqual(ortMaps.shape, maps.shape, file: file, line: line)
        let (ours, theirs) = (maps.toArray(), ortMaps.toArray())
        let largest = ours.map(abs).max()!
        let error = zip(ours, theirs).map { abs($0 - $1) }.max()!
        XCTAssertLessThanOrEqual(error / largest, 1e-4, "map error \(error) of \(largest)", file: file, line: line)
        XCTAssertEqual(ortScores.count, scores.count, file: file, line: line)
        for (a, b) in zip(scores, ortScores) {
            XCTAssertEqual(a, b, accuracy: 1e-4 * abs(a), file: file, line: line)
        }
        XCTAssertEqual(scores.indices.sorted { scores[$0] < scores[$1] }, ortScores.indices.sorted { ortScores[$0] < ortScores[$1] },
                       "image score ranking", file: file, line: line)
        let lastLine = printed.split(separator: "\n").last.map(String.init) ?? ""
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [String: Any], file: file, line: line)
        return ORTRun(metadata: try XCTUnwrap(json["metadata"] as? [String: String], file: file, line: line),
                      outputs: try XCTUnwrap(json["outputs"] as? [String], file: file, line: line))
    }

    /// A model trained briefly on synthetic data, exported with a dynamic batch (opset 17) and with a
    /// fixed one (opset 18, where reductions take their axes as an input), on its test images.
    func testTrainedDetectorMatchesRLRInONNXRuntime() throws {
        _ = try Self.python()
        let folder = try temporaryFolder()
        // 3x3 windows on 8x8 and 4x4 grids: the window is clipped at every border.
        let config = RLRConfig(dims: [32, 64], layers: 2, heads: 4, learningRate: 1e-3, windows: [3, 3], imageSize: 64,
                               epochs: 2, batchSize: 4)
        let (detector, dataset, trained) = try trainedModel(config, folder: folder)
        let identity = detector.identity

        let test = dataset.subset(split: .test)
        let images = try test.load(size: 64, normalization: .unit).images
        XCTAssertGreaterThanOrEqual(images.shape[0], 8)
        let dynamic = try export(detector, categories: dataset.categories, options: ONNXExportOptions(batch: nil, opset: 17), folder: folder)
        let metadata = try checkInONNXRuntime(dynamic, against: detector, images: images, folder: folder).metadata
        XCTAssertEqual(metadata["format"], DetectorExport.format)
        XCTAssertEqual(metadata["categories"], "[\"granite\",\"washer\"]")
        XCTAssertEqual(try JSONDecoder().decode(RLRConfig.self, from: Data(metadata["config"]!.utf8)), config)
        XCTAssertEqual(try JSONDecoder().decode(BackboneIdentity.self, from: Data(metadata["backbone"]!.utf8)), identity)
        XCTAssertNil(metadata["calibration"])

        // The command, from an uncalibrated checkpoint: the map and the score only.
        let checkpoint = folder + "/model.safetensors", fixed = folder + "/fixed.onnx"
        try trained.save(to: checkpoint)
        XCTAssertEqual(try run(["model", "export", "--model", checkpoint, "--out", fixed, "--batch", "\(images.shape[0])", "--opset", "18"]),
                       .string(fixed))
        XCTAssertEqual(try checkInONNXRuntime(fixed, against: detector, images: images, folder: folder).outputs,
                       ["map: tensor(float)", "score: tensor(float)"])
    }

    /// A calibrated model's graph decides as `model predict` does, with the pooled operating point by
    /// default and with --category's: `normalized_score` is CategoryCalibration.normalized of its own
    /// score (exactly) and predict's to 1e-4, `anomalous` is predict's decision, and `mask` is predict's
    /// rule (unsmoothed map > pixel threshold). --category is refused where no calibration has it.
    func testCalibratedModelDecidesAsPredict() throws {
        _ = try Self.python()
        let folder = try temporaryFolder()
        let config = RLRConfig(dims: [32, 64], layers: 1, heads: 4, learningRate: 1e-3, windows: [3, 3], imageSize: 64,
                               epochs: 1, batchSize: 4, holdOut: 0.25)
        let (detector, dataset, trained) = try trainedModel(config, folder: folder)
        let model = folder + "/model.safetensors", calibrated = folder + "/calibrated.safetensors", onnx = folder + "/calibrated.onnx"
        try trained.save(to: model)
        XCTAssertThrowsError(try run(["model", "export", "--model", model, "--out", onnx, "--category", "washer"])) {
            XCTAssertEqual("\($0)", "bad value for --category: the model is not calibrated (see `model calibrate`)")
        }
        _ = try run(["model", "calibrate", "--model", model, "--root", folder + "/data", "--fpr", "0.25", "--out", calibrated])
        let calibration = try XCTUnwrap(try Checkpoint.load(calibrated).calibration)
        XCTAssertThrowsError(try run(["model", "export", "--model", calibrated, "--out", onnx, "--category", "felt"])) {
            XCTAssertEqual("\($0)", "bad value for --category: 'felt' is not calibrated; calibrated: *, granite, washer")
        }

        let test = dataset.subset(split: .test)
        let paths = test.samples.map(\.path)
        let images = try test.load(size: 64, normalization: .unit).images
        let rlrMaps = detector.score(tokens: try detector.tokens(images)).maps.toArray()
        for category in [nil, "washer"] as [String?] {
            let chosen = category.map { ["--category", $0] } ?? []
            _ = try run(["model", "export", "--model", calibrated, "--out", onnx] + chosen)
            _ = try run(["model", "predict"] + paths + ["--model", calibrated, "--out", folder + "/predictions"] + chosen)
            let ort = try checkInONNXRuntime(onnx, against: detector, images: images, folder: folder)
            XCTAssertEqual(ort.outputs, ["map: tensor(float)", "score: tensor(float)", "normalized_score: tensor(float)",
                                         "anomalous: tensor(bool)", "mask: tensor(bool)"])
            let key = category ?? Calibration.pooled
            let entry = try XCTUnwrap(calibration.categories[key])
            let exported = try JSONDecoder().decode(ExportedCalibration.self, from: Data(try XCTUnwrap(ort.metadata["calibration"]).utf8))
            XCTAssertEqual(exported, ExportedCalibration(category: key, fpr: 0.25, source: calibration.source, entry: entry))
            XCTAssertTrue(try XCTUnwrap(ort.metadata["outputs"]).contains("anomalous: bool [N]"))

            let predicted = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/predictions/predictions.json")))
                as? [[String: Any]])
            let byPath = Dictionary(uniqueKeysWithValues: predicted.map { ($0["path"] as! String, $0) })
            let scores: [Float] = try NPY.read(folder + "/score.npy").toArray()
            let normalized: [Float] = try NPY.read(folder + "/normalized_score.npy").toArray()
            let anomalous = try NPY.read(folder + "/anomalous.npy").toArray().map { $0 != 0 }
            XCTAssertEqual(anomalous.count, paths.count)
            for (i, path) in paths.enumerated() {
                let prediction = try XCTUnwrap(byPath[path])
                XCTAssertEqual(normalized[i], entry.normalized(scores[i]), path)
                XCTAssertEqual(normalized[i], Float(prediction["normalized_score"] as! Double), accuracy: 1e-4 * max(1, abs(normalized[i])), path)
                XCTAssertEqual(anomalous[i], prediction["anomalous"] as? Bool, path)
                XCTAssertEqual(anomalous[i], scores[i] > entry.imageThreshold, path)
            }
            XCTAssertEqual(Set(anomalous), [false, true], "the operating point flags some test images and passes others")

            let mask = try NPY.read(folder + "/mask.npy")
            XCTAssertEqual(mask.shape, [paths.count, 64, 64])
            let flags = mask.toArray().map { $0 != 0 }
            func differing(_ maps: [Float]) -> Int { zip(flags, maps).filter { $0 != ($1 > entry.pixelThreshold) }.count }
            XCTAssertEqual(differing(try NPY.read(folder + "/map.npy").toArray()), 0, "mask pixels other than ORT's map > pixelThreshold")
            // rlr's maps give the same mask but where a pixel lies within the maps' difference of the threshold.
            XCTAssertLessThanOrEqual(differing(rlrMaps), rlrMaps.count / 1000, "mask pixels other than rlr's map > pixelThreshold")
            let flagged = flags.filter { $0 }.count
            XCTAssertTrue(flagged > 0 && flagged < flags.count, "\(flagged) of \(flags.count) mask pixels flagged")
        }
    }

    /// The ablation blocks (global cross attention, neighbour-masked self attention, a weight other
    /// than 1) on a wide tap of Lite0, at opset 21.
    func testAblationBlocksAndWideTapsMatch() throws {
        _ = try Self.python()
        let backbone = try lite0()
        let folder = try temporaryFolder()
        let identity = try Detector.identity(of: backbone, taps: ["s8wide", "s16"], imageSize: 64)
        let config = RLRConfig(dims: [16, 32], layers: 1, heads: 2, blocks: [AttentionBlock(.ca), AttentionBlock(.msa, weight: 0.5)],
                               windows: [5, 3], imageSize: 64)
        let detector = Detector(backbone: backbone, identity: identity,
                                network: try RLRNetwork(channels: identity.channels, sides: identity.sides, config: config))
        var generator = RandomGenerator(seed: 7)
        let images = Tensor.rand([3, 3, 64, 64], generator: &generator)
        let model = try export(detector, categories: [], options: ONNXExportOptions(batch: nil, opset: 21), folder: folder)
        try checkInONNXRuntime(model, against: detector, images: images, folder: folder)
    }

    /// What cannot be exported is named: a backbone without an ONNX form, an opset outside the range.
    func testUnexportableDetectorsAreClearErrors() throws {
        let identity = BackboneIdentity(name: "toy", taps: ["s8"], channels: [4], sides: [4], imageSize: 32, normalization: "backbone")
        let config = RLRConfig(dims: [8], layers: 1, heads: 2, windows: [3], imageSize: 32)
        let detector = Detector(backbone: ToyBackbone(), identity: identity,
                                network: try RLRNetwork(channels: [4], sides: [4], config: config))
        XCTAssertThrowsError(try DetectorExport.export(detector, categories: [])) { error in
            XCTAssertEqual(String(describing: error), "cannot export to ONNX: backbone 'toy' declares no ONNX form "
                           + "(known: efficientnet-lite0, efficientnet-lite1, efficientnet-lite2)")
        }
        XCTAssertThrowsError(try DetectorExport.export(detector, categories: [], options: ONNXExportOptions(opset: 13))) { error in
            XCTAssertEqual(String(describing: error), "cannot export to ONNX: opset 13 (the exporter writes opsets 17-21)")
        }
        for batch in ["0", "four"] {
            XCTAssertThrowsError(try run(["model", "export", "--model", "m.safetensors", "--out", "m.onnx", "--batch", batch])) { error in
                XCTAssertEqual(String(describing: error), "bad value for --batch: expected a positive batch size or `dynamic`, got \"\(batch)\"")
            }
        }
        XCTAssertThrowsError(try run(["model", "export", "--model", "/nonexistent/m.safetensors", "--out", "m.onnx"])) { error in
            XCTAssertTrue(String(describing: error).contains("/nonexistent/m.safetensors"), String(describing: error))
        }
    }
}

/// The `calibration` metadata as a consumer reads it.
private struct ExportedCalibration: Decodable, Equatable {
    var category: String
    var fpr: Double
    var source: String
    var entry: CategoryCalibration
}

/// A backbone that declares no ONNX form (averages 8x8 blocks of the image into 4 channels).
private final class ToyBackbone: Backbone {
    let name = "toy"
    let taps = [FeatureTap(name: "s8", channels: 4, stride: 8)]
    func features(_ images: Tensor, taps: [String], scaling: ImageScaling) throws -> [String: Tensor] {
        let pooled = images.avgPool2d(kernel: 8)
        return ["s8": Tensor.concatenate([pooled, pooled.sliced(axis: 1, 0..<1)], axis: 1)]
    }
}
