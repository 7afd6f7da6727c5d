import Backbones
import Commands
import Datasets
import Foundation
import Kernels
import RLRModel
import Tensors
import XCTest

/// A synthetic dataset (64 px, two categories) and a small model trained on it for one epoch with a
/// quarter of the normal training images held out: built once for the tests of this file.
final class ExploreFixture: @unchecked Sendable {
    let root: String
    let model: String
    let detector: Detector

    static let shared = Result { try ExploreFixture() }

    init() throws {
        let backbone = try BackboneRegistry.make("efficientnet-lite0")
        root = NSTemporaryDirectory() + "/rlr-explore-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try SyntheticDataset.write(to: root + "/data", seed: 2, categories: ["granite", "washer"], trainPerCategory: 8,
                                   testGoodPerCategory: 2, testPerDefect: 1, size: 64)
        let dataset = try Dataset.mvtec(root: root + "/data")
        let identity = try Detector.identity(of: backbone, taps: Detector.defaultTaps, imageSize: 64)
        let config = RLRConfig(dims: [32, 64], layers: 1, heads: 4, learningRate: 1e-3, windows: [3, 3], imageSize: 64,
                               epochs: 1, batchSize: 4, holdOut: 0.25)
        let network = try RLRNetwork(channels: identity.channels, sides: identity.sides, config: config)
        detector = Detector(backbone: backbone, identity: identity, network: network)
        let training = try dataset.trainingSet.holdingOut(fraction: 0.25, seed: config.seed).training
        let trainer = try Trainer(network: network)
        _ = try trainer.train(tokens: try detector.tokens(of: training, indices: Array(training.samples.indices)))
        model = root + "/model.safetensors"
        try Checkpoint(config: config, backbone: identity, categories: dataset.categories, network: network,
                       lossHistory: trainer.lossHistory).save(to: model)
    }
}

/// Runs a `model …` command with words (strings are shell words; other values are passed as they are).
func runModelCommand(_ name: String, _ words: [Any]) throws -> Value {
    let spec = try XCTUnwrap(ModelCommands.commands.first { $0.name == name })
    let bound: [Word] = words.map { word in
        if let text = word as? String { return Word.fromShell([text])[0] }
        return .value(word as! Value)
    }
    let invocation = try Binder.bind(spec, words: bound, context: CommandContext())
    try spec.validate?(invocation)
    return try spec.run(invocation)
}

final class ExploreTests: XCTestCase {
    override class func tearDown() {
        if case .success(let fixture) = ExploreFixture.shared { try? FileManager.default.removeItem(atPath: fixture.root) }
    }

    func fixture() throws -> ExploreFixture {
        do { return try ExploreFixture.shared.get() } catch {
            throw XCTSkip("EfficientNet-Lite0 weights unavailable (run scripts/setup): \(error)")
        }
    }

    /// max |a - b| / max |b|.
    func maxRelativeDifference(_ a: Tensor, _ b: Tensor) -> Float {
        XCTAssertEqual(a.shape, b.shape)
        let (x, y) = (a.toArray(), b.toArray())
        return zip(x, y).map { abs($0 - $1) }.max()! / y.map(abs).max()!
    }

    func tensor(_ value: Value?) throws -> Tensor {
        guard case .tensor(let t)? = value else { throw XCTSkip("not a tensor: \(String(describing: value))") }
        return t
    }

