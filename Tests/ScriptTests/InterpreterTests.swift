import XCTest
import Commands
import Script
import Tensors

/// Collects what scripts print.
final class Captured: @unchecked Sendable {
    private var text = ""
    private let lock = NSLock()
    func append(_ s: String) { lock.withLock { text += s } }
    var value: String { lock.withLock { text } }
}

final class InterpreterTests: XCTestCase {
    var printed = Captured()
    var interpreter: Interpreter!

    override func setUp() {
        printed = Captured()
        let sink = printed
        interpreter = try! Interpreter(output: { sink.append($0) }, interrupt: InterruptFlag())
    }

    @discardableResult
    func run(_ text: String) throws -> Value { try interpreter.run(SourceFile(name: "t.rlr", text: text)) }

    func message(_ text: String) -> String {
        do { try run(text); return "no error" } catch let d as Diagnostic { return d.message } catch { return "\(error)" }
    }

    /// Found by the libFuzzer script campaign (its leak check): an interpreter that had run a procedure was never
    /// freed, because the command context it hands out held it as host (a cycle). The context now holds it weakly.
    func testInterpreterIsFreedAfterRunningProcedures() throws {
        weak var released: Interpreter?
        do {
            let local = try Interpreter(output: { _ in }, interrupt: InterruptFlag())
            XCTAssertThrowsError(try local.run(SourceFile(name: "dive.rlr", text: "proc dive n {\n    dive ($n + 1)\n}\ndive 0\n")))
            XCTAssertNoThrow(try local.run(SourceFile(name: "t.rlr", text: "proc twice x {\n    $x * 2\n}\ny = twice 4")))
            XCTAssertTrue(local.context.host === local)
            released = local
        }
        XCTAssertNil(released)
    }

    func testArithmeticAndPrecedence() throws {
        XCTAssertEqual(try run("1 + 2 * 3"), .int(7))
        XCTAssertEqual(try run("(1 + 2) * 3"), .int(9))
        XCTAssertEqual(try run("7 / 2"), .double(3.5))
        XCTAssertEqual(try run("-7 % 3"), .int(2))
        XCTAssertEqual(try run("2 ** 10"), .int(1024))
        XCTAssertEqual(try run("-2 ** 2"), .int(-4))
        XCTAssertEqual(try run("1 < 2 and not (2 < 1)"), .bool(true))
        XCTAssertEqual(try run("not 0"), .bool(true))
        XCTAssertEqual(try run("\"a\" + \"b\""), .string("ab"))
        XCTAssertEqual(try run("[1 2] + [3]"), .list([.int(1), .int(2), .int(3)]))
        XCTAssertEqual(message("1 / 0"), "division by zero")
        XCTAssertEqual(message("9223372036854775807 + 1"), "integer overflow in 9223372036854775807 + 1")
        XCTAssertEqual(message("\"a\" + 1"), "'+' is not defined for string and int; join text with interpolation: \"$a$b\"")
    }

    func testVariablesStringsListsRecords() throws {
        try run("""
            name = "rlr"
            n = 3
            r = {a: 1, b: [10 20 30], "c d": {x: 2.5}}
            s = "hi $name, n+1 = $(($n + 1)), b1 = ${r.b.1}, len = $(len $r.b), \\$5"
            """)
        XCTAssertEqual(interpreter.variable("s"), .string("hi rlr, n+1 = 4, b1 = 20, len = 3, $5"))
        XCTAssertEqual(try run("$r.b.2"), .int(30))
        XCTAssertEqual(try run("($r).a"), .int(1))
        XCTAssertEqual(try run("'raw $name'"), .string("raw $name"))
        XCTAssertEqual(message("$r.z"), "record has no member 'z'; it has a, b, c d")
        XCTAssertEqual(message("$nmae"), "unknown variable '$nmae' (did you mean '$name'?)")
    }

    func testControlFlow() throws {
        try run("""
            total = 0
            for i in (range 10) {
                if $i == 2 { continue }
                if $i == 6 { break }
                total = $total + $i
            }
            k = 0
            while true { k = $k + 1; if $k >= 4 { break } }
            kind = nil
            if $k > 10 { kind = "big" } else if $k > 3 { kind = "medium" } else { kind = "small" }
            """)
        XCTAssertEqual(interpreter.variable("total"), .int(0 + 1 + 3 + 4 + 5))
        XCTAssertEqual(interpreter.variable("k"), .int(4))
        XCTAssertEqual(interpreter.variable("kind"), .string("medium"))
    }

