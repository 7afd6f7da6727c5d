import Commands
/// Turns source bytes into tokens on demand; the parser chooses the mode for each token.
///
/// In `.words` mode (command lines, list elements, record values) a run of non-special characters is one
/// word (`data/x.png`, `--seed`, `2.5`); in `.expression` mode operators and identifiers are separate.
struct Lexer {
    /// `.words`: command lines, where `a,b` is one word (shell style lists); `.elements`: list and record
    /// items, where commas separate; `.expression`: operators and identifiers.
    enum Mode { case words, elements, expression }

    let file: SourceFile
    private(set) var position: Int
    let limit: Int

    init(file: SourceFile, range: Range<Int>? = nil) {
        self.file = file
        self.position = range?.lowerBound ?? 0
        self.limit = range?.upperBound ?? file.bytes.count
    }

    private var bytes: [UInt8] { file.bytes }

    private func byte(_ offset: Int = 0) -> UInt8? {
        let i = position + offset
        return i < limit ? bytes[i] : nil
    }

    /// The next token, consuming it.
    mutating func next(_ mode: Mode, skipNewlines: Bool = false) throws(ParseError) -> Token {
        try skipTrivia(skipNewlines: skipNewlines)
        let start = position
        guard let c = byte() else { return token(.eof, from: start) }
        switch c {
        case UInt8(ascii: "\n"), UInt8(ascii: ";"):
            position += 1
            return token(.end, from: start)
        case UInt8(ascii: "("): position += 1; return token(.leftParen, from: start)
        case UInt8(ascii: ")"): position += 1; return token(.rightParen, from: start)
        case UInt8(ascii: "["): position += 1; return token(.leftBracket, from: start)
        case UInt8(ascii: "]"): position += 1; return token(.rightBracket, from: start)
        case UInt8(ascii: "{"): position += 1; return token(.leftBrace, from: start)
        case UInt8(ascii: "}"): position += 1; return token(.rightBrace, from: start)
        case UInt8(ascii: ","): position += 1; return token(.comma, from: start)
        case UInt8(ascii: "\""): return try doubleQuoted()
        case UInt8(ascii: "'"): return try singleQuoted()
        case UInt8(ascii: "$"): return try variable()
        default:
            return mode == .expression ? try expressionToken() : try word(joinsCommas: mode == .words)
        }
    }

    /// The next token without consuming it.
    func peek(_ mode: Mode, skipNewlines: Bool = false) throws(ParseError) -> Token {
        var copy = self
        return try copy.next(mode, skipNewlines: skipNewlines)
    }

    /// `.name` immediately after the previous token (no space), consumed; nil when absent.
    mutating func member() -> Token? {
        guard byte() == UInt8(ascii: "."), let next = byte(1), Lexer.isNameByte(next) else { return nil }
        let start = position
        position += 1
        while let b = byte(), Lexer.isNameByte(b) { position += 1 }
        return token(.member(file.text(in: start + 1..<position)), from: start)
    }

    /// Whether the next non-blank character on this line is a letter or `_` (a command name follows).
    func startsWithName(skipNewlines: Bool) -> Bool {
        var copy = self
        try? copy.skipTrivia(skipNewlines: skipNewlines)
        guard let b = copy.byte() else { return false }
        return Lexer.isLetter(b)
    }

    // MARK: trivia

    private mutating func skipTrivia(skipNewlines: Bool) throws(ParseError) {
        while let c = byte() {
            if Lexer.isSpace(c) {
                position += 1
            } else if c == UInt8(ascii: "\\"), byte(1) == UInt8(ascii: "\n") || (byte(1) == UInt8(ascii: "\r") && byte(2) == UInt8(ascii: "\n")) {
                position += byte(1) == UInt8(ascii: "\n") ? 2 : 3
            } else if c == UInt8(ascii: "\\"), byte(1) == nil {
                throw .unexpectedEnd(opened: token(.symbol("\\"), from: position, to: position + 1), expected: "a continuation line")
            } else if c == UInt8(ascii: "#") {
                while let b = byte(), b != UInt8(ascii: "\n") { position += 1 }
            } else if skipNewlines && c == UInt8(ascii: "\n") {
                position += 1
            } else {
                return
            }
        }
    }

    // MARK: words and expressions

