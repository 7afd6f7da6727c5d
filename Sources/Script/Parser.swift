import Commands
import Foundation

/// Parses rlr source into statements. See docs/language.md for the grammar.
public struct Parser {
    private var lexer: Lexer
    private var loopDepth = 0
    private var procedureDepth = 0
    /// Inside parentheses, brackets and records newlines are plain spaces.
    private var newlinesAreSpace = false
    /// How many brackets, braces and parentheses are open (bounded, so deep nesting cannot exhaust the stack).
    private var nesting = 0
    static let maximumNesting = 200
    /// Operands chained by one operator level (evaluation recurses once per operand).
    static let maximumOperands = 10_000

    /// Keywords that start statements; they cannot name commands.
    public static let keywords: Set<String> = ["if", "else", "while", "for", "in", "proc", "try", "catch", "return", "break", "continue"]
    /// Bare words that are values, not commands.
    static let constants: [String: Value] = ["true": .bool(true), "false": .bool(false), "nil": .nil]

    init(file: SourceFile, range: Range<Int>? = nil) {
        lexer = Lexer(file: file, range: range)
    }

    /// Parses a whole file.
    public static func parse(_ file: SourceFile) throws(ParseError) -> [Statement] {
        var parser = Parser(file: file)
        return try parser.statements(closer: nil)
    }

    // MARK: statements

    private mutating func statements(closer opener: Token?) throws(ParseError) -> [Statement] {
        var result: [Statement] = []
        while true {
            let token = try lexer.peek(.words, skipNewlines: true)
            switch token.kind {
            case .eof:
                if let opener { throw .unexpectedEnd(opened: opener, expected: "'}'") }
                _ = try lexer.next(.words, skipNewlines: true)
                return result
            case .rightBrace:
                guard opener != nil else { throw .unexpected(token, expected: "a statement", hint: "this '}' closes nothing") }
                _ = try lexer.next(.words, skipNewlines: true)
                return result
            default:
                try skipBlankLines()
                result.append(try statement())
                let after = try lexer.peek(.words)
                switch after.kind {
                case .end: _ = try lexer.next(.words)
                case .eof, .rightBrace: break
                default: throw .unexpected(after, expected: "the end of the statement")
                }
            }
        }
    }

    private mutating func skipBlankLines() throws(ParseError) {
        while case .end = try lexer.peek(.words).kind { _ = try lexer.next(.words) }
    }

    private mutating func statement() throws(ParseError) -> Statement {
        let first = try lexer.peek(.words)
        if case .word(let word) = first.kind {
            switch word {
            case "if": return try ifStatement()
            case "while": return try whileStatement()
            case "for": return try forStatement()
            case "proc": return try procedure()
            case "try": return try tryStatement()
            case "return": return try returnStatement()
            case "break", "continue": return try loopControl(word)
            case "else", "catch", "in":
                throw .unexpected(first, expected: "a statement", hint: word == "in" ? nil : "'\(word)' must follow '}' on the same line")
            default:
                if Parser.constants[word] == nil, word != "not", lexer.startsWithName(skipNewlines: false) {
                    var copy = lexer
                    _ = try copy.next(.words)
                    if case .word("=") = try copy.peek(.words).kind {
                        return try assignment()
                    }
                    let call = try command(stopAtBrace: false, inParentheses: nil)
                    return Statement(kind: .command(call), span: call.span)
                }
            }
        }
        if case .variable(let name, let path) = first.kind, path.isEmpty {
            var copy = lexer
            _ = try copy.next(.words)
            if case .word("=") = try copy.peek(.words).kind {
                throw .invalid("assignment target written with '$'", first.span, hint: "assign without the dollar sign: \(name) = ...")
            }
        }
        let expression = try self.expression()
        return Statement(kind: .expression(expression), span: expression.span)
    }

    private mutating func assignment() throws(ParseError) -> Statement {
        let nameToken = try lexer.next(.words)
        guard case .word(let name) = nameToken.kind, Lexer.isName(name), !Parser.keywords.contains(name) else {
            throw .invalid("'\(nameToken.span.text)' cannot be assigned: names are letters, digits and '_'", nameToken.span)
        }
        let equals = try lexer.next(.words)
        let value = try callOrExpression(stopAtBrace: false, after: equals)
        return Statement(kind: .assign(name, value), span: nameToken.span.through(value.span))
    }

