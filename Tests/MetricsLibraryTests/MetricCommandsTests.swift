import Commands
import Foundation
import Library
import Metrics
import MetricsLibrary
import Tensors
import XCTest

final class MetricCommandsTests: XCTestCase {
    let registry = try! Library.makeRegistry()
    var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "rlr-metric-commands-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Writes a tensor to a .npy file in the test folder and returns its path.
    func npy(_ name: String, _ shape: [Int], _ data: [Float]) throws -> String {
        let path = folder + "/" + name + ".npy"
        try NPY.write(Tensor(shape: shape, data: data), to: path)
        return path
    }

    /// Runs a command from shell words, as `rlr metric ...` does.
    func run(_ words: String) throws -> Value {
        let parts = words.split(separator: " ").map(String.init)
        guard let (spec, consumed) = registry.resolve(parts) else { throw registry.unknown(parts) }
        let invocation = try Binder.bind(spec, words: Word.fromShell(Array(parts.dropFirst(consumed))), context: CommandContext())
        try spec.validate?(invocation)
        return try spec.run(invocation)
    }

    func testImageLevelCommandsFromNPYFiles() throws {
        let scores = try npy("scores", [4], [0.1, 0.4, 0.35, 0.8]), labels = try npy("labels", [4], [0, 0, 1, 1])
        XCTAssertEqual(try run("metric auroc --scores \(scores) --labels \(labels)"), .double(0.75))
        guard case .double(let ap) = try run("metric ap --scores \(scores) --labels \(labels)") else { return XCTFail() }
        XCTAssertEqual(ap, 5.0 / 6, accuracy: 1e-12)
        guard case .double(let f1) = try run("metric f1max --scores \(scores) --labels \(labels)") else { return XCTFail() }
        XCTAssertEqual(f1, 0.8, accuracy: 1e-12)
    }

    func testPixelLevelCommandsMatchTheLibrary() throws {
        // Two 3x4 maps; the first has an L-shaped region and a single pixel, the second is good.
        let mapData: [Float] = [0.9, 0.2, 0.1, 0.7, 0.8, 0.3, 0.1, 0.1, 0.6, 0.5, 0.2, 0.4,
                                0.3, 0.1, 0.85, 0.2, 0.1, 0.1, 0.2, 0.3, 0.1, 0.1, 0.5, 0.2]
        let maskData: [Float] = [1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0,
                                 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        let maps = try npy("maps", [2, 3, 4], mapData), masks = try npy("masks", [2, 3, 4], maskData)
        let expected = try AUPRO.value(maps: mapData, masks: maskData.map { UInt8($0) }, count: 2, height: 3, width: 4)
        XCTAssertEqual(try run("metric aupro --maps \(maps) --masks \(masks)"), .double(expected))
        let limited = try AUPRO.value(maps: mapData, masks: maskData.map { UInt8($0) }, count: 2, height: 3, width: 4, fprLimit: 0.05)
        XCTAssertEqual(try run("metric aupro --maps \(maps) --masks \(masks) --fpr-limit 0.05"), .double(limited))
        XCTAssertNotEqual(expected, limited)
        let auroc = try AUROC.value(scores: mapData, labels: maskData.map { $0 > 0.5 })
        XCTAssertEqual(try run("metric auroc --maps \(maps) --masks \(masks)"), .double(auroc))
        // A single [H, W] map is one image.
        let single = try npy("single", [3, 4], Array(mapData.prefix(12))), singleMask = try npy("singleMask", [3, 4], Array(maskData.prefix(12)))
        XCTAssertEqual(try run("metric ap --maps \(single) --masks \(singleMask)"),
                       .double(try AveragePrecision.value(scores: Array(mapData.prefix(12)), labels: maskData.prefix(12).map { $0 > 0.5 })))
    }

    func testBadInputsBlameTheOption() throws {
        let scores = try npy("scores", [3], [0.1, .nan, 0.3]), labels = try npy("labels", [3], [0, 1, 1])
        let short = try npy("short", [2], [0, 1])
        let maps = try npy("maps", [1, 2, 2], [0, 1, 2, 3]), masks = try npy("masks", [1, 2, 2], [0, 0, 0, 0])
        func message(_ words: String) -> String {
            do { _ = try run(words); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(message("metric auroc --scores \(scores) --labels \(labels)"), "bad value for --scores: element 1 is NaN")
        XCTAssertEqual(message("metric auroc --scores \(scores) --labels \(short)"), "bad value for --labels: shape [2] does not match --scores [3]")
        XCTAssertEqual(message("metric auroc --scores \(scores)"), "bad value for --labels: is required")
        XCTAssertEqual(message("metric auroc"), "bad value for --scores: give --scores and --labels, or --maps and --masks")
        XCTAssertEqual(message("metric auroc --scores \(scores) --maps \(maps)"),
                       "bad value for --maps: give either --scores/--labels or --maps/--masks, not both")
        XCTAssertEqual(message("metric aupro --maps \(maps)"), "bad value for --masks: is required (AUPRO is a pixel-level metric)")
        XCTAssertEqual(message("metric aupro --maps \(maps) --masks \(masks)"), MetricError.noRegions.description)
        XCTAssertEqual(message("metric aupro --maps \(maps) --masks \(masks) --fpr-limit 0"), "bad value for --fpr-limit: must be greater than 0")
        XCTAssertEqual(message("metric auroc --maps \(scores) --masks \(scores)"),
                       "bad value for --maps: expected shape [N, H, W] or [H, W], got [3]")
        let nanMap = try npy("nanMap", [1, 2, 2], [0, 1, 2, .nan])
        XCTAssertEqual(message("metric auroc --maps \(nanMap) --masks \(masks)"), "bad value for --maps: image 0, row 1, column 1 is NaN")
    }

    func testTableIsRegisteredWithHelp() throws {
        let names = registry.commands(under: ["metric"]).map(\.name).sorted()
        XCTAssertEqual(names, ["metric ap", "metric aupro", "metric auroc", "metric f1max"])
        for spec in MetricCommands.commands {
            XCTAssertFalse(spec.abstract.isEmpty)
            XCTAssertFalse(spec.examples.isEmpty)
        }
    }
}
