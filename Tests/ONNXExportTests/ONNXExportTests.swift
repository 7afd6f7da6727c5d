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
/// which also runs onnx.checker) and give rlr's own maps and scores.
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

    /// Runs the command given as shell words, as `rlr model export ...` does.
    func run(_ words: [String]) throws -> Value {
        let registry = CommandRegistry()
        try registry.register(ExportCommands.commands, library: "export")
        guard let (spec, consumed) = registry.resolve(words) else { throw registry.unknown(words) }
        return try spec.run(try Binder.bind(spec, words: Word.fromShell(Array(words.dropFirst(consumed))), context: CommandContext()))
    }

    /// Exports `detector` to `folder`/detector.onnx with `options`.
    func export(_ detector: Detector, categories: [String], options: ONNXExportOptions, folder: String) throws -> String {
        let model = folder + "/detector.onnx"
        try AtomicFile.write(try DetectorExport.export(detector, categories: categories, options: options), to: model)
        return model
    }

    /// Runs `model` in ONNX Runtime on `images` and checks the maps (max error within 1e-4 of the
    /// largest value) and the scores (same values to 1e-4 relative, same ranking) against
    /// `detector`'s own; returns the file's metadata.
    @discardableResult
    func checkInONNXRuntime(_ model: String, against detector: Detector, images: Tensor, folder: String,
                            file: StaticString = #filePath, line: UInt = #line) throws -> [String: String] {
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
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [String: String], file: file, line: line)
    }

    /// A model trained briefly on synthetic data, exported with a dynamic batch (opset 17) and with a
    /// fixed one (opset 18, where reductions take their axes as an input), on its test images.
    func testTrainedDetectorMatchesRLRInONNXRuntime() throws {
        _ = try Self.python()
        let backbone = try lite0()
        let folder = try temporaryFolder()
        try SyntheticDataset.write(to: folder + "/data", seed: 2, categories: ["washer", "granite"], trainPerCategory: 6,
                                   testGoodPerCategory: 2, testPerDefect: 1, size: 64)
        let dataset = try Dataset.mvtec(root: folder + "/data")
        let identity = try Detector.identity(of: backbone, taps: Detector.defaultTaps, imageSize: 64)
        // 3x3 windows on 8x8 and 4x4 grids: the window is clipped at every border.
        let config = RLRConfig(dims: [32, 64], layers: 2, heads: 4, learningRate: 1e-3, windows: [3, 3], imageSize: 64,
                               epochs: 2, batchSize: 4)
        let network = try RLRNetwork(channels: identity.channels, sides: identity.sides, config: config)
        let detector = Detector(backbone: backbone, identity: identity, network: network)
        let training = dataset.trainingSet
        let trainer = try Trainer(network: network)
        XCTAssertEqual(try trainer.train(tokens: try detector.tokens(of: training, indices: Array(training.samples.indices))), .finished)

        let test = dataset.subset(split: .test)
        let images = try test.load(size: 64, normalization: .unit).images
        XCTAssertGreaterThanOrEqual(images.shape[0], 8)
        let dynamic = try export(detector, categories: dataset.categories, options: ONNXExportOptions(batch: nil, opset: 17), folder: folder)
        let metadata = try checkInONNXRuntime(dynamic, against: detector, images: images, folder: folder)
        XCTAssertEqual(metadata["format"], DetectorExport.format)
        XCTAssertEqual(metadata["categories"], "[\"granite\",\"washer\"]")
        XCTAssertEqual(try JSONDecoder().decode(RLRConfig.self, from: Data(metadata["config"]!.utf8)), config)
        XCTAssertEqual(try JSONDecoder().decode(BackboneIdentity.self, from: Data(metadata["backbone"]!.utf8)), identity)

        // The command, from a checkpoint.
        let checkpoint = folder + "/model.safetensors", fixed = folder + "/fixed.onnx"
        try Checkpoint(config: config, backbone: identity, categories: dataset.categories, network: network,
                       lossHistory: trainer.lossHistory).save(to: checkpoint)
        XCTAssertEqual(try run(["model", "export", "--model", checkpoint, "--out", fixed, "--batch", "\(images.shape[0])", "--opset", "18"]),
                       .string(fixed))
        try checkInONNXRuntime(fixed, against: detector, images: images, folder: folder)
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

/// A backbone that declares no ONNX form (averages 8x8 blocks of the image into 4 channels).
private final class ToyBackbone: Backbone {
    let name = "toy"
    let taps = [FeatureTap(name: "s8", channels: 4, stride: 8)]
    func features(_ images: Tensor, taps: [String], scaling: ImageScaling) throws -> [String: Tensor] {
        let pooled = images.avgPool2d(kernel: 8)
        return ["s8": Tensor.concatenate([pooled, pooled.sliced(axis: 1, 0..<1)], axis: 1)]
    }
}