    private mutating func ifStatement() throws(ParseError) -> Statement {
        let keyword = try lexer.next(.words)
        var branches: [(condition: Expr, body: [Statement])] = []
        var otherwise: [Statement]?
        var end = keyword.span
        while true {
            let condition = try callOrExpression(stopAtBrace: true, after: keyword)
            let (body, close) = try block(after: condition.span)
            branches.append((condition, body))
            end = close
            guard case .word("else") = try lexer.peek(.words).kind else { break }
            let elseToken = try lexer.next(.words)
            if case .word("if") = try lexer.peek(.words).kind {
                _ = try lexer.next(.words)
                continue
            }
            let (elseBody, elseClose) = try block(after: elseToken.span)
            otherwise = elseBody
            end = elseClose
            break
        }
        return Statement(kind: .ifElse(branches, otherwise: otherwise), span: keyword.span.through(end))
    }

    private mutating func whileStatement() throws(ParseError) -> Statement {
        let keyword = try lexer.next(.words)
        let condition = try callOrExpression(stopAtBrace: true, after: keyword)
        loopDepth += 1
        defer { loopDepth -= 1 }
        let (body, close) = try block(after: condition.span)
        return Statement(kind: .whileLoop(condition, body), span: keyword.span.through(close))
    }

    private mutating func forStatement() throws(ParseError) -> Statement {
        let keyword = try lexer.next(.words)
        let nameToken = try lexer.next(.words)
        guard case .word(let name) = nameToken.kind, Lexer.isName(name), !Parser.keywords.contains(name) else {
            throw .unexpected(nameToken, expected: "a loop variable name", hint: "for NAME in LIST { ... }")
        }
        let inToken = try lexer.next(.words)
        guard case .word("in") = inToken.kind else { throw .unexpected(inToken, expected: "'in'", hint: "for NAME in LIST { ... }") }
        let iterable = try callOrExpression(stopAtBrace: true, after: inToken)
        loopDepth += 1
        defer { loopDepth -= 1 }
        let (body, close) = try block(after: iterable.span)
        return Statement(kind: .forLoop(name, iterable, body), span: keyword.span.through(close))
    }

    private mutating func procedure() throws(ParseError) -> Statement {
        let keyword = try lexer.next(.words)
        let nameToken = try lexer.next(.words)
        guard case .word(let name) = nameToken.kind, Lexer.isName(name) || name.contains("-"),
              !Parser.keywords.contains(name), Parser.constants[name] == nil else {
            throw .unexpected(nameToken, expected: "a procedure name")
        }
        var parameters: [ProcedureDecl.Parameter] = []
        while true {
            let token = try lexer.peek(.words)
            if case .leftBrace = token.kind { break }
            guard case .word(var text) = token.kind else { throw .unexpected(token, expected: "a parameter name or '{'") }
            _ = try lexer.next(.words)
            var defaultValue: Expr?
            let isVariadic = text.hasSuffix("...")
            if isVariadic { text.removeLast(3) }
            if let equals = text.firstIndex(of: "=") {
                let rest = String(text[text.index(after: equals)...])
                text = String(text[..<equals])
                if rest.isEmpty {
                    defaultValue = try word()
                } else {
                    let restSpan = SourceSpan(file: token.span.file, start: token.span.end - rest.utf8.count, end: token.span.end)
                    defaultValue = .literal(Lexer.number(rest) ?? Parser.constants[rest] ?? .string(rest), restSpan)
                }
            }
            guard Lexer.isName(text), !parameters.contains(where: { $0.name == text }) else {
                throw .invalid("bad or repeated parameter name '\(text)'", token.span)
            }
            if defaultValue == nil, let variadic = parameters.first(where: \.isVariadic) {
                throw .invalid("parameter '\(text)' follows the variadic '\(variadic.name)...'", token.span)
            }
            parameters.append(.init(name: text, defaultValue: defaultValue, isVariadic: isVariadic))
        }
        let savedLoops = loopDepth
        loopDepth = 0
        procedureDepth += 1
        defer { procedureDepth -= 1; loopDepth = savedLoops }
        let (body, close) = try block(after: nameToken.span)
        let declaration = ProcedureDecl(name: name, parameters: parameters, body: body,
                                        documentation: Parser.commentLines(above: keyword.span))
        return Statement(kind: .procedure(declaration), span: keyword.span.through(close))
    }

    private mutating func tryStatement() throws(ParseError) -> Statement {
        let keyword = try lexer.next(.words)
        let (body, _) = try block(after: keyword.span)
        let catchToken = try lexer.next(.words)
        guard case .word("catch") = catchToken.kind else {
            throw .unexpected(catchToken, expected: "'catch' after the try block", hint: "try { ... } catch err { ... }")
        }
        var name: String?
        if case .word(let word) = try lexer.peek(.words).kind {
            guard Lexer.isName(word) else { throw .invalid("bad error variable name '\(word)'", try lexer.peek(.words).span) }
            name = word
            _ = try lexer.next(.words)
        }
        let (handler, close) = try block(after: catchToken.span)
        return Statement(kind: .tryCatch(body, name, handler), span: keyword.span.through(close))
    }

