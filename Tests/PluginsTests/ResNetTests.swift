import Foundation
import Tensors
import XCTest

/// The resnet example plugin: every variant against plain PyTorch (scripts/reference/resnet.py, reduced
/// widths, random weights and batch-norm statistics) to rtol 1e-4, refusals of mismatched weights, and a
/// model trained and evaluated on its taps.
final class ResNetTests: XCTestCase {
    static let fixtures = PluginBuilds.checkout.appendingPathComponent("Tests/PluginsTests/Fixtures/resnet").path

    func plugin() throws -> String { try PluginBuilds.example("resnet", product: "ResNet") }

    func testEveryVariantMatchesPyTorch() throws {
        let plugin = try plugin()
        let out = NSTemporaryDirectory() + "rlr-resnet-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: out) }
        for variant in ["resnet18", "resnet34", "resnet50", "wide-resnet50-2"] {
            let result = try RLR.run(["--plugin", plugin, "backbone", "run", "--name", variant, "--weights", "\(Self.fixtures)/\(variant).pth",
                                      "--input", "\(Self.fixtures)/input.npy", "--out", "\(out)/\(variant)", "--taps", "layer1,layer2,layer3,layer4"])
            XCTAssertEqual(result.status, 0, result.stderr)
            for tap in ["layer1", "layer2", "layer3", "layer4"] {
                let actual = try NPY.read("\(out)/\(variant)/\(tap).npy")
                let expected = try NPY.read("\(Self.fixtures)/\(variant)-\(tap).npy")
                XCTAssertEqual(actual.shape, expected.shape, "\(variant) \(tap)")
                let (a, e) = (actual.toArray(), expected.toArray())
                let scale = e.map(Swift.abs).max() ?? 1
                let worst = zip(a, e).map { Swift.abs($0 - $1) / Swift.max(Swift.abs($1), scale * 1e-2) }.max() ?? 0
                XCTAssertLessThan(worst, 1e-4, "\(variant) \(tap)")
            }
        }
        let taps = try RLR.run(["--plugin", plugin, "backbone", "taps", "--name", "resnet50", "--weights", "\(Self.fixtures)/resnet50.pth"])
        XCTAssertEqual(taps.stdout, "[{name: \"layer1\", channels: 16, stride: 4} {name: \"layer2\", channels: 32, stride: 8} "
                       + "{name: \"layer3\", channels: 64, stride: 16} {name: \"layer4\", channels: 128, stride: 32}]\n", taps.stderr)
    }

    func testMismatchedWeightsAreRefusedWithTheReason() throws {
        let plugin = try plugin()
        let cases = [
            ("resnet50", "resnet18.pth", "resnet18.pth: layer1 has 2 blocks, resnet50 has 3"),
            ("resnet50", "resnet34.pth", "resnet34.pth: layer1.0 is a basic block, resnet50 has bottleneck blocks"),
            ("wide-resnet50-2", "resnet50.pth", "resnet50.pth: layer1.0 has inner width 4 for 16 outputs; wide-resnet50-2 has half"),
            ("resnet18", "input.npy", "input.npy"),
        ]
        for (variant, file, message) in cases {
            let result = try RLR.run(["--plugin", plugin, "backbone", "taps", "--name", variant, "--weights", "\(Self.fixtures)/\(file)"])
            XCTAssertEqual(result.status, 1)
            XCTAssertTrue(result.stderr.contains(message), "\(variant) \(file): \(result.stderr)")
        }
        let missing = try RLR.run(["--plugin", plugin, "backbone", "taps", "--name", "resnet18"], environment: ["RLR_RESNET_WEIGHTS": ""])
        XCTAssertTrue(missing.stderr.contains("resnet18 needs torchvision weights: set RLR_RESNET_WEIGHTS"), missing.stderr)
    }

    /// `model train --backbone resnet18 --taps layer1,layer2` (16x16 and 8x8 tokens at 64 px) trains and evaluates.
    func testTrainsAndEvaluatesOnItsTaps() throws {
        let plugin = try plugin()
        let folder = URL(fileURLWithPath: NSTemporaryDirectory() + "rlr-resnet-train-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let environment = ["RLR_RESNET_WEIGHTS": Self.fixtures]
        func rlr(_ arguments: [String]) throws -> RLR.Result {
            let result = try RLR.run(arguments, in: folder, environment: environment)
            XCTAssertEqual(result.status, 0, "rlr \(arguments.joined(separator: " ")): \(result.stderr)")
            return result
        }
        _ = try rlr(["data", "synth", "--out", "syn", "--categories", "weave", "--train", "4", "--test-good", "2", "--test-per-defect", "1",
                     "--size", "64"])
        let train = try rlr(["--plugin", plugin, "model", "train", "--root", "syn", "--backbone", "resnet18", "--taps", "layer1,layer2",
                             "--size", "64", "--dims", "16,16", "--layers", "1", "--epochs", "1", "--out", "m.safetensors", "--no-cache"])
        XCTAssertTrue(train.stdout.contains("saved m.safetensors"), train.stdout)
        let eval = try rlr(["--plugin", plugin, "model", "eval", "--model", "m.safetensors", "--root", "syn", "--json", "e.json"])
        XCTAssertTrue(eval.stdout.contains("wrote e.json"), eval.stdout)
        let metadata = try SafeTensors.read(folder.appendingPathComponent("m.safetensors").path).metadata
        XCTAssertTrue(metadata["plugins"]?.contains("\"provides\":[\"resnet18\"]") == true, metadata["plugins"] ?? "no plugins")
        XCTAssertTrue(metadata["backbone"]?.contains("\"sides\":[16,8]") == true, metadata["backbone"] ?? "")
    }
}
