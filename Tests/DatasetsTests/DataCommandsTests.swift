import Commands
import Foundation
import Imaging
import Library
import Tensors
import XCTest
import Datasets

/// `data …` and `image …` commands, run from shell words as `rlr data info ...` does.
final class DataCommandsTests: XCTestCase {
    private var folder = ""
    private let registry = try! Library.makeRegistry()

    override func setUpWithError() throws { folder = try makeTemporaryFolder("commands") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    private func run(_ words: [String]) throws -> Value {
        guard let (spec, consumed) = registry.resolve(words) else { throw registry.unknown(words) }
        let invocation = try Binder.bind(spec, words: Word.fromShell(Array(words.dropFirst(consumed))), context: CommandContext())
        try spec.validate?(invocation)
        return try spec.run(invocation)
    }

    private func run(_ line: String) throws -> Value { try run(line.split(separator: " ").map(String.init)) }

    func testSynthThenInfoOpenAndLoad() throws {
        let out = folder + "/synthetic"
        XCTAssertEqual(try run("data synth --out \(out) --seed 3 --categories washer,weave --train 3 --test-good 1 --test-per-defect 1 --size 64"),
                       .string(out))
        guard case .record(let info) = try run("data info --root \(out)") else { return XCTFail("data info returns a record") }
        XCTAssertEqual(info["categories"], .list([.string("washer"), .string("weave")]))
        XCTAssertEqual(info["train_good"], .int(6))
        XCTAssertEqual(info["test_good"], .int(2))
        XCTAssertEqual(info["test_anomalous"], .int(6))
        XCTAssertEqual(info["masks"], .int(6))
        XCTAssertEqual(info["problems"], .list([]))
        guard case .record(let washer) = try run("data info --root \(out) --categories washer --no-verify") else { return XCTFail() }
        XCTAssertEqual(washer["train_good"], .int(3))

        guard case .object(let object) = try run("data open --root \(out)") else { return XCTFail("data open returns an object") }
        XCTAssertEqual(object.typeName, "dataset")
        XCTAssertEqual(object.member("count"), .int(14))
        let invocation = try Binder.bind(registry.resolve(["data", "load"])!.0,
                                         words: [.value(.object(object))] + Word.fromShell(["--split", "test", "--size", "32", "--normalization", "tf"]),
                                         context: CommandContext())
        guard case .record(let batch) = try invocation.spec.run(invocation), case .tensor(let images)? = batch["images"],
              case .tensor(let masks)? = batch["masks"], case .tensor(let labels)? = batch["labels"],
              case .tensor(let categories)? = batch["categories"] else { return XCTFail("data load returns tensors") }
        XCTAssertEqual(images.shape, [8, 3, 32, 32])
        XCTAssertEqual(masks.shape, [8, 1, 32, 32])
        XCTAssertEqual(labels.toArray(), [0, 1, 1, 1, 0, 1, 1, 1])  // "good" sorts before the defect names
        XCTAssertEqual(categories.toArray(), [0, 0, 0, 0, 1, 1, 1, 1])
        XCTAssertTrue(images.toArray().allSatisfy { $0 >= -127.0 / 128 && $0 <= 1 })
    }

    /// Every example written in shell form (without nested commands) runs, after the `data synth` ones, in a fresh folder.
    func testShellFormExamplesRun() throws {
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(folder))
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        let specs = DataCommands.commands + ImageCommands.commands
        let examples = specs.filter { $0.name == "data synth" }.flatMap(\.examples)
            + specs.filter { $0.name != "data synth" }.flatMap(\.examples).filter { !$0.contains("(") }
        XCTAssertGreaterThanOrEqual(examples.count, 7)
        for example in examples {
            XCTAssertNoThrow(try run(example), example)
        }
    }

    func testErrorsNameTheArgument() throws {
        XCTAssertThrowsError(try run("data info --root \(folder)/missing")) { XCTAssertTrue("\($0)".contains("\(self.folder)/missing"), "\($0)") }
        XCTAssertThrowsError(try run("data synth --out \(folder) --categories carpet")) { XCTAssertTrue("\($0)".contains("carpet"), "\($0)") }
        XCTAssertThrowsError(try run("data synth --out \(folder) --train 0")) { XCTAssertTrue("\($0)".contains("--train"), "\($0)") }
        XCTAssertThrowsError(try run("data info")) { XCTAssertTrue("\($0)".contains("root"), "\($0)") }
    }

    func testImageLoadAndSave() throws {
        let source = folder + "/a.png"
        try Image(width: 20, height: 10, channels: 3, pixels: (0..<600).map { UInt8($0 % 256) }).writePNG(to: source)
        guard case .tensor(let full) = try run("image load \(source) --normalization byte") else { return XCTFail() }
        XCTAssertEqual(full.shape, [3, 10, 20])
        guard case .tensor(let small) = try run("image load \(source) --size 8 --filter bicubic") else { return XCTFail() }
        XCTAssertEqual(small.shape, [3, 8, 8])
        XCTAssertEqual(small.toArray(), try Image(contentsOf: source).resized(width: 8, height: 8, filter: .bicubic).tensor().toArray())
        guard case .tensor(let mask) = try run("image load \(source) --mask --size 5") else { return XCTFail() }
        XCTAssertEqual(mask.shape, [1, 5, 5])

        let saved = Invocation(spec: registry.resolve(["image", "save"])!.0,
                               values: ["tensor": .tensor(full), "file": .string(folder + "/b.png"),
                                        "normalization": .string("byte"), "quality": .int(90)],
                               origins: [:], context: CommandContext())
        XCTAssertEqual(try saved.spec.run(saved), .string(folder + "/b.png"))
        XCTAssertEqual(try Image(contentsOf: folder + "/b.png"), try Image(contentsOf: source))
        XCTAssertThrowsError(try run("image load \(folder)/missing.png")) { XCTAssertTrue("\($0)".contains("missing.png")) }
        let badExtension = Invocation(spec: saved.spec, values: ["tensor": .tensor(full), "file": .string(folder + "/b.gif"),
                                                                 "normalization": .string("byte"), "quality": .int(90)],
                                      origins: [:], context: CommandContext())
        XCTAssertThrowsError(try badExtension.spec.run(badExtension)) { XCTAssertTrue("\($0)".contains("b.gif"), "\($0)") }
    }
}
