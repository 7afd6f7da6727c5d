import XCTest
import Commands
import Library
import Tensors

final class TensorCommandsTests: XCTestCase {
    let registry = try! Library.makeRegistry()

    /// Runs a command from shell words, as `rlr tensor ...` does.
    func run(_ words: String) throws -> Value {
        let parts = words.split(separator: " ").map(String.init)
        guard let (spec, consumed) = registry.resolve(parts) else { throw registry.unknown(parts) }
        let invocation = try Binder.bind(spec, words: Word.fromShell(Array(parts.dropFirst(consumed))), context: CommandContext())
        try spec.validate?(invocation)
        return try spec.run(invocation)
    }

    func tensor(_ value: Value) -> Tensor? { if case .tensor(let t) = value { t } else { nil } }

    func testCreationCommands() throws {
        XCTAssertEqual(tensor(try run("tensor zeros 2,3"))?.shape, [2, 3])
        XCTAssertEqual(tensor(try run("tensor full 2 0.5"))?.toArray(), [0.5, 0.5])
        XCTAssertEqual(tensor(try run("tensor arange 1 --start 0 --step 0.25"))?.toArray(), [0, 0.25, 0.5, 0.75])
        let a = tensor(try run("tensor randn 1000 --seed 7 --mean 2 --std 0.5"))!
        XCTAssertEqual(a.toArray(), tensor(try run("tensor randn 1000 -s 7 --mean 2 --std 0.5"))!.toArray())
        XCTAssertNotEqual(a.toArray(), tensor(try run("tensor randn 1000 --seed 8 --mean 2 --std 0.5"))!.toArray())
        let mean = a.toArray().reduce(0, +) / 1000
        XCTAssertEqual(mean, 2, accuracy: 0.1)
    }

    func testReductionsAndErrors() throws {
        XCTAssertEqual(try run("tensor sum 6"), .double(6))
        XCTAssertThrowsError(try run("tensor arange 3 --step 0")) { XCTAssertEqual("\($0)", "bad value for --step: must not be zero") }
        XCTAssertThrowsError(try run("tensor zeros 2,-1")) {
            XCTAssertEqual("\($0)", "bad value for shape: element 1: -1 is outside 0...")
        }
    }

    func testSaveAndLoadRoundTrip() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rlr-\(UUID().uuidString).npy").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let saved = try TensorCommands.commands.first { $0.name == "tensor save" }!
            .run(Invocation(spec: TensorCommands.commands.first { $0.name == "tensor save" }!,
                            values: ["tensor": .tensor(Tensor(shape: [2, 2], data: [1, 2, 3, 4])), "file": .string(file)],
                            origins: [:], context: CommandContext()))
        XCTAssertEqual(saved, .string(file))
        let loaded = tensor(try run("tensor load \(file)"))!
        XCTAssertEqual(loaded.shape, [2, 2])
        XCTAssertEqual(loaded.toArray(), [1, 2, 3, 4])
        XCTAssertEqual(try run("tensor sum \(file)"), .double(10))
        XCTAssertThrowsError(try run("tensor load /nonexistent/x.npy")) { XCTAssertTrue("\($0)".contains("/nonexistent/x.npy")) }
    }

    func testInfoRecord() throws {
        guard case .record(let info) = try run("tensor info 4") else { return XCTFail("not a record") }
        XCTAssertEqual(info.keys, ["shape", "count", "mean", "std", "min", "max"])
        XCTAssertEqual(info["mean"], .double(4))
    }
}
