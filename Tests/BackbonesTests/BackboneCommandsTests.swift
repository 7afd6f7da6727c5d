import Commands
import Foundation
import Tensors
import XCTest
import Backbones

/// `backbone …` commands bound from shell words, as `rlr backbone …` runs them.
final class BackboneCommandsTests: XCTestCase {
    private func run(_ words: [String]) throws -> Value {
        let registry = CommandRegistry()
        try registry.register(BackboneCommands.commands, library: "backbone")
        guard let (spec, consumed) = registry.resolve(words) else { throw registry.unknown(words) }
        let invocation = try Binder.bind(spec, words: Word.fromShell(Array(words.dropFirst(consumed))), context: CommandContext())
        try spec.validate?(invocation)
        return try spec.run(invocation)
    }

    func testRunWritesTheRequestedTaps() throws {
        _ = try Reference.backbone("efficientnet-lite0")
        let input = Reference.directory + "/input_random_250.npy"
        _ = try Reference.array("input_random_250.npy")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rlr-backbone-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try run(["backbone", "run", "--input", input, "--out", folder, "--taps", "s8,s16", "--scaling", "normalized"])
        guard case .record(let files) = result else { return XCTFail("expected a record, got \(result)") }
        XCTAssertEqual(files.keys, ["s8", "s16"])
        for tap in ["s8", "s16"] {
            Reference.assertClose(try NPY.read(folder + "/\(tap).npy"), try Reference.array("lite0_stage_\(tap)_250.npy"), "command \(tap)")
        }
        XCTAssertThrowsError(try run(["backbone", "run", "--input", input, "--out", folder, "--taps", "s7"])) { error in
            XCTAssertEqual((error as? CommandError)?.blamedArgument, "--taps", "\(error)")
        }
        XCTAssertThrowsError(try run(["backbone", "run", "--name", "vgg", "--input", input, "--out", folder])) { error in
            XCTAssertEqual((error as? CommandError)?.blamedArgument, "--name", "\(error)")
        }
    }

    func testListAndTaps() throws {
        XCTAssertEqual(try run(["backbone", "list"]), .list(["efficientnet-lite0", "efficientnet-lite1", "efficientnet-lite2"].map {
            .record(Record([("name", .string($0)), ("source", .string("built in"))]))
        }))
        _ = try Reference.backbone("efficientnet-lite2")
        guard case .list(let taps) = try run(["backbone", "taps", "--name", "efficientnet-lite2"]), case .record(let s8)? = taps.dropFirst(2).first else {
            return XCTFail("expected a list of records")
        }
        XCTAssertEqual(s8["name"], .string("s8"))
        XCTAssertEqual(s8["channels"], .int(48))
        XCTAssertEqual(s8["stride"], .int(8))
    }
}
