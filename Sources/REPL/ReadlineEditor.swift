@preconcurrency import CReadline
import Foundation
import Commands
import Script

/// GNU readline through its callback interface, so Ctrl-C at the prompt cancels the line cleanly.
///
/// readline's C callbacks cannot capture context: the completer and the finished line live in globals
/// that only the REPL thread touches.
public struct ReadlineEditor: LineEditor {
    private let historyPath: String

    public init(completer: Completer, historyPath: String = History.path) {
        self.historyPath = historyPath
        ReadlineState.completer = completer
        rl_catch_signals = 0
        rl_readline_name = UnsafePointer(strdup("rlr"))
        rl_completer_word_break_characters = UnsafePointer(strdup(Completer.wordBreaks))
        rl_attempted_completion_function = readlineComplete
        using_history()
        stifle_history(History.limit)
        _ = read_history(historyPath)
    }

    public mutating func read(prompt: String) -> LineInput {
        ReadlineState.result = nil
        rl_callback_handler_install(prompt) { line in
            ReadlineState.result = line.map { .line(String(cString: $0)) } ?? .end
            free(line)
            rl_callback_handler_remove()
        }
        while ReadlineState.result == nil {
            var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, -1)
            if InterruptFlag.shared.isSet {
                InterruptFlag.shared.clear()
                FileHandle.standardOutput.write("^C\n".data(using: .utf8)!)
                rl_free_line_state()
                rl_callback_sigcleanup()
                rl_callback_handler_remove()
                return .cancelled
            }
            if ready > 0 { rl_callback_read_char() }
        }
        if ReadlineState.result == .end { FileHandle.standardOutput.write("\n".data(using: .utf8)!) }
        return ReadlineState.result!
    }

    public mutating func remember(_ line: String) {
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        add_history(line)
        _ = write_history(historyPath)
    }
}

/// Globals for readline's C callbacks (REPL thread only).
enum ReadlineState {
    nonisolated(unsafe) static var completer: Completer?
    nonisolated(unsafe) static var result: LineInput?
    nonisolated(unsafe) static var matches: [String] = []
    nonisolated(unsafe) static var next = 0
}

/// rl_attempted_completion_function: candidates for the text before the cursor, never file-name fallback.
private func readlineComplete(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32)
    -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    rl_attempted_completion_over = 1
    guard let completer = ReadlineState.completer, let buffer = rl_line_buffer else { return nil }
    let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: Int(end))
    ReadlineState.matches = completer.candidates(line: String(decoding: bytes, as: UTF8.self))
    ReadlineState.next = 0
    rl_completion_append_character = ReadlineState.matches.count == 1 && ReadlineState.matches[0].hasSuffix("/") ? 0 : 32
    return rl_completion_matches(text) { _, state in
        if state == 0 { ReadlineState.next = 0 }
        guard ReadlineState.next < ReadlineState.matches.count else { return nil }
        defer { ReadlineState.next += 1 }
        return strdup(ReadlineState.matches[ReadlineState.next])
    }
}