    private mutating func returnStatement() throws(ParseError) -> Statement {
        let keyword = try lexer.next(.words)
        guard procedureDepth > 0 else { throw .invalid("'return' outside a procedure", keyword.span) }
        switch try lexer.peek(.words).kind {
        case .end, .eof, .rightBrace:
            return Statement(kind: .returnValue(nil), span: keyword.span)
        default:
            let value = try callOrExpression(stopAtBrace: false, after: keyword)
            return Statement(kind: .returnValue(value), span: keyword.span.through(value.span))
        }
    }

    private mutating func loopControl(_ word: String) throws(ParseError) -> Statement {
        let keyword = try lexer.next(.words)
        guard loopDepth > 0 else { throw .invalid("'\(word)' outside a loop", keyword.span) }
        return Statement(kind: word == "break" ? .breakLoop : .continueLoop, span: keyword.span)
    }

    /// `{ statements }` starting on the current line; returns the body and the closing brace's span.
    private mutating func block(after previous: SourceSpan) throws(ParseError) -> ([Statement], SourceSpan) {
        let open = try lexer.next(.words)
        guard case .leftBrace = open.kind else {
            throw .unexpected(open, expected: "'{'", hint: "a block starts with '{' on the same line")
        }
        try enter(open)
        defer { nesting -= 1 }
        let saved = newlinesAreSpace
        newlinesAreSpace = false
        defer { newlinesAreSpace = saved }
        let body = try statements(closer: open)
        let closeSpan = SourceSpan(file: open.span.file, start: lexer.position - 1, end: lexer.position)
        return (body, closeSpan)
    }

    // MARK: commands and words

    /// A command call when the text starts with a name, an expression otherwise.
    private mutating func callOrExpression(stopAtBrace: Bool, after previous: Token) throws(ParseError) -> Expr {
        let next = try lexer.peek(.words, skipNewlines: newlinesAreSpace)
        if case .word(let word) = next.kind, Parser.constants[word] == nil, word != "not", lexer.startsWithName(skipNewlines: newlinesAreSpace) {
            if Parser.keywords.contains(word) {
                throw .unexpected(next, expected: "a value", hint: "'\(word)' is a keyword")
            }
            return .call(try command(stopAtBrace: stopAtBrace, inParentheses: newlinesAreSpace ? previous : nil))
        }
        switch next.kind {
        case .end, .eof, .rightBrace, .rightParen:
            throw .unexpected(next, expected: "a value after \(previous.display)")
        case .leftBrace where stopAtBrace:
            throw .unexpected(next, expected: "a condition or value before the block")
        default:
            return try expression()
        }
    }

    /// Words up to the end of the statement (or `)` inside parentheses, or `{` before a block).
    private mutating func command(stopAtBrace: Bool, inParentheses opener: Token?) throws(ParseError) -> Call {
        var words: [Expr] = []
        let skip = opener != nil
        loop: while true {
            let token = try lexer.peek(.words, skipNewlines: skip)
            switch token.kind {
            case .end, .rightBrace: break loop
            case .eof:
                if let opener { throw .unexpectedEnd(opened: opener, expected: "')'") }
                break loop
            case .rightParen:
                guard opener != nil else { throw .unexpected(token, expected: "an argument", hint: "this ')' closes nothing") }
                break loop
            case .leftBrace where stopAtBrace: break loop
            default: words.append(try word())
            }
        }
        return Call(words: words, span: words[0].span.through(words[words.count - 1].span))
    }

    /// One word of a command line (`.words`), or of a list or record (`.elements`).
    private mutating func word(_ mode: Lexer.Mode = .words) throws(ParseError) -> Expr {
        let token = try lexer.next(mode, skipNewlines: newlinesAreSpace)
        switch token.kind {
        case .word(let text):
            if let constant = Parser.constants[text] { return .literal(constant, token.span) }
            if ["+", "-", "*", "%", "**", "==", "!=", "<", ">", "<=", ">=", "!"].contains(text) {
                throw .invalid("operator '\(text)' in a command line", token.span,
                               hint: "wrap arithmetic in parentheses, e.g. ($x \(text) 1)")
            }
            return .word(text, token.span)
        case .number(let value): return .literal(value, token.span)
        case .option(let text): return .option(text, token.span)
        case .variable(let name, let path): return .variable(name, path, token.span)
        case .string(let parts): return try string(parts, token.span)
        case .leftParen: return try postfix(try parenthesized(token))
        case .leftBracket: return try postfix(try list(token))
        case .leftBrace: return try record(token)
        case .eof: throw .unexpected(token, expected: "a value")
        default: throw .unexpected(token, expected: "a value")
        }
    }