    /// `model reconstruct` gives the map and score `model eval` computes for the same image, features equal to the
    /// detector's tokens, reconstructions equal to the network's (the path training's validation loss takes), and
    /// per-level cosines and maps equal to plain loops over those features and reconstructions.
    func testReconstructionEqualsWhatEvaluationComputes() throws {
        let f = try fixture()
        let dataset = try Dataset.mvtec(root: f.root + "/data", categories: ["washer"])
        var evaluated: [String: (Tensor, Float)] = [:]
        _ = try Evaluation.run(f.detector, on: dataset, each: { sample, map, score in evaluated[sample.path] = (map, score) })
        let sample = try XCTUnwrap(dataset.samples.first { $0.label == .anomalous })
        let (evalMap, evalScore) = try XCTUnwrap(evaluated[sample.path])

        guard case .object(let model) = try runModelCommand("model load", [f.model]) else { return XCTFail("not an object") }
        guard case .record(let r) = try runModelCommand("model reconstruct", [Value.object(model), sample.path]) else {
            return XCTFail("not a record")
        }
        // Evaluation scores a batch, reconstruct one image: the same operations, summed in another order by BLAS.
        XCTAssertLessThan(maxRelativeDifference(try tensor(r["map"]), evalMap), 1e-5)
        XCTAssertEqual(try XCTUnwrap(r["score"]?.number.map(Float.init)), evalScore, accuracy: 1e-5 * evalScore)
        XCTAssertEqual(try tensor(r["image"]).shape, [3, 64, 64])
        // The image as a tensor gives the same result as its file.
        guard case .record(let again) = try runModelCommand("model reconstruct", [Value.object(model), Value.tensor(try tensor(r["image"]))]) else {
            return XCTFail("not a record")
        }
        XCTAssertEqual(try tensor(again["map"]).toArray(), try tensor(r["map"]).toArray())

        let image = try dataset.load([dataset.samples.firstIndex(of: sample)!], size: 64).images
        let tokens = try f.detector.tokens(image)
        let reconstructions = f.detector.network.reconstruct(tokens)
        guard case .list(let levels)? = r["levels"] else { return XCTFail("no levels") }
        XCTAssertEqual(levels.count, 2)
        for (index, level) in levels.enumerated() {
            let (c, side) = (f.detector.identity.channels[index], f.detector.identity.sides[index])
            let features = try tensor(level.member("features")), reconstruction = try tensor(level.member("reconstruction"))
            XCTAssertEqual(features.shape, [c, side, side])
            XCTAssertEqual(reconstruction.shape, [c, side, side])
            let (map, cosine) = (try tensor(level.member("map")), try tensor(level.member("cosine")))
            XCTAssertEqual(map.shape, [side, side])
            let (fa, ra) = (features.toArray(), reconstruction.toArray())
            let (ta, rt) = (tokens[index].toArray(), reconstructions[index].toArray())
            for p in 0..<(side * side) {
                var dot = 0.0, ff = 0.0, rr = 0.0, squared = 0.0
                for ch in 0..<c {
                    let (x, y) = (Double(fa[ch * side * side + p]), Double(ra[ch * side * side + p]))
                    XCTAssertEqual(Float(x), ta[p * c + ch])
                    XCTAssertEqual(Float(y), rt[p * c + ch], accuracy: 1e-5)
                    dot += x * y; ff += x * x; rr += y * y; squared += (x - y) * (x - y)
                }
                let cos = dot / max(ff.squareRoot() * rr.squareRoot(), 1e-8)
                XCTAssertEqual(Double(cosine.toArray()[p]), cos, accuracy: 1e-4)
                XCTAssertEqual(Double(map.toArray()[p]), squared / Double(c) + 1 - cos, accuracy: 1e-4)
            }
        }
        guard case .list(let references) = try runModelCommand("model reference", [f.model]) else { return XCTFail("not a list") }
        XCTAssertEqual(try references.map { try tensor($0).shape }, [[40, 8, 8], [112, 4, 4]])
        XCTAssertEqual(try tensor(references[1]).toArray()[0 * 16 + 3], f.detector.network.levels[1].reference[3, 0])

        guard case .record(let info) = try runModelCommand("model info", [f.model]) else { return XCTFail("not a record") }
        XCTAssertEqual(info["categories"], .list([.string("granite"), .string("washer")]))
        XCTAssertEqual(info["parameters"], .int(f.detector.network.parameterCount))
        XCTAssertEqual(info["calibration"], .nil)
        XCTAssertEqual(info["config"]?.member("layers"), .int(1))
        XCTAssertThrowsError(try runModelCommand("model reconstruct", [f.model, Value.tensor(Tensor.zeros([3, 32, 32]))])) {
            XCTAssertTrue("\($0)".contains("[3, 64, 64], got a tensor [3, 32, 32]"), "\($0)")
        }
    }