    func testProceduresScopesDefaultsVariadicRecursion() throws {
        try run("""
            base = 100
            # Adds with an offset.
            proc add a b=2 rest... {
                local = 1
                return ($a + $b + $base + (len $rest))
            }
            proc fact n { if $n <= 1 { return 1 }; return ($n * (fact ($n - 1))) }
            x = add 1
            y = add 1 a b c --b 10
            f = fact 10
            """)
        XCTAssertEqual(interpreter.variable("x"), .int(103))
        XCTAssertEqual(interpreter.variable("y"), .int(114))
        XCTAssertEqual(interpreter.variable("f"), .int(3_628_800))
        XCTAssertNil(interpreter.variable("local"))
        XCTAssertEqual(interpreter.procedures.first?.abstract, "Adds with an offset.")
        XCTAssertEqual(message("add"), "'add' needs <a>")
        try run("proc flags quiet=false max_count=3 { return [$quiet $max_count] }")
        XCTAssertEqual(try run("flags --quiet --max-count 5"), .list([.bool(true), .int(5)]))
        XCTAssertEqual(try run("flags"), .list([.bool(false), .int(3)]))
        XCTAssertEqual(message("proc runaway { runaway }\nrunaway"), "calls nested deeper than 200 (runaway recursion?)")
        XCTAssertEqual(message("proc print x { }"), "'print' is already a command; choose another procedure name")
    }

    func testTryCatchAndErrorsInsideProcedures() throws {
        try run("""
            proc inner { error "deep failure" }
            proc outer { inner }
            try { outer } catch e { caught = $e.message; where = $e.position }
            """)
        XCTAssertEqual(interpreter.variable("caught"), .string("deep failure"))
        XCTAssertEqual(interpreter.variable("where"), .string("t.rlr:1:14"))
        do {
            try run("outer")
            XCTFail("expected an error")
        } catch let d as Diagnostic {
            XCTAssertEqual(d.notes.map(\.0), ["in procedure 'inner' called here", "in procedure 'outer' called here"])
            XCTAssertEqual(d.notes.map { $0.1?.position }, ["t.rlr:2:14", "t.rlr:1:1"])
        }
    }

    func testTensorArithmetic() throws {
        let registry = try Interpreter(libraries: [("t", [CommandSpec(
            path: ["vec"], abstract: "A vector.", arguments: [ArgumentSpec("values", .tensor, help: "Values.")],
            run: { inv in .tensor(try inv.tensor("values")) })])], output: { _ in }, interrupt: InterruptFlag())
        let result = try registry.run(SourceFile(name: "t", text: "(vec [[1 2] [3 4]]) * 2 - (vec [1 1]) / 2"))
        guard case .tensor(let t) = result else { return XCTFail("not a tensor") }
        XCTAssertEqual(t.shape, [2, 2])
        XCTAssertEqual(t.toArray(), [1.5, 3.5, 5.5, 7.5])
        XCTAssertThrowsError(try registry.run(SourceFile(name: "t", text: "(vec [1 2 3]) + (vec [1 2])"))) {
            XCTAssertEqual(($0 as? Diagnostic)?.message, "shapes [3] and [2] do not broadcast for '+'")
        }
        XCTAssertEqual(try registry.run(SourceFile(name: "t", text: "(vec [[1 2 3]]).shape")), .list([.int(1), .int(3)]))
        guard case .tensor(let p) = try registry.run(SourceFile(name: "t", text: "(vec [1 2 3]) ** 2 + 2 ** (vec [0 1 2])")) else {
            return XCTFail("not a tensor")
        }
        XCTAssertEqual(p.toArray(), [1 + 1, 4 + 2, 9 + 4])
    }

