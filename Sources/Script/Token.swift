import Commands
/// A lexical token with its span.
public struct Token: Sendable {
    public enum Kind: Sendable, Equatable {
        /// A bare word in a command line (`tensor`, `data/x.png`, `=`).
        case word(String)
        /// An identifier in an expression (`true`, `and`).
        case identifier(String)
        case number(Value)
        /// `--name`, `--name=value` or `-n`.
        case option(String)
        /// `$name.field.0` or `${name.field}`.
        case variable(String, [String])
        /// A double-quoted string, split into literal text and interpolations.
        case string([StringPart])
        /// An operator in an expression: `+ - * / % ** == != < <= > >= !`.
        case symbol(String)
        case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
        case comma
        /// `.name` directly after a closing parenthesis or bracket (member access).
        case member(String)
        /// Newline or `;`.
        case end
        case eof
    }

    public let kind: Kind
    public let span: SourceSpan

    /// How the token reads in messages: "'{'", "end of line".
    public var display: String {
        switch kind {
        case .end: span.text == ";" ? "';'" : "end of line"
        case .eof: "end of input"
        case .string: "string"
        default: "'\(span.text)'"
        }
    }
}

/// A piece of a double-quoted string.
public enum StringPart: Sendable, Equatable {
    case text(String)
    /// `$name` or `${name.path}`, with the byte range of the reference.
    case variable(String, [String], Range<Int>)
    /// `$( … )`: the byte range of the parenthesized code, parentheses included.
    case code(Range<Int>)
}