    /// Two folders whose files share names keep every result, below their common folder; predictions.json
    /// has the schema (plain slashes, nulls while uncalibrated), and calibration adds decisions and masks.
    func testPredictKeepsCollidingNamesAndWritesTheSchema() throws {
        let f = try fixture()
        let out = f.root + "/predictions-\(UUID().uuidString)"
        let (a, b) = (f.root + "/data/granite/test/good", f.root + "/data/washer/test/good")
        guard case .list(let entries) = try runModelCommand("model predict", [b, a, "--model", f.model, "--out", out]) else {
            return XCTFail("not a list")
        }
        XCTAssertEqual(entries.count, 4)
        let text = try String(contentsOfFile: out + "/predictions.json", encoding: .utf8)
        XCTAssertFalse(text.contains("\\/"), text)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        XCTAssertEqual(json.count, 4)
        XCTAssertEqual(json.map { $0["map"] as? String }, ["granite/test/good/000.png.npy", "granite/test/good/001.png.npy",
                                                          "washer/test/good/000.png.npy", "washer/test/good/001.png.npy"])
        for item in json {
            // Each entry holds its own image's results: the score `model reconstruct` gives that image alone.
            guard case .record(let alone) = try runModelCommand("model reconstruct", [f.model, item["path"] as! String]) else { return XCTFail() }
            XCTAssertEqual(item["score"] as! Double, try XCTUnwrap(alone["score"]?.number), accuracy: 1e-4 * (item["score"] as! Double))
            let map = try NPY.read(out + "/" + (item["map"] as! String))
            XCTAssertLessThan(maxRelativeDifference(map, try tensor(alone["map"])), 1e-5)
            XCTAssertEqual(Set(item.keys), ["path", "score", "normalized_score", "anomalous", "map", "overlay", "mask"])
            XCTAssertTrue(item["normalized_score"] is NSNull && item["anomalous"] is NSNull && item["mask"] is NSNull)
            XCTAssertNotNil(item["score"] as? Double)
            for key in ["map", "overlay"] { XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + (item[key] as! String))) }
        }

        let calibrated = f.root + "/calibrated-\(UUID().uuidString).safetensors"
        _ = try runModelCommand("model calibrate", ["--model", f.model, "--normals", f.root + "/data/washer/train/good",
                                                    "--category", "washer", "--fpr", "0.5", "--out", calibrated])
        XCTAssertThrowsError(try runModelCommand("model predict", [b, "--model", calibrated, "--out", out, "--category", "granite"])) {
            XCTAssertTrue("\($0)".contains("'granite' is not calibrated"), "\($0)")
        }
        // Two categories, washer calibrated alone: no pooled entry decides by default.
        XCTAssertThrowsError(try runModelCommand("model predict", [b, "--model", calibrated, "--out", out])) {
            XCTAssertEqual("\($0)", "the model's calibration has no entry for all categories pooled ('*') (calibrated: washer); "
                           + "choose one with --category")
        }
        _ = try runModelCommand("model predict", [b, "--model", calibrated, "--out", out, "--category", "washer"])
        let again = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/predictions.json")))
            as? [[String: Any]])
        XCTAssertEqual(again.map { $0["mask"] as? String }, ["000.png.mask.png", "001.png.mask.png"])
        let entry = try XCTUnwrap(try Checkpoint.load(calibrated).calibration?.categories["washer"])
        for item in again {
            let score = Float(item["score"] as! Double)
            XCTAssertEqual(item["anomalous"] as? Bool, score > entry.imageThreshold)
            XCTAssertEqual(Float(item["normalized_score"] as! Double), entry.normalized(score), accuracy: 1e-5)
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + (item["mask"] as! String)))
        }
    }

    /// Two predict runs into one folder at the same time: every file they leave is whole (atomic writes), and
    /// predictions.json is one run's complete list.
    func testConcurrentPredictionsIntoOneFolderStayWhole() throws {
        let f = try fixture()
        let out = f.root + "/concurrent-\(UUID().uuidString)"
        let inputs = [f.root + "/data/granite/test/good", f.root + "/data/washer/test/good"]
        let errors = ErrorLog()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            do { _ = try runModelCommand("model predict", [inputs[i], inputs[1 - i], "--model", f.model, "--out", out]) } catch {
                errors.add(error)
            }
        }
        XCTAssertEqual(errors.messages, [])
        let list = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/predictions.json"))) as? [[String: Any]])
        XCTAssertEqual(list.count, 4)
        for item in list { XCTAssertEqual(try NPY.read(out + "/" + (item["map"] as! String)).shape, [64, 64]) }
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: out).filter { $0.contains(".tmp-") }
        XCTAssertEqual(leftovers, [])
    }

    /// `model train --track --curve` records every epoch: training seconds that grow, the loss history, and
    /// test metrics equal to what `model eval` computes for the saved model after the last epoch.
    func testTrackedCurveMatchesEvaluationOfTheSavedModel() throws {
        let f = try fixture()
        let out = f.root + "/tracked-\(UUID().uuidString).safetensors", curve = f.root + "/curve-\(UUID().uuidString).json"
        _ = try runModelCommand("model train", ["--root", f.root + "/data", "--size", "64", "--dims", "32,64", "--layers", "1",
                                                "--epochs", "2", "--lr", "1e-3", "--schedule", "cosine", "--warmup", "0.5",
                                                "--reference", "features", "--no-cache", "--track", "--curve", curve, "--out", out])
        let rows = try JSONDecoder().decode([TrainingCurve.Row].self, from: try Data(contentsOf: URL(fileURLWithPath: curve)))
        XCTAssertEqual(rows.map(\.epoch), [1, 2])
        XCTAssertLessThan(rows[0].seconds, rows[1].seconds)
        let (detector, checkpoint) = try ModelCommands.loadDetector(out)
        XCTAssertEqual(rows.map(\.loss), checkpoint.lossHistory)
        XCTAssertEqual(checkpoint.config.schedule, LearningRateSchedule(warmupEpochs: 0.5, decay: .cosine))
        XCTAssertEqual(checkpoint.config.referenceInit, .features)
        let report = try Evaluation.run(detector, on: try Dataset.mvtec(root: f.root + "/data")).report
        XCTAssertEqual(try XCTUnwrap(rows[1].imageAUROC), try XCTUnwrap(report.mean.imageAUROC), accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(rows[1].pixelAUROC), try XCTUnwrap(report.mean.pixelAUROC), accuracy: 1e-9)
        XCTAssertEqual(rows[1].categories?["washer"]?[0], report.categories.first { $0.category == "washer" }?.imageAUROC)
    }

    /// Calibration from the training hold-out reads the held-out normal images only: with every test image
    /// deleted it still works, and its image count is the hold-out's.
    func testCalibrationNeverReadsTestImages() throws {
        let f = try fixture()
        let copy = f.root + "/no-test-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: f.root + "/data", toPath: copy)
        for category in ["granite", "washer"] {
            let test = copy + "/\(category)/test"
            for defect in try FileManager.default.contentsOfDirectory(atPath: test) {
                for file in try FileManager.default.contentsOfDirectory(atPath: test + "/" + defect) {
                    try FileManager.default.removeItem(atPath: test + "/" + defect + "/" + file)
                }
            }
        }
        let out = f.root + "/holdout-\(UUID().uuidString).safetensors"
        _ = try runModelCommand("model calibrate", ["--model", f.model, "--root", copy, "--fpr", "0.1", "--out", out])
        let calibration = try XCTUnwrap(try Checkpoint.load(out).calibration)
        XCTAssertEqual(calibration.categories["granite"]?.images, 2)
        XCTAssertEqual(calibration.categories["washer"]?.images, 2)
        XCTAssertEqual(calibration.categories[Calibration.pooled]?.images, 4)
        XCTAssertThrowsError(try runModelCommand("model calibrate", ["--model", f.model, "--normals", f.root + "/data/washer/test/good",
                                                                    "--out", out])) {
            XCTAssertTrue("\($0)".contains("inside a test split"), "\($0)")
        }

        // The eval operating point counts what the thresholds decide, image by image.
        var scores: [(Float, Bool)] = []
        let dataset = try Dataset.mvtec(root: f.root + "/data", categories: ["washer"])
        let evaluation = try Evaluation.run(f.detector, on: dataset, calibration: calibration, each: { sample, _, score in
            scores.append((score, sample.label == .anomalous))
        })
        let point = try XCTUnwrap(evaluation.operatingPoints["washer"])
        let threshold = calibration.categories["washer"]!.imageThreshold
        XCTAssertEqual(point.image.falsePositives, scores.filter { !$0.1 && $0.0 > threshold }.count)
        XCTAssertEqual(point.image.truePositives, scores.filter { $0.1 && $0.0 > threshold }.count)
        XCTAssertEqual(point.image.negatives + point.image.positives, scores.count)
        XCTAssertEqual(point.pixel.map { $0.positives + $0.negatives }, scores.count * 64 * 64)
    }
}

