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
        var count = 0
        for spec in Builtins.commands + Library.all.flatMap(\.commands) {
            for example in spec.examples {
                XCTAssertTrue(example.contains(spec.name), "an example of '\(spec.name)' should call it: \(example)")
                do {
                    try interpreter.run(SourceFile(name: "<example of \(spec.name)>", text: example))
                } catch {
                    XCTFail("example of '\(spec.name)' failed: \(example)\n\(error)")
                }
                count += 1
            }
        }
        XCTAssertGreaterThan(count, 20)
    }

    func testEveryLibraryCommandHasAnExample() {
        for spec in Library.all.flatMap(\.commands) {
            XCTAssertFalse(spec.examples.isEmpty, "'\(spec.name)' has no example")
        }
    }
}
