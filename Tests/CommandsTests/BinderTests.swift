import XCTest
import Commands
import Tensors

final class BinderTests: XCTestCase {
    static let train = CommandSpec(
        path: ["model", "train"], abstract: "Trains a model.",
        arguments: [
            ArgumentSpec("data", .path, help: "Dataset folder."),
            ArgumentSpec("classes", .string, variadic: true, help: "Categories."),
        ],
        options: [
            OptionSpec("epochs", short: "e", .int(1...1000), default: .int(10), help: "Epoch count."),
            OptionSpec("lr", .double(0...1), default: .double(1e-3), help: "Learning rate."),
            OptionSpec("pool", .choice(["mean", "max"]), default: .string("mean"), help: "Pooling."),
            OptionSpec("shuffle", .bool, default: .bool(true), help: "Shuffle batches."),
            OptionSpec("size", .list(.int), default: .list([.int(2)]), help: "Image size."),
            OptionSpec("name", .string, help: "Run name."),
        ],
        run: { _ in .nil })

    func bind(_ words: [String]) throws(BindingError) -> Invocation {
        try Binder.bind(Self.train, words: Word.fromShell(words), context: CommandContext())
    }

    func testBindsShellWordsWithDefaults() throws {
        let inv = try bind(["data/x", "a", "b", "-e", "5", "--no-shuffle", "--size=3,4", "--name", "run1"])
        XCTAssertEqual(try inv.path("data"), "data/x")
        XCTAssertEqual(try inv.list("classes"), [.string("a"), .string("b")])
        XCTAssertEqual(try inv.int("epochs"), 5)
        XCTAssertEqual(try inv.double("lr"), 1e-3)
        XCTAssertEqual(try inv.bool("shuffle"), false)
        XCTAssertEqual(try inv.ints("size"), [3, 4])
        XCTAssertEqual(try inv.string("pool"), "mean")
        XCTAssertEqual(inv.origins["epochs"], .word(4))
        XCTAssertEqual(inv.origins["lr"], .defaultValue)
    }

    func testRangeChoiceAndTypeErrorsNameTheArgument() {
        XCTAssertThrowsError(try bind(["d", "--epochs", "0", "--name", "x"])) { error in
            let e = error as! BindingError
            XCTAssertEqual(e.error, .badArgument(name: "--epochs", reason: "0 is outside 1...1000"))
            XCTAssertEqual(e.wordIndex, 2)
        }
        XCTAssertThrowsError(try bind(["d", "--pool", "maxx", "--name", "x"])) { error in
            XCTAssertEqual("\(error)", "bad value for --pool: expected one of mean, max, got 'maxx' (did you mean 'max'?)")
        }
        XCTAssertThrowsError(try bind(["d", "--lr", "fast", "--name", "x"])) { error in
            XCTAssertEqual("\(error)", "bad value for --lr: expected a number, got 'fast'")
        }
    }

    func testUnknownOptionSuggestsNearest() {
        XCTAssertThrowsError(try bind(["d", "--epoch", "3"])) { error in
            XCTAssertEqual("\(error)", "'model train' has no option --epoch (did you mean '--epochs'?)")
            XCTAssertEqual((error as! BindingError).wordIndex, 1)
        }
    }

    func testMissingRequiredAndMissingValue() {
        XCTAssertThrowsError(try bind([])) { XCTAssertEqual("\($0)", "'model train' needs <data>") }
        XCTAssertThrowsError(try bind(["d"])) { XCTAssertEqual("\($0)", "'model train' needs --name <string>") }
        XCTAssertThrowsError(try bind(["d", "--name"])) { XCTAssertEqual("\($0)", "bad value for --name: expects a value <string>") }
        XCTAssertThrowsError(try bind(["d", "--name", "a", "--name", "b"])) {
            XCTAssertEqual("\($0)", "bad value for --name: given more than once")
        }
    }