    private mutating func word(joinsCommas: Bool) throws(ParseError) -> Token {
        let start = position
        while let b = byte() {
            if Lexer.isWordByte(b) || (joinsCommas && b == UInt8(ascii: ",") && position > start && byte(1).map(Lexer.isWordByte) == true) {
                position += 1
            } else {
                break
            }
        }
        if position == start {
            position += 1
            throw .invalid("unexpected character '\(file.text(in: start..<start + 1))'", span(from: start))
        }
        let text = file.text(in: start..<position)
        if let number = Lexer.number(text) { return token(.number(number), from: start) }
        if Lexer.looksLikeOption(text) { return token(.option(text), from: start) }
        return token(.word(text), from: start)
    }

    private mutating func expressionToken() throws(ParseError) -> Token {
        let start = position
        let c = byte()!
        if Lexer.isDigit(c) || (c == UInt8(ascii: ".") && byte(1).map(Lexer.isDigit) == true) {
            while let b = byte(), Lexer.isDigit(b) || b == UInt8(ascii: ".") { position += 1 }
            if let e = byte(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
                let sign = byte(1) == UInt8(ascii: "-") || byte(1) == UInt8(ascii: "+") ? 1 : 0
                if let d = byte(1 + sign), Lexer.isDigit(d) {
                    position += 1 + sign
                    while let b = byte(), Lexer.isDigit(b) { position += 1 }
                }
            }
            let text = file.text(in: start..<position)
            guard let number = Lexer.number(text) else { throw .invalid("malformed number '\(text)'", span(from: start)) }
            return token(.number(number), from: start)
        }
        if Lexer.isLetter(c) {
            while let b = byte(), Lexer.isNameByte(b) { position += 1 }
            return token(.identifier(file.text(in: start..<position)), from: start)
        }
        for symbol in ["**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "<", ">", "!", "="] {
            let utf8 = Array(symbol.utf8)
            if (0..<utf8.count).allSatisfy({ byte($0) == utf8[$0] }) {
                position += utf8.count
                return token(.symbol(symbol), from: start)
            }
        }
        position += 1
        throw .invalid("unexpected character '\(file.text(in: start..<start + 1))' in an expression", span(from: start))
    }

    // MARK: variables and strings

    /// `$name`, `$name.field.0` (fields only when `dotted`: not inside strings) or `${name.field}`.
    private mutating func variable(dotted: Bool = true) throws(ParseError) -> Token {
        let start = position
        position += 1
        if byte() == UInt8(ascii: "{") {
            position += 1
            let inner = position
            while let b = byte(), b != UInt8(ascii: "}"), b != UInt8(ascii: "\n") { position += 1 }
            guard byte() == UInt8(ascii: "}") else {
                throw .invalid("'${' needs a closing '}' on the same line", span(from: start))
            }
            let path = file.text(in: inner..<position).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            position += 1
            guard let name = path.first, Lexer.isName(name), path.dropFirst().allSatisfy({ !$0.isEmpty }) else {
                throw .invalid("malformed variable reference", span(from: start))
            }
            return token(.variable(name, Array(path.dropFirst())), from: start)
        }
        guard let b = byte(), Lexer.isLetter(b) else {
            throw .invalid("'$' must be followed by a variable name", span(from: start), hint: "write a literal dollar sign as '\\$' or in single quotes")
        }
        while let b = byte(), Lexer.isNameByte(b) { position += 1 }
        let name = file.text(in: start + 1..<position)
        var path: [String] = []
        while dotted, byte() == UInt8(ascii: "."), let next = byte(1), Lexer.isNameByte(next) {
            let fieldStart = position + 1
            position += 1
            while let b = byte(), Lexer.isNameByte(b) { position += 1 }
            path.append(file.text(in: fieldStart..<position))
        }
        return token(.variable(name, path), from: start)
    }

    private mutating func singleQuoted() throws(ParseError) -> Token {
        let start = position
        position += 1
        while let b = byte(), b != UInt8(ascii: "'") { position += 1 }
        guard byte() != nil else {
            throw .unexpectedEnd(opened: token(.symbol("'"), from: start, to: start + 1), expected: "a closing '")
        }
        position += 1
        return token(.string([.text(file.text(in: start + 1..<position - 1))]), from: start)
    }

