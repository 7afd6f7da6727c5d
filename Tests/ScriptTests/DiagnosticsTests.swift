import XCTest
import Commands
import Script

/// Golden files: each Diagnostics/NAME.rlr runs in a fresh interpreter and its rendered error must equal NAME.txt.
/// Set RLR_UPDATE_GOLDEN=1 to rewrite the .txt files (then review the diff).
final class DiagnosticsTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Diagnostics")

    func testGoldenDiagnostics() throws {
        let scripts = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".rlr") }.sorted()
        XCTAssertGreaterThanOrEqual(scripts.count, 10)
        let update = ProcessInfo.processInfo.environment["RLR_UPDATE_GOLDEN"] == "1"
        for script in scripts {
            let text = try String(contentsOf: Self.folder.appendingPathComponent(script), encoding: .utf8)
            let interpreter = try Interpreter(libraries: [("demo", DemoCommands.commands)], output: { _ in }, interrupt: InterruptFlag())
            var rendered = "no error"
            do { try interpreter.run(SourceFile(name: script, text: text)) } catch { rendered = "\(error)" }
            let golden = Self.folder.appendingPathComponent(script.replacingOccurrences(of: ".rlr", with: ".txt"))
            if update { try (rendered + "\n").write(to: golden, atomically: true, encoding: .utf8) }
            let expected = (try? String(contentsOf: golden, encoding: .utf8)) ?? "(missing \(golden.lastPathComponent))"
            XCTAssertEqual(rendered + "\n", expected, script)
        }
    }
}

/// A small library for the golden files, independent of the real libraries.
enum DemoCommands {
    static let commands: [CommandSpec] = [
        CommandSpec(path: ["demo", "fill"], abstract: "A list of copies.",
                    arguments: [ArgumentSpec("count", .int(0...100), help: "How many.")],
                    options: [OptionSpec("value", .double, default: .double(0), help: "The value."),
                              OptionSpec("mode", .choice(["fast", "exact"]), default: .string("fast"), help: "The mode.")],
                    run: { inv in .list(Array(repeating: .double(try inv.double("value")), count: try inv.int("count"))) }),
        CommandSpec(path: ["demo", "check"], abstract: "Rejects its default threshold, to show default origins.",
                    arguments: [ArgumentSpec("count", .int, help: "How many.")],
                    options: [OptionSpec("threshold", .double, default: .double(0.5), help: "The threshold.")],
                    run: { inv in
                        throw CommandError.badArgument(name: "--threshold", reason: "\(try inv.double("threshold")) is too high for \(try inv.int("count")) items")
                    }),
        CommandSpec(path: ["demo", "open"], abstract: "Fails like a file command.",
                    arguments: [ArgumentSpec("file", .path, help: "A file.")],
                    run: { inv in throw CommandError.badArgument(name: "file", reason: "cannot open '\(try inv.path("file"))'") }),
    ]
}