    func testBuiltins() throws {
        try run("print a 1 [2 3] {k: true}")
        XCTAssertEqual(printed.value, "a 1 [2 3] {k: true}\n")
        XCTAssertEqual(try run("range 2 8 --step 3"), .list([.int(2), .int(5)]))
        XCTAssertEqual(try run("range 3 0 --step -1"), .list([.int(3), .int(2), .int(1)]))
        XCTAssertEqual(try run("type 2.5"), .string("double"))
        XCTAssertEqual(message("assert (1 > 2) \"math broke\""), "math broke")
        XCTAssertThrowsError(try run("exit 3")) { XCTAssertEqual(($0 as? ScriptExit)?.status, 3) }
        try run("zz = 1\nunset zz")
        XCTAssertNil(interpreter.variable("zz"))
    }

    func testValueBuiltins() throws {
        XCTAssertEqual(try run("l = [10 20 30]; i = 1; get $l $i"), .int(20))
        XCTAssertEqual(try run("get $l -1"), .int(30))
        XCTAssertEqual(try run("get {a: 1} a"), .int(1))
        XCTAssertEqual(message("get $l 3"), "bad value for key: list has no member '3'; it has count")
        XCTAssertEqual(try run("put $l -1 0"), .list([.int(10), .int(20), .int(0)]))
        XCTAssertEqual(try run("(put {a: 1} b 2).b"), .int(2))
        XCTAssertEqual(message("put $l 5 0"), "bad value for key: index 5 is outside a list of 3")
        XCTAssertEqual(try run("round 3.14159 2"), .double(3.14))
        XCTAssertEqual(try run("round -2.5"), .int(-3))
        XCTAssertEqual(try run("join [a 1 2.5] \", \""), .string("a, 1, 2.5"))
        XCTAssertEqual(try run("split \" a  b \""), .list([.string("a"), .string("b")]))
        XCTAssertEqual(try run("split a/b/ /"), .list([.string("a"), .string("b"), .string("")]))
    }

    func testHelpIsDerivedFromSpecs() throws {
        try run("help print")
        XCTAssertTrue(printed.value.hasPrefix("print: Prints values separated by spaces.\n\nusage: print [<values>...]"), printed.value)
        XCTAssertEqual(message("help nosuch"), "bad value for topic: unknown command 'nosuch'")
        let before = printed.value.count
        try run("help --markdown")
        XCTAssertTrue(printed.value.dropFirst(before).contains("### `range`"))
    }

    func testSourceRunsAFileInTheSession() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rlr-\(UUID().uuidString).rlr").path
        try "sourced = 41 + 1\nproc hello { return \"hi\" }\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try run("source \(path)")
        XCTAssertEqual(interpreter.variable("sourced"), .int(42))
        XCTAssertEqual(try run("hello"), .string("hi"))
        XCTAssertEqual(message("source /nonexistent.rlr"), "bad value for file: cannot read '/nonexistent.rlr'")
        try "x = 1\nprint $missing\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try run("\n  source \(path)")) { error in
            XCTAssertEqual("\(error)", """
                \(path):2:7: error: unknown variable '$missing'
                print $missing
                      ^~~~~~~~
                t.rlr:2:3: note: in 'source' called here
                  source \(path)
                  ^\(String(repeating: "~", count: "source \(path)".count - 1))
                """)
        }
    }

    func testAbbreviationsOnlyWhenAllowed() throws {
        let interpreter = try Interpreter(libraries: [("demo", DemoCommands.commands)], output: { _ in }, interrupt: InterruptFlag())
        XCTAssertThrowsError(try interpreter.run(SourceFile(name: "t", text: "demo fi 2"))) {
            XCTAssertEqual(($0 as? Diagnostic)?.message, "unknown command 'demo fi' (did you mean 'demo fill'?)")
        }
        interpreter.allowsAbbreviations = true
        XCTAssertEqual(try interpreter.run(SourceFile(name: "t", text: "demo fi 2 --value 1")), .list([.double(1), .double(1)]))
    }

    func testInterruptFlagStopsLoopsAtSafePoints() {
        let flag = InterruptFlag()
        let interpreter = try! Interpreter(output: { _ in }, interrupt: flag)
        flag.set()
        XCTAssertThrowsError(try interpreter.run(SourceFile(name: "t", text: "while true { }"))) { XCTAssertTrue($0 is ScriptInterrupt) }
    }
}
