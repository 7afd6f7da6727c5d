import Foundation
import Synchronization

/// The set of known commands. Registration validates every declaration first and adds all or nothing.
public final class CommandRegistry: Sendable {
    private struct Entry: Sendable {
        var spec: CommandSpec
        var library: String
    }
    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    /// Adds a library's commands; throws `CommandError.invalidSpec` naming the library and command at fault.
    public func register(_ specs: [CommandSpec], library: String) throws {
        try entries.withLock { table in
            var added: [String: Entry] = [:]
            for spec in specs {
                try Self.validate(spec, library: library)
                if let existing = table[spec.name] ?? added[spec.name] {
                    throw CommandError.invalidSpec(library: library, command: spec.name,
                                                   reason: "already declared by library '\(existing.library)'")
                }
                added[spec.name] = Entry(spec: spec, library: library)
            }
            let all = (Array(table.keys) + Array(added.keys)).sorted()
            for name in added.keys.sorted() {
                if let longer = all.first(where: { $0.hasPrefix(name + " ") }) {
                    throw CommandError.invalidSpec(library: library, command: name,
                                                   reason: "is a prefix of command '\(longer)'; a noun cannot also be a command")
                }
                if let shorter = all.first(where: { name.hasPrefix($0 + " ") }) {
                    throw CommandError.invalidSpec(library: library, command: name,
                                                   reason: "extends command '\(shorter)'; a command cannot also be a noun")
                }
            }
            table.merge(added) { $1 }
        }
    }

    /// The command with exactly this path.
    public func lookup(_ path: [String]) -> CommandSpec? {
        entries.withLock { $0[path.joined(separator: " ")]?.spec }
    }

    /// The command named by the longest prefix of `words`, with the number of words its path uses.
    public func resolve(_ words: [String]) -> (spec: CommandSpec, consumed: Int)? {
        entries.withLock { table in
            for length in stride(from: min(words.count, 4), through: 1, by: -1) {
                if let entry = table[words.prefix(length).joined(separator: " ")] { return (entry.spec, length) }
            }
            return nil
        }
    }

    /// Whether some command starts with these words (a noun, or a noun and a verb prefix).
    public func isPrefix(_ words: [String]) -> Bool {
        let prefix = words.joined(separator: " ") + " "
        return entries.withLock { $0.keys.contains { $0.hasPrefix(prefix) } }
    }

    /// Every command, sorted by path.
    public var all: [CommandSpec] {
        entries.withLock { $0.values.map(\.spec) }.sorted { $0.name < $1.name }
    }

    /// The first words of all commands, sorted.
    public var nouns: [String] { Array(Set(all.map { $0.path[0] })).sorted() }

    /// The commands whose path starts with `prefix`.
    public func commands(under prefix: [String]) -> [CommandSpec] {
        all.filter { $0.path.starts(with: prefix) && $0.path.count > prefix.count }
    }

    /// The library that declared a command.
    public func library(of path: [String]) -> String? {
        entries.withLock { $0[path.joined(separator: " ")]?.library }
    }

    /// The error for words that name no command, with the nearest names.
    public func unknown(_ words: [String]) -> CommandError {
        let known = commands(under: Array(words.prefix(1)))
        if !known.isEmpty, words.count > 1 {
            let verbs = known.map { $0.path[1] }
            let nearest = Suggestions.nearby(words[1], in: verbs).map { "\(words[0]) \($0)" }
            return .unknownCommand(words: Array(words.prefix(2)), suggestions: nearest)
        }
        if !known.isEmpty {
            return .missingVerb(noun: words[0], verbs: known.map { $0.path[1] })
        }
        let names = nouns
        return .unknownCommand(words: Array(words.prefix(1)), suggestions: Suggestions.nearby(words.first ?? "", in: names))
    }

    private static func validate(_ spec: CommandSpec, library: String) throws {
        func reject(_ reason: String) -> CommandError { .invalidSpec(library: library, command: spec.name, reason: reason) }
        guard !spec.path.isEmpty, spec.path.allSatisfy(isKebabCase) else {
            throw reject("path words must be lowercase kebab-case (a-z, 0-9, '-')")
        }
        if spec.abstract.trimmingCharacters(in: .whitespaces).isEmpty { throw reject("empty abstract") }
        var names = Set<String>()
        var sawOptional = false
        for (i, argument) in spec.arguments.enumerated() {
            guard !argument.name.isEmpty, names.insert(argument.name).inserted else {
                throw reject("duplicate or empty argument name '\(argument.name)'")
            }
            if argument.help.trimmingCharacters(in: .whitespaces).isEmpty { throw reject("argument <\(argument.name)> has no help") }
            if argument.isVariadic && i != spec.arguments.count - 1 { throw reject("variadic <\(argument.name)> must be last") }
            if argument.isRequired && sawOptional { throw reject("required <\(argument.name)> follows an optional argument") }
            sawOptional = sawOptional || !argument.isRequired
            try checkDefault(argument.defaultValue, argument.kind, "<\(argument.name)>", reject)
        }
        var shorts = Set<Character>()
        for option in spec.options {
            guard isKebabCase(option.name) else { throw reject("option name '\(option.name)' must be kebab-case") }
            guard names.insert(option.name).inserted else { throw reject("duplicate name '\(option.name)'") }
            if let short = option.short, !shorts.insert(short).inserted { throw reject("duplicate short option -\(short)") }
            if option.help.trimmingCharacters(in: .whitespaces).isEmpty { throw reject("option --\(option.name) has no help") }
            if option.isFlag && option.defaultValue == nil { throw reject("flag --\(option.name) needs a default") }
            try checkDefault(option.defaultValue, option.kind, "--\(option.name)", reject)
        }
        for option in spec.options where option.isFlag && names.contains("no-" + option.name) {
            throw reject("option --no-\(option.name) conflicts with the negation of flag --\(option.name)")
        }
    }

    private static func checkDefault(_ value: Value?, _ kind: ValueKind, _ label: String,
                                     _ reject: (String) -> CommandError) throws {
        guard let value, value != .nil else { return }
        do { _ = try kind.coerce(value) } catch { throw reject("default of \(label): \(error.reason)") }
    }

    private static func isKebabCase(_ word: String) -> Bool {
        guard let first = word.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return word.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