    func testLanguageValuesAndEndOfOptions() throws {
        let inv = try Binder.bind(Self.train, words: [.value(.string("d")), .option("--"), .option("--weird"),
                                                      .option("--epochs"), .value(.double(7))].shifted(),
                                  context: CommandContext())
        XCTAssertEqual(try inv.list("classes"), [.string("--weird"), .string("--epochs"), .string("7.0")])
        let typed = try Binder.bind(Self.train, words: [.value(.string("d")), .option("--epochs"), .value(.double(7)),
                                                        .option("--name"), .value(.int(3))], context: CommandContext())
        XCTAssertEqual(try typed.int("epochs"), 7)
        XCTAssertEqual(try typed.string("name"), "3")
    }

    func testTensorKindFromNestedListsAndNumbers() throws {
        XCTAssertEqual(try ValueKind.tensor.coerce(.list([.list([.int(1), .int(2)]), .list([.int(3), .double(4.5)])]))
            .tensorShapeAndData(), [2, 2, 1, 2, 3, 4.5])
        XCTAssertThrowsError(try ValueKind.tensor.coerce(.list([.list([.int(1)]), .int(2)])))
        XCTAssertEqual(try ValueKind.tensor.coerce(.int(3)).tensorShapeAndData(), [3])
    }

    func testSuggestions() {
        XCTAssertEqual(Suggestions.distance("kitten", "sitting"), 3)
        XCTAssertEqual(Suggestions.nearby("rnadn", in: ["randn", "zeros", "range"]), ["randn"])
        XCTAssertEqual(Suggestions.nearby("ze", in: ["randn", "zeros"]), ["zeros"])
    }
}

private extension Array where Element == Word {
    /// The words with the required `--name` prepended.
    func shifted() -> [Word] { [.option("--name"), .value(.string("n"))] + self }
}

private extension Value {
    /// Shape followed by data, for compact assertions.
    func tensorShapeAndData() -> [Float] {
        guard case .tensor(let t) = self else { return [] }
        return t.shape.map(Float.init) + t.toArray()
    }
}

/// A stand-in domain object.
final class Shelf: ScriptObject {
    let typeName = "shelf"
    var summary: String { "3 books" }
    func member(_ name: String) -> Value? { name == "books" ? .int(3) : nil }
    var memberNames: [String] { ["books"] }
}

final class ObjectValueTests: XCTestCase {
    func testObjectsBindByTypeNameAndPrintTheirSummary() throws {
        let shelf = Shelf()
        let kind = ValueKind.object("shelf")
        guard case .object(let bound) = try kind.coerce(.object(shelf)) else { return XCTFail("not an object") }
        XCTAssertTrue(bound === shelf)
        XCTAssertThrowsError(try ValueKind.object("dataset").coerce(.object(shelf))) {
            XCTAssertEqual("\($0)", "expected a dataset, got shelf <shelf 3 books>")
        }
        XCTAssertEqual(Value.object(shelf).literal, "<shelf 3 books>")
        // Echoes cut long lists (nested ones too); literal keeps everything.
        let long = Value.list((0..<25).map { .int($0) })
        XCTAssertEqual(long.echoed, "[0 1 2 3 4 5 6 7 8 9 … (15 more, 25 items)]")
        XCTAssertEqual(Value.list([.string("a"), long]).echoed, "[\"a\" [0 1 2 3 4 5 6 7 8 9 … (15 more, 25 items)]]")
        XCTAssertEqual(long.literal.split(separator: " ").count, 25)
        XCTAssertEqual(Value.list((0..<20).map { .int($0) }).echoed, Value.list((0..<20).map { .int($0) }).literal)
        XCTAssertEqual(Value.object(shelf).member("books"), .int(3))
        XCTAssertEqual(Value.object(shelf), Value.object(shelf))
        XCTAssertNotEqual(Value.object(shelf), Value.object(Shelf()))
        let spec = CommandSpec(path: ["shelf", "count"], abstract: "Counts.", arguments: [ArgumentSpec("shelf", kind, help: "The shelf.")],
                               run: { inv in .int(try inv.object("shelf", as: Shelf.self).member("books") == .int(3) ? 3 : 0) })
        let invocation = try Binder.bind(spec, words: [.value(.object(shelf))], context: CommandContext())
        XCTAssertEqual(try spec.run(invocation), .int(3))
        XCTAssertEqual(Completion.automatic.resolved(for: kind), .variables("shelf"))
    }
}
