import Foundation
import Commands

/// Completion candidates for the word under the cursor, derived from the specs, variables and files.
public struct Completer {
    let interpreter: Interpreter

    public init(interpreter: Interpreter) { self.interpreter = interpreter }

    /// Characters that separate words for completion (readline's word break characters).
    public static let wordBreaks = " \t\n([{;"

    /// Full replacement words for the partial word that ends `line` (the text before the cursor).
    public func candidates(line: String) -> [String] {
        let segment = Completer.currentCommand(line)
        var words = Completer.split(segment)
        let endsWithBreak = segment.last.map { Completer.wordBreaks.contains($0) } ?? true
        let partial = endsWithBreak ? "" : (words.popLast() ?? "")
        if partial.hasPrefix("$") {
            return partial.contains(".") ? members(partial) : variables(of: nil).map { "$" + $0 }.filter { $0.hasPrefix(partial) }
        }
        guard let first = words.first else {
            return (commandHeads() + ["if", "while", "for", "proc", "try"]).filter { $0.hasPrefix(partial) }.sorted()
        }
        if words.count == 1, words[0] != "help", interpreter.registry.isPrefix([first]) {
            return interpreter.registry.commands(under: [first]).map { $0.path[1] }.filter { $0.hasPrefix(partial) }
        }
        if first == "help" {
            if words.count == 1 { return commandHeads().filter { $0.hasPrefix(partial) } }
            return interpreter.registry.commands(under: [words[1]]).map { $0.path[1] }.filter { $0.hasPrefix(partial) }
        }
        guard let spec = spec(for: words) else { return [] }
        let consumed = spec.path.count
        if partial.hasPrefix("-") {
            return spec.options.flatMap { $0.isFlag ? ["--\($0.name)", "--no-\($0.name)"] : ["--\($0.name)"] }
                .filter { $0.hasPrefix(partial) }
        }
        var positional = 0
        var index = consumed
        while index < words.count {
            let word = words[index]
            index += 1
            guard Word.isOptionText(word) else { positional += 1; continue }
            let name = String(word.drop { $0 == "-" })
            guard let option = spec.option(named: name) ?? word.dropFirst().first.flatMap(spec.option(short:)), !option.isFlag,
                  !word.contains("=") else { continue }
            if index == words.count { return values(option.completion.resolved(for: option.kind), partial: partial) }
            index += 1
        }
        let arguments = spec.arguments
        guard !arguments.isEmpty else { return [] }
        let argument = positional < arguments.count ? arguments[positional] : arguments[arguments.count - 1]
        guard positional < arguments.count || argument.isVariadic else { return [] }
        return values(argument.completion.resolved(for: argument.kind), partial: partial)
    }

    private func commandHeads() -> [String] {
        Array(Set(interpreter.registry.nouns + interpreter.procedures.map(\.name))).sorted()
    }

    private func spec(for words: [String]) -> CommandSpec? {
        if let procedure = interpreter.procedures.first(where: { $0.name == words[0] }) { return procedure }
        return interpreter.registry.resolve(words)?.spec
    }

    /// `$record.fi` -> `$record.field`: the members of the value before the last dot.
    private func members(_ partial: String) -> [String] {
        var path = partial.dropFirst().split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let stem = path.removeLast()
        guard var value = interpreter.variable(path.removeFirst()) else { return [] }
        for field in path {
            guard let next = value.member(field) else { return [] }
            value = next
        }
        let prefix = String(partial.dropLast(stem.count))
        return value.memberNames.filter { $0.hasPrefix(stem) }.map { prefix + $0 }
    }

    private func variables(of kind: String?) -> [String] {
        interpreter.variableNames.filter { name in
            kind == nil || interpreter.variable(name)?.typeName == kind
        }
    }

    private func values(_ completion: Completion, partial: String) -> [String] {
        switch completion {
        case .words(let words): return words.filter { $0.hasPrefix(partial) }
        case .variables(let kind): return variables(of: kind).map { "$" + $0 }.filter { $0.hasPrefix(partial) }
        case .files(let extensions): return Completer.files(partial, extensions: extensions, directoriesOnly: false)
        case .directories: return Completer.files(partial, extensions: [], directoriesOnly: true)
        case .automatic, .none: return []
        }
    }

    /// Paths starting with `partial`: folders end in '/', files are filtered by extension.
    static func files(_ partial: String, extensions: [String], directoriesOnly: Bool) -> [String] {
        let expanded = ValueKind.expandTilde(partial)
        let slash = expanded.lastIndex(of: "/")
        let folder = slash.map { String(expanded[...$0]) } ?? ""
        let stem = slash.map { String(expanded[expanded.index(after: $0)...]) } ?? expanded
        let shownFolder = partial.lastIndex(of: "/").map { String(partial[...$0]) } ?? ""
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder) else { return [] }
        return entries.filter { $0.hasPrefix(stem) && ($0.hasPrefix(".") == stem.hasPrefix(".")) }.sorted().compactMap { name in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: folder + name, isDirectory: &isDirectory)
            if isDirectory.boolValue { return shownFolder + name + "/" }
            if directoriesOnly { return nil }
            let ext = (name as NSString).pathExtension
            return extensions.isEmpty || extensions.contains(ext) ? shownFolder + name : nil
        }
    }

    /// The text after the last unclosed `(`, `;`, `{` or `[` or an assignment's `=`: the command being typed.
    static func currentCommand(_ line: String) -> Substring {
        var start = line.startIndex
        var stack: [String.Index] = []
        var quote: Character?
        for index in line.indices {
            let c = line[index]
            if let q = quote { if c == q { quote = nil }; continue }
            switch c {
            case "\"", "'": quote = c
            case "(", "{", "[": stack.append(line.index(after: index))
            case ")", "}", "]": _ = stack.popLast()
            case ";": start = line.index(after: index)
            default: break
            }
        }
        var segment = line[(stack.last.map { max($0, start) } ?? start)...]
        if let equals = segment.range(of: " = ") { segment = segment[equals.upperBound...] }
        return segment
    }

    /// Whitespace-separated words (quotes kept together).
    static func split(_ text: Substring) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        for c in text {
            if let q = quote {
                current.append(c)
                if c == q { quote = nil }
            } else if c == " " || c == "\t" {
                if !current.isEmpty { words.append(current); current = "" }
            } else {
                if c == "\"" || c == "'" { quote = c }
                current.append(c)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
