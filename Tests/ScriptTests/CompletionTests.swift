import XCTest
import Commands
import Script

final class CompletionTests: XCTestCase {
    var interpreter: Interpreter!
    var folder: URL!

    override func setUpWithError() throws {
        interpreter = try Interpreter(libraries: [("demo", DemoCommands.commands)], output: { _ in }, interrupt: InterruptFlag())
        try interpreter.run(SourceFile(name: "t", text: "count = 3\ncolor = \"red\"\nproc paint what { }\nr = {size: 1, sub: {deep: 2}, name: x}"))
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("rlr-completion-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        for name in ["a.npy", "b.png", "notes.txt"] { try Data().write(to: folder.appendingPathComponent(name)) }
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func complete(_ line: String) -> [String] { Completer(interpreter: interpreter).candidates(line: line) }

    func testCommandsVerbsAndOptions() {
        XCTAssertEqual(complete("de"), ["demo"])
        XCTAssertEqual(complete("pa"), ["paint"])
        XCTAssertEqual(complete("demo "), ["check", "fill", "open"])
        XCTAssertEqual(complete("demo f"), ["fill"])
        XCTAssertEqual(complete("demo fill 3 --"), ["--value", "--mode"])
        XCTAssertEqual(complete("demo fill 3 --mode "), ["fast", "exact"])
        XCTAssertEqual(complete("demo fill 3 --mode e"), ["exact"])
        XCTAssertEqual(complete("help de"), ["demo"])
        XCTAssertEqual(complete("help demo o"), ["open"])
    }

    func testVariablesAndNestedCalls() {
        XCTAssertEqual(complete("print $co"), ["$color", "$count"])
        XCTAssertEqual(complete("print $r.s"), ["$r.size", "$r.sub"])
        XCTAssertEqual(complete("print $r.sub."), ["$r.sub.deep"])
        XCTAssertEqual(complete("print $r.nothing."), [])
        XCTAssertEqual(complete("x = (demo f"), ["fill"])
        XCTAssertEqual(complete("print (len $cou"), ["$count"])
        XCTAssertEqual(complete("if $count > 1 { demo "), ["check", "fill", "open"])
    }

    func testFilePathsFollowTheSpec() {
        let base = folder.path + "/"
        XCTAssertEqual(complete("demo open \(base)"), [base + "a.npy", base + "b.png", base + "notes.txt", base + "sub/"])
        XCTAssertEqual(complete("demo open \(base)s"), [base + "sub/"])
        XCTAssertEqual(complete("source \(base)"), [base + "sub/"])
    }
}
