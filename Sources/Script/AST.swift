import Commands
/// An expression or command word, with its span.
public indirect enum Expr: Sendable {
    case literal(Value, SourceSpan)
    /// A bare word: a string value, or a command name when it leads a command.
    case word(String, SourceSpan)
    /// An option word (`--seed`, `-s`, `--seed=3`), only in command arguments.
    case option(String, SourceSpan)
    case variable(String, [String], SourceSpan)
    case interpolated([InterpolatedPart], SourceSpan)
    case list([Expr], SourceSpan)
    case record([(String, Expr)], SourceSpan)
    case call(Call)
    case unary(String, Expr, SourceSpan)
    case binary(String, Expr, Expr, SourceSpan)
    case member(Expr, String, SourceSpan)

    public var span: SourceSpan {
        switch self {
        case .literal(_, let s), .word(_, let s), .option(_, let s), .variable(_, _, let s), .interpolated(_, let s),
             .list(_, let s), .record(_, let s), .unary(_, _, let s), .binary(_, _, _, let s), .member(_, _, let s):
            s
        case .call(let call): call.span
        }
    }
}

/// A piece of an interpolated string: text, or an expression to convert with `description`.
public enum InterpolatedPart: Sendable {
    case text(String)
    case expr(Expr)
}

/// A command call: leading bare words name the command, the rest are arguments and options.
public struct Call: Sendable {
    public var words: [Expr]
    public var span: SourceSpan
}

/// A statement with its span.
public struct Statement: Sendable {
    public enum Kind: Sendable {
        case command(Call)
        case expression(Expr)
        case assign(String, Expr)
        case ifElse([(condition: Expr, body: [Statement])], otherwise: [Statement]?)
        case whileLoop(Expr, [Statement])
        case forLoop(String, Expr, [Statement])
        case procedure(ProcedureDecl)
        case tryCatch([Statement], String?, [Statement])
        case returnValue(Expr?)
        case breakLoop
        case continueLoop
    }
    public var kind: Kind
    public var span: SourceSpan
}

/// `proc name a b=2 rest... { body }`: `a` positional, `b` the option `--b` (default 2), `rest` the remaining words.
public struct ProcedureDecl: Sendable {
    public struct Parameter: Sendable {
        public var name: String
        public var defaultValue: Expr?
        public var isVariadic: Bool
    }
    public var name: String
    public var parameters: [Parameter]
    public var body: [Statement]
    /// The `#` comment lines just above the declaration.
    public var documentation: String
}
