import TestSupport
import XCTest

/// The interactive REPL in a real terminal (tmux): completion, continuation, errors, history, Ctrl-C, Ctrl-D.
final class TerminalTests: XCTestCase {
    var session = ""
    var folder: URL!

    /// Runs tmux via posix_spawn and waitpid (Foundation's Process waits for the tmux server it starts).
    func tmux(_ arguments: [String]) throws -> String {
        let capture = folder.appendingPathComponent("tmux-output").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, capture, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = (["tmux"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawnp(&pid, "tmux", &actions, nil, argv, environ) == 0 else {
            throw XCTSkip("cannot start tmux")
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return (try? String(contentsOfFile: capture, encoding: .utf8)) ?? ""
    }

    func send(_ keys: String...) throws { _ = try tmux(["send-keys", "-t", session] + keys) }

    /// The screen once `predicate` holds (polled for up to 10 s: the machine may be busy).
    @discardableResult
    func waitFor(_ what: String, _ predicate: (String) -> Bool) throws -> String {
        var screen = ""
        for _ in 0..<200 {
            screen = try tmux(["capture-pane", "-p", "-t", session])
            if predicate(screen) { return screen }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTFail("timed out waiting for \(what); screen:\n\(screen)")
        return screen
    }

    /// The last non-empty line of the screen (tmux drops trailing spaces).
    func lastLine(_ screen: String) -> String {
        screen.split(separator: "\n").last.map(String.init) ?? ""
    }

    override func setUpWithError() throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard path.split(separator: ":").contains(where: { FileManager.default.isExecutableFile(atPath: "\($0)/tmux") }) else {
            throw XCTSkip("tmux is not installed: the terminal test of the REPL is skipped")
        }
        folder = try Executable.temporaryFolder()
        try Data().write(to: folder.appendingPathComponent("weights.npy"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("runs"), withIntermediateDirectories: true)
        session = "rlr-test-\(UUID().uuidString.prefix(8))"
        let history = folder.appendingPathComponent("history").path
        _ = try tmux(["new-session", "-d", "-s", session, "-x", "120", "-y", "40", "-c", folder.path,
                      "env RLR_HISTORY=\(history) \(Executable.url.path); sleep 5"])
    }

    override func tearDownWithError() throws {
        guard let folder else { return }
        _ = try? tmux(["kill-session", "-t", session])
        try? FileManager.default.removeItem(at: folder)
    }

    func testInteractiveSession() throws {
        try waitFor("the prompt") { $0.contains("rlr>") }

        // Completion of a verb, an option, then a file path derived from the spec (.npy files and folders).
        try send("x = tensor ra", "Tab")
        try waitFor("verb completion") { self.lastLine($0).hasSuffix("rlr> x = tensor randn") }
        try send("[2 3] --se", "Tab")
        try waitFor("option completion") { self.lastLine($0).hasSuffix("[2 3] --seed") }
        try send("1", "Enter")
        try send("tensor load we", "Tab")
        try waitFor("file completion") { self.lastLine($0).hasSuffix("tensor load weights.npy") }
        try send("C-c")
        try waitFor("Ctrl-C cancels the line") { self.lastLine($0) == "rlr>" }

        // Continuation lines show the open delimiter; the procedure then works.
        try send("proc twice v {", "Enter")
        try waitFor("continuation prompt") { self.lastLine($0).hasPrefix(" {...>") }
        try send("return ($v * 2)", "Enter", "}", "Enter", "twice 21", "Enter")
        try waitFor("the procedure's result") { $0.contains("\n42\n") }

        // An error with a suggestion, then recovery.
        try send("tensor randn 2 --seeed 1", "Enter")
        try waitFor("the diagnostic") { $0.contains("has no option --seeed (did you mean '--seed'?)") }
        try send("print \"ok $(twice $x.shape.0)\"", "Enter")
        try waitFor("recovery") { $0.contains("\nok 4\n") }

        // History recall: two entries back is the failed command.
        try send("Up", "Up")
        try waitFor("history recall") { self.lastLine($0).hasSuffix("rlr> tensor randn 2 --seeed 1") }
        try send("C-c")

        // Ctrl-C interrupts a running loop and the session survives.
        try send("while true { }", "Enter")
        Thread.sleep(forTimeInterval: 0.2)
        try send("C-c")
        try waitFor("interrupt") { $0.contains("interrupted") }
        try send("print alive", "Enter")
        try waitFor("alive after interrupt") { $0.contains("\nalive\n") }

        // Ctrl-D ends the session and the history was saved.
        try send("C-d")
        Thread.sleep(forTimeInterval: 0.3)
        let history = try String(contentsOf: folder.appendingPathComponent("history"), encoding: .utf8)
        XCTAssertTrue(history.contains("twice 21\n") && history.contains("print alive"), history)
    }
}
