import XCTest
import Commands
import Library
import Script

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
            y has shape [2 3], mean 1.0333897333333333, rows 2
            hello, world
            hello, tour
            caught: 'tensor randn' has no option --seeed (did you mean '--seed'?)

            """)
    }
}

/// Thread-safe capture of printed text.
final class Printed: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = ""
    func append(_ text: String) { lock.withLock { buffer += text } }
    var text: String { lock.withLock { buffer } }
}