    /// Counts an opened delimiter or prefix operator; rejects nesting deeper than `maximumNesting`.
    private mutating func enter(_ open: Token) throws(ParseError) {
        nesting += 1
        if nesting > Parser.maximumNesting {
            throw .invalid("nested deeper than \(Parser.maximumNesting) levels", open.span)
        }
    }

    private mutating func parenthesized(_ open: Token) throws(ParseError) -> Expr {
        try enter(open)
        defer { nesting -= 1 }
        let saved = newlinesAreSpace
        newlinesAreSpace = true
        defer { newlinesAreSpace = saved }
        if case .rightParen = try lexer.peek(.words, skipNewlines: true).kind {
            throw .invalid("empty parentheses", open.span, hint: "parentheses hold a command call or an expression")
        }
        let inner = try callOrExpression(stopAtBrace: false, after: open)
        let close = try lexer.next(.words, skipNewlines: true)
        switch close.kind {
        case .rightParen: break
        case .eof: throw .unexpectedEnd(opened: open, expected: "')'")
        default: throw .unexpected(close, expected: "')'")
        }
        if case .call(var call) = inner {
            call.span = open.span.through(close.span)
            return .call(call)
        }
        return inner
    }

    private mutating func list(_ open: Token) throws(ParseError) -> Expr {
        try enter(open)
        defer { nesting -= 1 }
        let saved = newlinesAreSpace
        newlinesAreSpace = true
        defer { newlinesAreSpace = saved }
        var items: [Expr] = []
        while true {
            let token = try lexer.peek(.elements, skipNewlines: true)
            switch token.kind {
            case .rightBracket:
                _ = try lexer.next(.elements, skipNewlines: true)
                return .list(items, open.span.through(token.span))
            case .eof: throw .unexpectedEnd(opened: open, expected: "']'")
            case .comma: _ = try lexer.next(.elements, skipNewlines: true)
            case .option(let text):
                _ = try lexer.next(.elements, skipNewlines: true)
                items.append(.literal(.string(text), token.span))
            default: items.append(try word(.elements))
            }
        }
    }

    private mutating func record(_ open: Token) throws(ParseError) -> Expr {
        try enter(open)
        defer { nesting -= 1 }
        let saved = newlinesAreSpace
        newlinesAreSpace = true
        defer { newlinesAreSpace = saved }
        var fields: [(String, Expr)] = []
        while true {
            let token = try lexer.next(.elements, skipNewlines: true)
            var key: String
            switch token.kind {
            case .rightBrace: return .record(fields, open.span.through(token.span))
            case .eof: throw .unexpectedEnd(opened: open, expected: "'}'")
            case .comma: continue
            case .word(let text): key = text
            case .string(let parts) where parts.count <= 1:
                if case .text(let text)? = parts.first { key = text } else { key = "" }
            default: throw .unexpected(token, expected: "a field name", hint: "records are written {name: value, other: value}")
            }
            if key.hasSuffix(":") && key.count > 1 {
                key.removeLast()
            } else {
                let colon = try lexer.next(.elements, skipNewlines: true)
                guard case .word(":") = colon.kind else { throw .unexpected(colon, expected: "':' after field '\(key)'") }
            }
            if fields.contains(where: { $0.0 == key }) { throw .invalid("field '\(key)' given twice", token.span) }
            fields.append((key, try word(.elements)))
        }
    }

    private mutating func string(_ parts: [StringPart], _ span: SourceSpan) throws(ParseError) -> Expr {
        var result: [InterpolatedPart] = []
        for part in parts {
            switch part {
            case .text(let text): result.append(.text(text))
            case .variable(let name, let path, let range):
                result.append(.expr(.variable(name, path, SourceSpan(file: span.file, start: range.lowerBound, end: range.upperBound))))
            case .code(let range):
                var inner = Parser(file: span.file, range: range)
                let expr = try inner.parenthesized(try inner.lexer.next(.words))
                let rest = try inner.lexer.peek(.words, skipNewlines: true)
                guard case .eof = rest.kind else { throw .unexpected(rest, expected: "the end of the interpolation") }
                result.append(.expr(expr))
            }
        }
        if result.isEmpty { return .literal(.string(""), span) }
        if result.count == 1, case .text(let text) = result[0] { return .literal(.string(text), span) }
        return .interpolated(result, span)
    }