/// Errors collected from several threads.
final class ErrorLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ error: Error) { lock.withLock { list.append("\(error)") } }
    var messages: [String] { lock.withLock { list } }
}

/// Thresholds and paths without a model.
final class CalibrationUnitTests: XCTestCase {
    /// The threshold is the smallest value with at most `fpr` of the values above it (brute force over candidates),
    /// also when the values arrive in pieces.
    func testThresholdAgainstBruteForce() {
        var generator = RandomGenerator(seed: 5)
        for n in [1, 2, 7, 100, 333] {
            let values = (0..<n).map { _ in Float(Int(generator.nextUniform() * 20)) / 4 }
            for fpr in [0, 0.01, 0.1, 0.25, 0.5, 1] {
                let above = { (x: Float) in Double(values.filter { $0 > x }.count) }
                let expected = values.filter { above($0) <= fpr * Double(n) }.min()!
                var whole = ThresholdAccumulator(count: n, fpr: fpr)
                values.withUnsafeBufferPointer { whole.add($0) }
                XCTAssertEqual(whole.threshold, expected, "n \(n) fpr \(fpr)")
                var pieces = ThresholdAccumulator(count: n, fpr: fpr)
                for part in [values[..<(n / 3)], values[(n / 3)...]] { Array(part).withUnsafeBufferPointer { pieces.add($0) } }
                XCTAssertEqual(pieces.threshold, expected, "in pieces n \(n) fpr \(fpr)")
                XCTAssertEqual(CategoryCalibration(imageScores: values, pixels: whole, fpr: fpr).imageThreshold, expected)
            }
        }
        let entry = CategoryCalibration(images: 3, scoreMedian: 2, imageThreshold: 4, pixelThreshold: 1)
        XCTAssertEqual(entry.normalized(2), 0)
        XCTAssertEqual(entry.normalized(4), 1)
        XCTAssertFalse(entry.isAnomalous(4))
        // A threshold at or below the median (a large --fpr on few images) still gives finite, ordered scores.
        for threshold: Float in [68, 67] {
            let degenerate = CategoryCalibration(images: 4, scoreMedian: 68, imageThreshold: threshold, pixelThreshold: 1)
            let scores = [60, 68, 68.5, 1e6].map { degenerate.normalized(Float($0)) }
            XCTAssertTrue(scores.allSatisfy(\.isFinite), "\(scores)")
            XCTAssertEqual(scores, scores.sorted())
        }
    }

    func testRelativePathsBelowTheCommonFolder() {
        XCTAssertEqual(Prediction.relativePaths(["/d/a/000.png", "/d/b/000.png", "/d/b/c/000.png"]),
                       ["a/000.png", "b/000.png", "b/c/000.png"])
        XCTAssertEqual(Prediction.relativePaths(["/d/a/x.png"]), ["x.png"])
        XCTAssertEqual(Prediction.relativePaths(["/d/a/x.png", "/d/a/./y.png"]), ["x.png", "y.png"])
    }
}
