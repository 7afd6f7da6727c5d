import Commands
import Foundation
import Kernels
import Library
import Script
import Tensors
import XCTest

/// Every declared example of every library (and of the builtins) parses and runs.
final class ExamplesTests: XCTestCase {
    func testEveryExampleRuns() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rlr-examples-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let previous = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(folder.path)
        defer {
            _ = FileManager.default.changeCurrentDirectoryPath(previous)
            try? FileManager.default.removeItem(at: folder)
        }
        try writeExampleInputs()
        let interpreter = try Interpreter(libraries: Library.all, output: { _ in }, interrupt: InterruptFlag())
        // Examples may use files that other examples create (a synthetic dataset, a saved tensor), so failing
        // ones are retried after the others until a pass makes no progress.
        var pending = (Builtins.commands + Library.all.flatMap(\.commands)).flatMap { spec in spec.examples.map { (spec, $0) } }
        let count = pending.count
        var failures: [String] = []
        while !pending.isEmpty {
            failures = []
            let before = pending.count
            pending = pending.filter { spec, example in
                XCTAssertTrue(example.contains(spec.name), "an example of '\(spec.name)' should call it: \(example)")
                do {
                    try interpreter.run(SourceFile(name: "<example of \(spec.name)>", text: example))
                    return false
                } catch {
                    failures.append("example of '\(spec.name)' failed: \(example)\n\(error)")
                    return true
                }
            }
            if pending.count == before { break }
        }
        for failure in failures where !pending.isEmpty { XCTFail(failure) }
        XCTAssertGreaterThan(count, 20)
    }

    /// The input files examples name that no example writes: tensors, a loss history, a reconstructed level.
    private func writeExampleInputs() throws {
        var generator = RandomGenerator(seed: 1)
        try NPY.write(Tensor.rand([2, 3, 64, 64], generator: &generator), to: "images.npy")
        try NPY.write(Tensor.randn([1, 3, 96, 96], generator: &generator), to: "image.npy")
        try NPY.write(Tensor.rand([256, 256], generator: &generator), to: "map.npy")
        try NPY.write(Tensor.rand([20], generator: &generator), to: "scores.npy")
        try NPY.write(Tensor(shape: [20], data: (0..<20).map { Float($0 % 2) }), to: "labels.npy")
        try NPY.write(Tensor(shape: [10], data: (1...10).map { 1 / Float($0) }), to: "loss.npy")
        try NPY.write(Tensor.randn([16, 8, 8], generator: &generator), to: "features.npy")
        try NPY.write(Tensor.randn([16, 8, 8], generator: &generator), to: "reconstruction.npy")
        try NPY.write(Tensor.rand([8, 8], generator: &generator), to: "level-map.npy")
        try Data(#"{"train": [0.9, 0.6, 0.4], "val": [1.0, 0.7, 0.6]}"#.utf8).write(to: URL(fileURLWithPath: "history.json"))
        // `plugin load plugins`: a folder of plugins (empty here; PluginsTests load real ones).
        try FileManager.default.createDirectory(atPath: "plugins", withIntermediateDirectories: true)
    }

    func testEveryLibraryCommandHasAnExample() {
        for spec in Library.all.flatMap(\.commands) {
            XCTAssertFalse(spec.examples.isEmpty, "'\(spec.name)' has no example")
        }
    }
}

/// The scripts in examples/ that need no data run without errors.
final class ExampleScriptTests: XCTestCase {
    func testLanguageTour() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("examples/language-tour.rlr").path
        let printed = Printed()
        let interpreter = try Interpreter(libraries: Library.all, output: { printed.append($0) }, interrupt: InterruptFlag())
        try interpreter.run(SourceFile(name: path, text: try String(contentsOfFile: path, encoding: .utf8)))
        XCTAssertEqual(printed.text, """
            y has shape [2 3], mean 1.0333898333333333, rows 2
            hello, world
            hello, tour
            caught: 'tensor randn' has no option --seeed (did you mean '--seed'?)

            """)
    }
}

/// examples/explore.rlr on its small synthetic dataset: every step runs and writes its files.
final class ExploreScriptTests: XCTestCase {
    func testExploreScript() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("examples/explore.rlr").path
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("rlr-explore-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let printed = Printed()
        let interpreter = try Interpreter(libraries: Library.all, output: { printed.append($0) }, interrupt: InterruptFlag())
        interpreter.setVariable("args", .list([.string(out)]))
        do { try interpreter.run(SourceFile(name: path, text: try String(contentsOfFile: path, encoding: .utf8))) } catch {
            if "\(error)".contains("no weights for efficientnet-lite0") { throw XCTSkip("EfficientNet-Lite0 weights unavailable (run scripts/setup)") }
            throw error
        }
        for line in ["levels: 2, taps [\"s8\" \"s16\"]", "level 1 (s16): features [112 16 16]", "channels with the largest error tensor [3]",
                     "worst token at row", "pixels of the scratch image above anything in the good one", "Operating point at the calibrated thresholds",
                     "of 6 images; masks and outlines in"] {
            XCTAssertTrue(printed.text.contains(line), "missing '\(line)' in:\n\(printed.text)")
        }
        for file in ["recon.png", "map.png", "map-difference.png", "grid.png", "eval.json", "predictions/predictions.json",
                     "predictions/scratch/000.png.mask.png", "predictions/good/003.png.overlay.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + file), file)
        }
    }
}

/// Thread-safe capture of printed text.
final class Printed: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = ""
    func append(_ text: String) { lock.withLock { buffer += text } }
    var text: String { lock.withLock { buffer } }
}