    /// `.name` accesses directly after a parenthesized call or list.
    private mutating func postfix(_ base: Expr) throws(ParseError) -> Expr {
        var result = base
        while let member = lexer.member(), case .member(let name) = member.kind {
            result = .member(result, name, base.span.through(member.span))
        }
        return result
    }

    // MARK: expressions

    /// An infix expression: `or`, `and`, `not`, comparisons, `+ -`, `* / %`, unary `-`, `**`.
    private mutating func expression() throws(ParseError) -> Expr { try binary(level: 0) }

    private static let levels: [[String]] = [["or"], ["and"], ["==", "!=", "<", "<=", ">", ">="], ["+", "-"], ["*", "/", "%"]]

    private mutating func binary(level: Int) throws(ParseError) -> Expr {
        if level == Parser.levels.count { return try unary() }
        if level == 2 {
            let token = try lexer.peek(.expression, skipNewlines: newlinesAreSpace)
            if case .identifier("not") = token.kind {
                _ = try lexer.next(.expression, skipNewlines: newlinesAreSpace)
                try enter(token)
                defer { nesting -= 1 }
                let operand = try binary(level: 2)
                return .unary("not", operand, token.span.through(operand.span))
            }
        }
        var left = try binary(level: level + 1)
        var operands = 1
        while true {
            let token = try lexer.peek(.expression, skipNewlines: newlinesAreSpace)
            let op: String
            switch token.kind {
            case .symbol(let s), .identifier(let s): op = s
            default: return left
            }
            guard Parser.levels[level].contains(op) else {
                if op == "=" { throw .unexpected(token, expected: "an operator", hint: "compare with '=='; assign with 'name = value' at the start of a line") }
                if op == "!" { throw .unexpected(token, expected: "an operator", hint: "negate with 'not'") }
                return left
            }
            let operatorToken = try lexer.next(.expression, skipNewlines: newlinesAreSpace)
            operands += 1
            if operands > Parser.maximumOperands {
                throw .invalid("more than \(Parser.maximumOperands) operands in one expression", operatorToken.span)
            }
            let right = try binary(level: level + 1)
            left = .binary(op, left, right, left.span.through(right.span))
        }
    }

    private mutating func unary() throws(ParseError) -> Expr {
        let token = try lexer.peek(.expression, skipNewlines: newlinesAreSpace)
        if case .symbol("-") = token.kind {
            _ = try lexer.next(.expression, skipNewlines: newlinesAreSpace)
            try enter(token)
            defer { nesting -= 1 }
            let operand = try unary()
            return .unary("-", operand, token.span.through(operand.span))
        }
        let base = try primary()
        if case .symbol("**") = try lexer.peek(.expression, skipNewlines: newlinesAreSpace).kind {
            let power = try lexer.next(.expression, skipNewlines: newlinesAreSpace)
            try enter(power)
            defer { nesting -= 1 }
            let exponent = try unary()
            return .binary("**", base, exponent, base.span.through(exponent.span))
        }
        return base
    }

    private mutating func primary() throws(ParseError) -> Expr {
        let token = try lexer.next(.expression, skipNewlines: newlinesAreSpace)
        switch token.kind {
        case .number(let value): return .literal(value, token.span)
        case .variable(let name, let path): return .variable(name, path, token.span)
        case .string(let parts): return try string(parts, token.span)
        case .leftParen: return try postfix(try parenthesized(token))
        case .leftBracket: return try postfix(try list(token))
        case .leftBrace: return try record(token)
        case .identifier(let name):
            if let constant = Parser.constants[name] { return .literal(constant, token.span) }
            throw .invalid("bare word '\(name)' in an expression", token.span,
                           hint: "call commands in parentheses, e.g. (\(name) ...); quote strings, e.g. \"\(name)\"")
        case .eof: throw .unexpected(token, expected: "a value")
        default: throw .unexpected(token, expected: "a value")
        }
    }

    /// The `#` comment lines directly above a span's line, without the `#`.
    static func commentLines(above span: SourceSpan) -> String {
        var line = span.file.location(of: span.start).line - 1
        var lines: [String] = []
        while line >= 1 {
            let text = span.file.line(line).trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("#") else { break }
            lines.insert(String(text.dropFirst()).trimmingCharacters(in: .whitespaces), at: 0)
            line -= 1
        }
        return lines.joined(separator: "\n")
    }
}
