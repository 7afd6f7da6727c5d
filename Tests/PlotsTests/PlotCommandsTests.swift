import XCTest
import Commands
import Datasets
import Imaging
import Kernels
import Library
import Plots
import Tensors

final class PlotCommandsTests: XCTestCase {
    let registry = try! Library.makeRegistry()
    var folder = ""
    /// Set RLR_PLOT_GALLERY to a folder to keep the example plots there for viewing.
    let gallery = ProcessInfo.processInfo.environment["RLR_PLOT_GALLERY"]

    override func setUpWithError() throws {
        folder = gallery ?? FileManager.default.temporaryDirectory.appendingPathComponent("rlr-plot-commands-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if gallery == nil { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// Runs a command from shell words (quoted words allowed), as `rlr plot ...` does.
    func run(_ line: String) throws -> Value {
        var words: [String] = [], current = "", quoted = false
        for c in line {
            if c == "\"" { quoted.toggle() } else if c == " " && !quoted { if !current.isEmpty { words.append(current) }; current = "" } else { current.append(c) }
        }
        if !current.isEmpty { words.append(current) }
        guard let (spec, consumed) = registry.resolve(words) else { throw registry.unknown(words) }
        let invocation = try Binder.bind(spec, words: Word.fromShell(Array(words.dropFirst(consumed))), context: CommandContext())
        try spec.validate?(invocation)
        return try spec.run(invocation)
    }

    /// The inputs the examples name: a synthetic dataset, scores/labels, a map with a hot spot on the stain, losses.
    func writeInputs() throws {
        try SyntheticDataset.write(to: "synthetic", seed: 0, categories: ["washer"], trainPerCategory: 2)
        let mask = try Image(contentsOf: "synthetic/washer/ground_truth/stain/000_mask.png").firstChannel()
        var map = [Float](repeating: 0, count: mask.width * mask.height)
        for y in 0..<mask.height {
            for x in 0..<mask.width {
                let wave = 0.15 * sin(Float(x) / 9) * cos(Float(y) / 13)
                map[y * mask.width + x] = 0.2 + wave + (mask.pixels[y * mask.width + x] > 127 ? 0.6 : 0)
            }
        }
        try NPY.write(Tensor(shape: [mask.height, mask.width], data: map), to: "map.npy")
        let scores: [Float] = (0..<60).map { i in Float(i % 7) / 7 + (i < 20 ? 0.45 : 0) + Float(i % 5) * 0.03 }
        try NPY.write(Tensor(shape: [60], data: scores), to: "scores.npy")
        try NPY.write(Tensor(shape: [60], data: (0..<60).map { $0 < 20 ? 1 : 0 }), to: "labels.npy")
        let epochs = (1...30).map(Float.init)
        try NPY.write(Tensor(shape: [2, 30], data: epochs.map { 0.9 * exp(-$0 / 8) + 0.05 } + epochs.map { 0.95 * exp(-$0 / 10) + 0.09 }),
                      to: "loss.npy")
        let records = (1...30).map { "{\"epoch\": \($0), \"loss\": \(0.9 * exp(-Double($0) / 8) + 0.05), \"val_loss\": \(0.95 * exp(-Double($0) / 10) + 0.09)}" }
        try Data(("[" + records.joined(separator: ", ") + "]").utf8).write(to: URL(fileURLWithPath: "history.json"))
        for (name, rate) in [("synthetic-curve", 0.4), ("fast", 0.15)] {
            let rows = (1...8).map { "{\"epoch\": \($0), \"seconds\": \(150 * $0), \"loss\": 1, \"i_auroc\": \(0.95 - 0.4 * exp(-rate * Double($0))), "
                + "\"p_auroc\": \(0.97 - 0.2 * exp(-rate * Double($0)))}" }
            try Data(("[" + rows.joined(separator: ", ") + "]").utf8).write(to: URL(fileURLWithPath: "\(name).json"))
        }
        // A level of a reconstruction (features, a reconstruction that misses one corner, the error map), and an evaluation.
        var generator = RandomGenerator(seed: 2)
        let features = Tensor.randn([16, 8, 8], generator: &generator)
        let reconstruction = features * (Tensor.arange(0, 64).reshaped([8, 8]) .< 40)
        try NPY.write(features, to: "features.npy")
        try NPY.write(reconstruction, to: "reconstruction.npy")
        try NPY.write(((features - reconstruction) * (features - reconstruction)).mean(axes: [0]), to: "level-map.npy")
        let images = try Dataset.mvtec(root: "synthetic").subset(split: .test).samples.enumerated().map { index, sample -> [String: Any] in
            ["path": sample.path, "category": sample.category, "defect": sample.defect, "anomalous": sample.label == .anomalous,
             "score": Double(index % 5), "map": sample.defect == "stain" ? "map.npy" : NSNull()]
        }
        let evaluation: [String: Any] = ["images": images, "categories": ["washer": ["image_auroc": 0.8, "pixel_auroc": 0.9, "aupro": 0.7]]]
        try JSONSerialization.data(withJSONObject: evaluation).write(to: URL(fileURLWithPath: "synthetic-eval.json"))
    }

    /// Every example runs in a folder holding its inputs, returns a plot object, and writes a PNG of that size.
    func testExamplesRun() throws {
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(folder))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        try writeInputs()
        let examples = PlotCommands.commands.flatMap(\.examples)
        XCTAssertGreaterThanOrEqual(examples.count, 8)
        for example in examples {
            let value = try run(example)
            guard case .object(let object) = value, let plot = object as? PlotFile else { return XCTFail("\(example): \(value)") }
            let image = try Image(contentsOf: plot.path)
            XCTAssertEqual([image.width, image.height], [plot.width, plot.height], example)
            XCTAssertEqual(value.member("path"), .string(plot.path))
            XCTAssertTrue(value.description.contains(plot.path))
        }
        // The overlay is the image's size plus no strip; the one with a score grows by the caption strip.
        let overlay = try Image(contentsOf: "overlay.png"), captioned = try Image(contentsOf: "overlay-viridis.png")
        XCTAssertEqual([overlay.width, overlay.height], [256, 256])
        XCTAssertGreaterThan(captioned.height, 256)
    }

    func testErrorsNameTheArgument() throws {
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(folder))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        try writeInputs()
        try NPY.write(Tensor(shape: [64, 64], data: [Float](repeating: 0, count: 4096)), to: "small.npy")
        let image = "synthetic/washer/test/stain/000.png"
        XCTAssertThrowsError(try run("plot overlay --image \(image) --map small.npy --out o.png")) {
            XCTAssertEqual("\($0)", "bad value for --image: \(image) is 256x256 but --map is 64x64; pass --fit to resize the image and mask to the map")
        }
        let fitted = try run("plot overlay --image \(image) --map small.npy --out fitted.png --fit")
        XCTAssertEqual(fitted.member("width"), .int(64))
        XCTAssertThrowsError(try run("plot overlay --image missing.png --map map.npy --out o.png")) { XCTAssertTrue("\($0)".contains("missing.png"), "\($0)") }
        XCTAssertThrowsError(try run("plot overlay --image \(image) --map map.npy --out o.jpg")) {
            XCTAssertEqual("\($0)", "bad value for --out: o.jpg does not end in .png")
        }
        XCTAssertThrowsError(try run("plot overlay --image \(image) --map map.npy --out nowhere/o.png")) {
            XCTAssertTrue("\($0)".hasPrefix("bad value for --out: cannot write nowhere/o.png"), "\($0)")
        }
        XCTAssertThrowsError(try run("plot overlay --image \(image) --map map.npy --out o.png --range 1,0")) { XCTAssertTrue("\($0)".contains("--range"), "\($0)") }
        try NPY.write(Tensor(shape: [3], data: [0.1, .nan, 0.3]), to: "nan.npy")
        try NPY.write(Tensor(shape: [3], data: [0, 0, 0]), to: "zeros.npy")
        XCTAssertThrowsError(try run("plot roc --scores nan.npy --labels zeros.npy --out r.png")) { XCTAssertEqual("\($0)", "bad value for --scores: element 1 is nan") }
        try NPY.write(Tensor(shape: [3], data: [0.1, 0.2, 0.3]), to: "three.npy")
        XCTAssertThrowsError(try run("plot roc --scores three.npy --labels zeros.npy --out r.png")) {
            XCTAssertEqual("\($0)", "bad value for --labels: ROC needs both classes, got 0 anomalous and 3 normal")
        }
        XCTAssertThrowsError(try run("plot histogram --scores three.npy --labels labels.npy --out h.png")) { XCTAssertTrue("\($0)".contains("--labels"), "\($0)") }
        XCTAssertThrowsError(try run("plot loss --out l.png")) { XCTAssertTrue("\($0)".contains("--values"), "\($0)") }
        XCTAssertThrowsError(try run("plot loss --values nan.npy --out l.png")) { XCTAssertTrue("\($0)".contains("epoch 2"), "\($0)") }
        try Data("{\"train\": [1, \"x\"]}".utf8).write(to: URL(fileURLWithPath: "bad.json"))
        XCTAssertThrowsError(try run("plot loss --json bad.json --out l.png")) { XCTAssertEqual("\($0)", "bad.json: \"train\"[1] is not a number") }
        XCTAssertThrowsError(try run("plot curve --curves history.json --out c.png")) {
            XCTAssertEqual("\($0)", "history.json: record 1 has no number \"seconds\"")
        }
        XCTAssertThrowsError(try run("plot curve --curves synthetic-curve.json,fast.json --names one --out c.png")) { XCTAssertTrue("\($0)".contains("--names"), "\($0)") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: "o.png"))
    }
}
