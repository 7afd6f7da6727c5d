/// A syntax error. `unexpectedEnd` means the input is incomplete: the REPL asks for a continuation line.
public enum ParseError: Error, Sendable {
    /// Input ended while `opened` (a bracket, brace, quote or trailing `\`) was still open.
    case unexpectedEnd(opened: Token, expected: String)
    /// A token that cannot appear here.
    case unexpected(Token, expected: String, hint: String? = nil)
    /// Malformed text at a span (bad escape, bad number …).
    case invalid(String, SourceSpan, hint: String? = nil)

    /// Whether more input could complete the text.
    public var isIncomplete: Bool {
        if case .unexpectedEnd = self { return true }
        return false
    }

    /// The opener the REPL shows in its continuation prompt: "{", "(", "\"".
    public var openDelimiter: String? {
        if case .unexpectedEnd(let opened, _) = self { return opened.span.text }
        return nil
    }

    public var diagnostic: Diagnostic {
        switch self {
        case .unexpectedEnd(let opened, let expected):
            let end = SourceSpan(file: opened.span.file, start: opened.span.file.bytes.count, end: opened.span.file.bytes.count)
            return Diagnostic(message: "unexpected end of input, expected \(expected)", span: end,
                              notes: [("unclosed \(opened.display) opened here", opened.span)])
        case .unexpected(let token, let expected, let hint):
            return Diagnostic(message: "unexpected \(token.display), expected \(expected)", span: token.span, hint: hint)
        case .invalid(let message, let span, let hint):
            return Diagnostic(message: message, span: span, hint: hint)
        }
    }
}
