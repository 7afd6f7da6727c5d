import Foundation
import Tensors
import XCTest

/// Plugins through the shell: a model trained and evaluated with a plugin block on synthetic data, the
/// checkpoint recording the plugin, the plugin's command, and the start-up plugin folders.
final class PluginEndToEndTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = URL(fileURLWithPath: NSTemporaryDirectory() + "rlr-plugin-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// `rlr ARGS` in the test folder; fails the test (with stderr) unless it succeeds.
    @discardableResult
    func rlr(_ arguments: [String], environment: [String: String] = [:]) throws -> RLR.Result {
        let result = try RLR.run(arguments, in: folder, environment: environment)
        XCTAssertEqual(result.status, 0, "rlr \(arguments.joined(separator: " ")): \(result.stderr)")
        return result
    }

    func synthetic() throws {
        if try RLR.run(["backbone", "taps"]).status != 0 { throw XCTSkip("EfficientNet-Lite0 weights unavailable (run scripts/setup)") }
        try rlr(["data", "synth", "--out", "syn", "--categories", "granite", "--train", "8", "--test-good", "4",
                 "--test-per-defect", "2", "--size", "64"])
    }

    func testTrainsAndEvaluatesWithThePluginBlockAndTheCheckpointNamesThePlugin() throws {
        let plugin = try PluginBuilds.example("dilated-attention", product: "DilatedAttention")
        try synthetic()
        let listed = try rlr(["--plugin", plugin, "attention", "list"]).stdout
        XCTAssertTrue(listed.contains("name: \"dlca\""), listed)
        XCTAssertTrue(listed.contains("source: \"plugin dilated-attention 1.0.0 ("), listed)
        XCTAssertTrue(listed.contains("name: \"lca\", summary: \"local cross attention: Q = X, K = V = R, the k x k window only (sparse)\", source: \"built in\""), listed)

        let train = try rlr(["--plugin", plugin, "model", "train", "--root", "syn", "--categories", "granite", "--epochs", "2",
                             "--dims", "32,64", "--layers", "1", "--size", "64", "--blocks", "lca:2,dlca:1", "--out", "model.safetensors",
                             "--no-cache"])
        XCTAssertTrue(train.stdout.contains("saved model.safetensors"), train.stdout)
        let metadata = try SafeTensors.read(folder.appendingPathComponent("model.safetensors").path).metadata
        let config = try XCTUnwrap(metadata["config"])
        XCTAssertTrue(config.contains("{\"kind\":\"dlca\",\"weight\":1}"), config)
        let plugins = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try XCTUnwrap(metadata["plugins"]).utf8)) as? [[String: Any]])
        XCTAssertEqual(plugins.count, 1)
        XCTAssertEqual(plugins.first?["name"] as? String, "dilated-attention")
        XCTAssertEqual(plugins.first?["version"] as? String, "1.0.0")
        XCTAssertEqual(plugins.first?["provides"] as? [String], ["dlca"])

        try rlr(["--plugin", plugin, "model", "eval", "--model", "model.safetensors", "--root", "syn", "--categories", "granite",
                 "--json", "eval.json"])
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("eval.json"))) as? [String: Any])
        let granite = try XCTUnwrap((json["categories"] as? [String: Any])?["granite"] as? [String: Any])
        for key in ["image_auroc", "pixel_auroc"] {
            let value = try XCTUnwrap(granite[key] as? Double, key)
            XCTAssertTrue((0...1).contains(value), "\(key) \(value)")
        }

        let unknown = try RLR.run(["--plugin", plugin, "model", "train", "--root", "syn", "--out", "m.safetensors", "--blocks", "lca:2,dlcb"],
                                  in: folder)
        XCTAssertTrue(unknown.stderr.contains("bad value for --blocks: invalid RLR configuration: unknown attention block \"dlcb\" "
                                              + "(known: ca, dlca, lca, mlka, msa; plugins add more)"), unknown.stderr)

        let without = try RLR.run(["model", "eval", "--model", "model.safetensors", "--root", "syn", "--categories", "granite"], in: folder)
        XCTAssertEqual(without.status, 1)
        XCTAssertTrue(without.stderr.contains("model.safetensors: it was trained with dlca from plugin dilated-attention 1.0.0; load that plugin first"),
                      without.stderr)
    }

    func testThePluginCommandHasHelpAndRuns() throws {
        let plugin = try PluginBuilds.example("dilated-attention", product: "DilatedAttention")
        XCTAssertEqual(try rlr(["--plugin", plugin, "dilated", "window", "--side", "8", "--size", "3", "--token", "27"]).stdout,
                       "[9 11 13 25 27 29 41 43 45]\n")
        XCTAssertTrue(try rlr(["--plugin", plugin, "dilated", "window", "--help"]).stdout.contains("--dilation"))
        let bad = try RLR.run(["--plugin", plugin, "dilated", "window", "--side", "4", "--size", "4"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("bad value for --size: window size 4 must be odd"), bad.stderr)
    }

    /// `$RLR_PLUGIN_PATH` (files or folders) and `$XDG_CONFIG_HOME/rlr/plugins/` are loaded at start.
    func testStartUpFoldersAreLoaded() throws {
        let plugin = try PluginBuilds.example("dilated-attention", product: "DilatedAttention")
        let viaPath = try rlr(["attention", "list"], environment: ["RLR_PLUGIN_PATH": "/nonexistent:" + plugin]).stdout
        XCTAssertTrue(viaPath.contains("name: \"dlca\""), viaPath)
        let plugins = folder.appendingPathComponent("config/rlr/plugins")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: plugins.appendingPathComponent("libDilatedAttention.so").path,
                                                   withDestinationPath: plugin)
        let viaConfig = try rlr(["plugin", "list"], environment: ["XDG_CONFIG_HOME": folder.appendingPathComponent("config").path]).stdout
        XCTAssertTrue(viaConfig.contains("name: \"dilated-attention\", version: \"1.0.0\""), viaConfig)
        XCTAssertTrue(viaConfig.contains("attention: [\"dlca\"], commands: [\"dilated window\"]"), viaConfig)
    }
}
