import TestSupport
import XCTest

/// The session without a terminal: plain lines, continuation, values echoed, errors reported and survived.
final class PipedSessionTests: XCTestCase {
    func testPipedSessionContinuesAfterErrors() throws {
        let input = """
            x = 20
            proc add a b {
                return ($a + $b)
            }
            add $x 22
            add $x
            print "still here" \\
                (add 1 1)
            [1 2
             3]
            """
        let result = try Executable.run([], stdin: input + "\n")
        XCTAssertEqual(result.stdout, "42\nstill here 2\n[1 2 3]\n")
        XCTAssertEqual(result.stderr, """
            <repl:4>:1:1: error: 'add' needs <b>
            add $x
            ^~~~~~
            hint: usage: add <a> <b>

            """)
        XCTAssertEqual(result.status, 1)
    }

    func testUnfinishedInputAtEndIsReported() throws {
        let result = try Executable.run([], stdin: "proc f {\n")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("unexpected end of input, expected '}'"), result.stderr)
        XCTAssertEqual(try Executable.run([], stdin: "1 + 1\n").status, 0)
    }
}
