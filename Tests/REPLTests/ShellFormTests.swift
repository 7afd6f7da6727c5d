import XCTest

/// The executable's argument forms: shell commands, -e, scripts, reports, exit statuses.
final class ShellFormTests: XCTestCase {
    func testVersionHelpAndShellCommands() throws {
        XCTAssertEqual(try Executable.run(["--version"]).stdout, "rlr 0.1.0\n")
        let help = try Executable.run(["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("tensor randn") && help.stdout.contains("rlr NOUN VERB"), help.stdout)
        let zeros = try Executable.run(["tensor", "zeros", "2,3"])
        XCTAssertEqual(zeros.stdout, "tensor [2, 3] [0, 0, 0, 0, 0, 0]\n")
        let commandHelp = try Executable.run(["tensor", "randn", "--help"])
        XCTAssertTrue(commandHelp.stdout.hasPrefix("tensor randn: Normal samples"), commandHelp.stdout)
    }

    func testShellErrorsExitNonZeroWithSuggestions() throws {
        let typo = try Executable.run(["tensor", "randn", "3", "--seeed", "1"])
        XCTAssertEqual(typo.status, 64)
        XCTAssertTrue(typo.stderr.contains("has no option --seeed (did you mean '--seed'?)"), typo.stderr)
        let verb = try Executable.run(["tensor", "rnd"])
        XCTAssertEqual(verb.status, 64)
        XCTAssertTrue(verb.stderr.contains("unknown command 'tensor rnd'"), verb.stderr)
        let failing = try Executable.run(["tensor", "load", "/nonexistent/x.npy"])
        XCTAssertEqual(failing.status, 1)
        XCTAssertTrue(failing.stderr.contains("/nonexistent/x.npy"), failing.stderr)
    }

    func testShellFormWritesAndReadsFiles() throws {
        let folder = try Executable.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertEqual(try Executable.run(["tensor", "save", "4", "four.npy"], in: folder).status, 0)
        XCTAssertEqual(try Executable.run(["tensor", "sum", "four.npy"], in: folder).stdout, "4.0\n")
    }

    func testCodeAndScripts() throws {
        XCTAssertEqual(try Executable.run(["-e", "1 + 2"]).stdout, "3\n")
        XCTAssertEqual(try Executable.run(["-e", "print (len $args)", "a", "b"]).stdout, "2\n")
        let folder = try Executable.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("demo.rlr")
        try "total = 0\nfor a in $args { total = $total + (len $a) }\nprint \"total $total\"\nexit 3\n"
            .write(to: script, atomically: true, encoding: .utf8)
        let result = try Executable.run([script.path, "ab", "cde"])
        XCTAssertEqual(result.stdout, "total 5\n")
        XCTAssertEqual(result.status, 3)
        let broken = folder.appendingPathComponent("broken.rlr")
        try "x = 1\ny = $x +\n".write(to: broken, atomically: true, encoding: .utf8)
        let failed = try Executable.run([broken.path])
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.stderr.hasPrefix("\(broken.path):2:"), failed.stderr)
        let piped = try Executable.run(["-"], stdin: "print piped\n")
        XCTAssertEqual(piped.stdout, "piped\n")
    }

    func testNotebookReport() throws {
        let folder = try Executable.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("nb.rlr")
        try """
            # %% Setup
            x = tensor arange 4
            print "x =" $x
            # %% Sum
            tensor sum $x
            # %% Broken
            tensor sum $nothing
            # %% Never
            print unreachable
            """.write(to: script, atomically: true, encoding: .utf8)
        let report = folder.appendingPathComponent("report")
        let result = try Executable.run(["run", script.path, "--report", report.path])
        XCTAssertEqual(result.status, 1)
        let index = try String(contentsOf: report.appendingPathComponent("index.md"), encoding: .utf8)
        XCTAssertTrue(index.contains("## Setup\n\n```\nx = tensor arange 4\nprint \"x =\" $x\n```\n\nOutput:\n\n```\nx = tensor [4] [0, 1, 2, 3]\n```"), index)
        XCTAssertTrue(index.contains("## Sum") && index.contains("Value: `6.0`"), index)
        XCTAssertTrue(index.contains("nb.rlr:7:12: error: unknown variable '$nothing'"), index)
        XCTAssertTrue(index.contains("## Never") && index.contains("_Not run: an earlier cell failed._"), index)
    }
}
