/// What one attempt to read a line produced.
public enum LineInput: Equatable {
    case line(String)
    /// Ctrl-C at the prompt: drop the pending entry.
    case cancelled
    /// Ctrl-D or end of input.
    case end
}

/// Reads lines with a prompt: readline on a terminal, plain lines otherwise.
public protocol LineEditor {
    mutating func read(prompt: String) -> LineInput
    /// Records a line in the history (a no-op without a terminal).
    mutating func remember(_ line: String)
}

/// Plain `readLine()` for pipes and files: no prompt, no history.
public struct PlainLineReader: LineEditor {
    public init() {}
    public mutating func read(prompt: String) -> LineInput {
        readLine(strippingNewline: true).map(LineInput.line) ?? .end
    }
    public mutating func remember(_ line: String) {}
}
