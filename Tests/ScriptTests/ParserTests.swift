import XCTest
import Commands
import Script

final class ParserTests: XCTestCase {
    func parse(_ text: String) throws -> [Statement] { try Parser.parse(SourceFile(name: "t.rlr", text: text)) }

    func parseError(_ text: String) -> ParseError? {
        do { _ = try parse(text); return nil } catch { return error as? ParseError }
    }

    func testCommandWordsAreClassified() throws {
        let statements = try parse("tensor randn [2 3] --seed 1 -s x/y.npy 2.5 -3 true \"a $b\"")
        guard case .command(let call) = statements[0].kind else { return XCTFail("not a command") }
        let kinds = call.words.map { word -> String in
            switch word {
            case .word(let w, _): "word:\(w)"
            case .option(let o, _): "option:\(o)"
            case .literal(let v, _): "literal:\(v.literal)"
            case .list(let items, _): "list:\(items.count)"
            case .interpolated(let parts, _): "interpolated:\(parts.count)"
            default: "other"
            }
        }
        XCTAssertEqual(kinds, ["word:tensor", "word:randn", "list:2", "option:--seed", "literal:1", "option:-s",
                               "word:x/y.npy", "literal:2.5", "literal:-3", "literal:true", "interpolated:2"])
    }

    func testCommasJoinCommandWordsButSeparateListItems() throws {
        let statements = try parse("data info --categories washer,weave [1,2] {a: 1,b: 2} [x, y]")
        guard case .command(let call) = statements[0].kind else { return XCTFail("not a command") }
        guard case .word("washer,weave", _) = call.words[3] else { return XCTFail("shell-style list word") }
        guard case .list(let items, _) = call.words[4], items.count == 2 else { return XCTFail("[1,2] has two items") }
        guard case .record(let fields, _) = call.words[5], fields.count == 2 else { return XCTFail("record with two fields") }
        guard case .list(let named, _) = call.words[6], named.count == 2 else { return XCTFail("[x, y] has two items") }
    }

    func testStatementForms() throws {
        let statements = try parse("""
            x = 1 + 2 * 3
            y = tensor zeros 3
            if $x > 2 { print big } else if $x < 0 { print neg } else { print small }
            while $x < 10 { x = $x + 1; if $x == 5 { break } }
            for i in [1 2] { continue }
            proc add a b=2 rest... { return ($a + $b) }
            try { error boom } catch e { print $e.message }
            $x ** 2
            """)
        let names = statements.map { statement -> String in
            switch statement.kind {
            case .assign(let name, _): "assign \(name)"
            case .ifElse(let branches, let otherwise): "if \(branches.count) \(otherwise != nil)"
            case .whileLoop: "while"
            case .forLoop(let name, _, _): "for \(name)"
            case .procedure(let decl): "proc \(decl.name) \(decl.parameters.map { $0.name + ($0.isVariadic ? "..." : "") + ($0.defaultValue != nil ? "=" : "") })"
            case .tryCatch(_, let name, _): "try \(name ?? "-")"
            case .expression: "expression"
            default: "other"
            }
        }
        XCTAssertEqual(names, ["assign x", "assign y", "if 2 true", "while", "for i", "proc add [\"a\", \"b=\", \"rest...\"]",
                               "try e", "expression"])
        guard case .assign(_, .binary("+", _, .binary("*", _, _, _), _)) = statements[0].kind else {
            return XCTFail("precedence: * binds tighter than +")
        }
        guard case .assign(_, .call(let call)) = statements[1].kind else { return XCTFail("command on the right of '='") }
        XCTAssertEqual(call.words.count, 3)
    }

    func testIncompleteInputReportsTheOpener() {
        let cases: [(String, String)] = [
            ("if 1 {", "{"), ("proc f {\n  if 1 {", "{"), ("x = (tensor zeros", "("), ("print [1 2", "["),
            ("print \"abc", "\""), ("print 'abc", "'"), ("print 1 \\", "\\"), ("r = {a: 1", "{"),
            ("print \"$(1 + \"", "("),
        ]
        for (text, opener) in cases {
            let error = parseError(text)
            XCTAssertEqual(error?.isIncomplete, true, text)
            XCTAssertEqual(error?.openDelimiter, opener, text)
        }
    }

    func testCompleteErrorsAreNotIncomplete() {
        let deep = String(repeating: "(", count: 100_000)
        XCTAssertEqual(parseError("x = " + deep)?.diagnostic.message, "nested deeper than 200 levels")
        XCTAssertEqual(parseError("x = " + String(repeating: "- ", count: 300) + "1")?.diagnostic.message, "nested deeper than 200 levels")
        XCTAssertEqual(parseError("x = 1" + String(repeating: " + 1", count: 20_000))?.diagnostic.message, "more than 10000 operands in one expression")
        for text in ["x = ", "if 1\n{ }", "proc f rest... a { }", "print 1 + 2", "}", "break", "return 1", "1 +* 2", "print \"\\q\"", "x = )"] {
            let error = parseError(text)
            XCTAssertNotNil(error, text)
            XCTAssertEqual(error?.isIncomplete, false, text)
        }
    }

    func testSpansAndLocations() throws {
        let file = SourceFile(name: "f.rlr", text: "a = 1\n  print héllo $a\n")
        let statements = try Parser.parse(file)
        guard case .command(let call) = statements[1].kind else { return XCTFail() }
        XCTAssertEqual(call.words[2].span.position, "f.rlr:2:15")
        XCTAssertEqual(call.words[1].span.text, "héllo")
        XCTAssertEqual(file.line(2), "  print héllo $a")
    }

    func testProcedureDocumentationComesFromCommentsAbove() throws {
        let statements = try parse("# Doubles a value.\n# Second line.\nproc twice v { return ($v * 2) }")
        guard case .procedure(let decl) = statements[0].kind else { return XCTFail() }
        XCTAssertEqual(decl.documentation, "Doubles a value.\nSecond line.")
    }
}
