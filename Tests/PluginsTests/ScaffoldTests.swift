import Foundation
import XCTest

/// `rlr plugin new` writes a package that builds out of tree against this checkout's Core and loads;
/// the backbone scaffold then trains a model through `model train --backbone NAME --taps ...`.
final class ScaffoldTests: XCTestCase {
    func testABackboneScaffoldBuildsLoadsAndTrains() throws {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory() + "rlr-scaffold-\(getpid())")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let package = folder.appendingPathComponent("patch-colours")
        let written = try RLR.run(["plugin", "new", "patch-colours", "--kind", "backbone", "--out", package.path])
        XCTAssertEqual(written.status, 0, written.stderr)
        XCTAssertTrue(written.stdout.contains("Sources/PatchColours/Plugin.swift"), written.stdout)
        let again = try RLR.run(["plugin", "new", "patch-colours", "--out", package.path])
        XCTAssertTrue(again.stderr.contains("bad value for --out: \(package.path) already exists"), again.stderr)

        let library = try PluginBuilds.package(package, product: "PatchColours")
        let listed = try RLR.run(["--plugin", library, "backbone", "list"])
        XCTAssertTrue(listed.stdout.contains("{name: \"patch-colours\", source: \"plugin patch-colours 0.1.0 ("), listed.stdout + listed.stderr)
        let taps = try RLR.run(["--plugin", library, "backbone", "taps", "--name", "patch-colours"])
        XCTAssertEqual(taps.stdout, "[{name: \"p4\", channels: 3, stride: 4} {name: \"p8\", channels: 3, stride: 8}]\n", taps.stderr)

        let data = try RLR.run(["data", "synth", "--out", "syn", "--categories", "weave", "--train", "4", "--test-good", "2",
                                "--test-per-defect", "1", "--size", "32"], in: folder)
        XCTAssertEqual(data.status, 0, data.stderr)
        let train = try RLR.run(["--plugin", library, "model", "train", "--root", "syn", "--backbone", "patch-colours", "--taps", "p4,p8",
                                 "--size", "32", "--dims", "16,16", "--layers", "1", "--epochs", "1", "--out", "m.safetensors", "--no-cache"],
                                in: folder)
        XCTAssertEqual(train.status, 0, train.stderr)
        let eval = try RLR.run(["--plugin", library, "model", "eval", "--model", "m.safetensors", "--root", "syn"], in: folder)
        XCTAssertEqual(eval.status, 0, eval.stderr)
        XCTAssertTrue(eval.stdout.contains("weave"), eval.stdout)
        let without = try RLR.run(["model", "eval", "--model", "m.safetensors", "--root", "syn"], in: folder)
        XCTAssertTrue(without.stderr.contains("it was trained with patch-colours from plugin patch-colours 0.1.0"), without.stderr)
    }

    /// The attention and command scaffolds compile (their source, with swiftc against this build) and
    /// register what they say.
    func testAttentionAndCommandScaffoldsCompileAndLoad() throws {
        let folder = NSTemporaryDirectory() + "rlr-scaffolds-\(getpid())"
        try? FileManager.default.removeItem(atPath: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var libraries: [String] = []
        for (name, kind, module) in [("wide-lca", "attention", "WideLca"), ("hello-world", "command", "HelloWorld")] {
            let written = try RLR.run(["plugin", "new", name, "--kind", kind, "--out", "\(folder)/\(name)"])
            XCTAssertEqual(written.status, 0, written.stderr)
            let package = try String(contentsOfFile: "\(folder)/\(name)/Package.swift", encoding: .utf8)
            XCTAssertTrue(package.contains(".package(path: \"\(PluginBuilds.checkout.appendingPathComponent("Core").path)\")"), package)
            libraries.append(try PluginBuilds.compile("\(folder)/\(name)/Sources/\(module)/Plugin.swift", module: module))
        }
        let result = try RLR.run(["--plugin", libraries[0], "--plugin", libraries[1], "-e", "print (hello-world hello rlr); attention list"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("hello, rlr\n"), result.stdout)
        XCTAssertTrue(result.stdout.contains("name: \"wide-lca\""), result.stdout)
        let bad = try RLR.run(["plugin", "new", "Bad_Name", "--out", "\(folder)/bad"])
        XCTAssertTrue(bad.stderr.contains("\"Bad_Name\" must be kebab-case"), bad.stderr)
    }
}
