import Foundation
import XCTest

/// Every refusal of `plugin load` and `rlr --plugin`: one message naming the file and the reason,
/// nothing of the plugin registered, and the session goes on.
final class RefusalTests: XCTestCase {
    func testEveryRefusalNamesTheFileAndTheReasonAndTheREPLKeepsWorking() throws {
        let folder = NSTemporaryDirectory() + "rlr-refusals-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = folder + "/notes.so"
        try "not a shared library\n".write(toFile: text, atomically: true, encoding: .utf8)

        let cases: [(path: String, reason: String)] = [
            (folder + "/missing.so", "no such file"),
            (text, "not a loadable shared library"),
            (try PluginBuilds.fixture("NoEntry"), "no entry point rlr_plugin_init"),
            (try PluginBuilds.fixture("WrongVersion"), "built against plugin API version 42, this rlr has version 1"),
            (try PluginBuilds.fixture("Duplicate"), "attention block \"lca\" is already registered (built in)"),
            (try PluginBuilds.fixture("Throwing"), "its registration failed: lookup table tables.bin not found"),
        ]
        for (path, reason) in cases {
            let session = try RLR.run([], stdin: "plugin load \"\(path)\"\nprint (1 + 2)\nattention list\nplugin list\n")
            XCTAssertTrue(session.stderr.contains("cannot load plugin \(path): \(reason)"), "\(path): \(session.stderr)")
            let lines = session.stdout.split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.count, 3, "the session went on after the refusal: \(session.stdout)")
            XCTAssertEqual(lines.first, "3")
            XCTAssertTrue(lines.dropFirst().first?.contains("name: \"lca\"") == true, session.stdout)
            for stray in ["fresh-block", "half-registered", "never-registered", "impostor"] {
                XCTAssertFalse(session.stdout.contains(stray), "\(path) registered \(stray)")
            }
            XCTAssertEqual(lines.last, "[]", "no plugin is listed after a refusal")
        }
    }

    /// `rlr --plugin BAD NOUN VERB`: the refusal is printed and the command still runs.
    func testAShellRefusalStillRunsTheCommand() throws {
        let path = try PluginBuilds.fixture("NoEntry")
        let result = try RLR.run(["--plugin", path, "attention", "list"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("rlr: cannot load plugin \(path): no entry point rlr_plugin_init"), result.stderr)
        XCTAssertTrue(result.stdout.contains("name: \"mlka\""), result.stdout)
    }

    /// The same file twice, and a second plugin with the same name, are refused.
    func testLoadingAPluginTwiceIsRefused() throws {
        let path = try PluginBuilds.example("dilated-attention", product: "DilatedAttention")
        let result = try RLR.run(["--plugin", path, "--plugin", path, "plugin", "list"])
        XCTAssertTrue(result.stderr.contains("cannot load plugin \(path): already loaded (plugin dilated-attention 1.0.0)"), result.stderr)
        XCTAssertEqual(result.stdout.components(separatedBy: "name: \"dilated-attention\"").count, 2, result.stdout)
    }
}