    private mutating func doubleQuoted() throws(ParseError) -> Token {
        let start = position
        let opener = token(.symbol("\""), from: start, to: start + 1)
        position += 1
        var parts: [StringPart] = []
        var text: [UInt8] = []
        func flush() {
            if !text.isEmpty { parts.append(.text(String(decoding: text, as: UTF8.self))) }
            text = []
        }
        while true {
            guard let b = byte() else { throw .unexpectedEnd(opened: opener, expected: "a closing \"") }
            switch b {
            case UInt8(ascii: "\""):
                position += 1
                flush()
                return token(.string(parts), from: start)
            case UInt8(ascii: "\\"):
                guard let e = byte(1) else { throw .unexpectedEnd(opened: opener, expected: "a closing \"") }
                let escapes: [UInt8: UInt8] = [UInt8(ascii: "n"): 10, UInt8(ascii: "t"): 9, UInt8(ascii: "r"): 13,
                                               UInt8(ascii: "\\"): 92, UInt8(ascii: "\""): 34, UInt8(ascii: "$"): 36,
                                               UInt8(ascii: "e"): 27, UInt8(ascii: "0"): 0]
                guard let replacement = escapes[e] else {
                    throw .invalid("unknown escape '\\\(file.text(in: position + 1..<position + 2))'",
                                   SourceSpan(file: file, start: position, end: position + 2), hint: "known escapes: \\n \\t \\r \\e \\0 \\\\ \\\" \\$")
                }
                text.append(replacement)
                position += 2
            case UInt8(ascii: "$") where byte(1) == UInt8(ascii: "("):
                flush()
                let codeStart = position + 2
                position += 2
                try skipBalanced(opener: token(.leftParen, from: codeStart - 1, to: codeStart))
                parts.append(.code(codeStart - 1..<position))
            case UInt8(ascii: "$"):
                flush()
                let refStart = position
                guard case .variable(let name, let path) = try variable(dotted: false).kind else { continue }
                parts.append(.variable(name, path, refStart..<position))
            default:
                text.append(b)
                position += 1
            }
        }
    }

    /// Skips to just after the parenthesis matching an already consumed `(`, stepping over strings.
    private mutating func skipBalanced(opener: Token) throws(ParseError) {
        var depth = 1
        while let b = byte() {
            switch b {
            case UInt8(ascii: "("): depth += 1
            case UInt8(ascii: ")"):
                depth -= 1
                if depth == 0 { position += 1; return }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                position += 1
                while let s = byte(), s != b {
                    position += s == UInt8(ascii: "\\") && b == UInt8(ascii: "\"") ? 2 : 1
                }
            default: break
            }
            position += 1
        }
        throw .unexpectedEnd(opened: opener, expected: "a closing ')'")
    }

    // MARK: helpers

    private func span(from start: Int) -> SourceSpan { SourceSpan(file: file, start: start, end: max(position, start + 1)) }

    private func token(_ kind: Token.Kind, from start: Int, to end: Int? = nil) -> Token {
        Token(kind: kind, span: SourceSpan(file: file, start: start, end: end ?? position))
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 13 }
    static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    static func isLetter(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95 || b >= 128 }
    static func isNameByte(_ b: UInt8) -> Bool { isLetter(b) || isDigit(b) }
    static func isName(_ s: String) -> Bool {
        guard let first = s.utf8.first, isLetter(first) else { return false }
        return s.utf8.allSatisfy(isNameByte)
    }

    /// Characters that end a bare word.
    static func isWordByte(_ b: UInt8) -> Bool {
        !(isSpace(b) || b == 10 || "()[]{}\"';#$,".utf8.contains(b))
    }

    /// `--x`, `--x=1`, `-x` (a letter after one dash).
    static func looksLikeOption(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count >= 2, b[0] == UInt8(ascii: "-") else { return false }
        if b[1] == UInt8(ascii: "-") { return b.count >= 3 && isLetter(b[2]) }
        return isLetter(b[1])
    }

    /// An int or double literal (`3`, `-2`, `0.5`, `.5`, `1e-3`), or nil.
    static func number(_ text: String) -> Value? {
        let b = Array(text.utf8)
        var i = 0
        if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
        guard i < b.count, isDigit(b[i]) || (b[i] == UInt8(ascii: ".") && i + 1 < b.count && isDigit(b[i + 1])) else { return nil }
        guard b[i...].allSatisfy({ isDigit($0) || "+-.eE".utf8.contains($0) }) else { return nil }
        if let int = Int(text) { return .int(int) }
        if let double = Double(text) { return .double(double) }
        return nil
    }
}
