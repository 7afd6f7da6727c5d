/// One word given to a command: an option word as written (`--seed`, `-s`, `--seed=3`, `--`) or a value.
public enum Word: Sendable, Equatable {
    case option(String)
    case value(Value)

    /// Shell words: `--x`, `--x=v` and `-x` (a letter) are options, everything else a string value.
    public static func fromShell(_ words: [String]) -> [Word] {
        words.map { word in
            isOptionText(word) ? .option(word) : .value(.string(word))
        }
    }

    /// Whether the text looks like an option word (`-1` and `-` do not).
    public static func isOptionText(_ text: String) -> Bool {
        if text == "--" { return true }
        let chars = Array(text)
        if chars.count >= 3, chars[0] == "-", chars[1] == "-", chars[2].isLetter { return true }
        return chars.count == 2 && chars[0] == "-" && chars[1].isLetter
    }
}

/// A binding failure with the index of the word to blame (nil: the command as a whole).
public struct BindingError: Error, CustomStringConvertible {
    public let error: CommandError
    public let wordIndex: Int?
    public var description: String { error.description }
}

/// Binds words to a spec: options by name, positionals in order, kinds converted, defaults filled in.
public enum Binder {
    /// The checked invocation, or a `BindingError` naming the argument and the word at fault.
    public static func bind(_ spec: CommandSpec, words: [Word], context: CommandContext) throws(BindingError) -> Invocation {
        var values: [String: Value] = [:]
        var origins: [String: ArgumentOrigin] = [:]
        var positionals: [(Value, Int)] = []
        var index = 0
        var optionsEnded = false

        func fail(_ error: CommandError, at word: Int?) -> BindingError { BindingError(error: error, wordIndex: word) }

        while index < words.count {
            let position = index
            index += 1
            guard case .option(let text) = words[position], !optionsEnded else {
                if case .value(let v) = words[position] { positionals.append((v, position)) }
                else if case .option(let text) = words[position] { positionals.append((.string(text), position)) }
                continue
            }
            if text == "--" { optionsEnded = true; continue }
            let (option, inline, negated) = try resolve(text, in: spec, at: position)
            let label = "--\(option.name)"
            if values[option.name] != nil {
                throw fail(.badArgument(name: label, reason: "given more than once"), at: position)
            }
            let raw: Value
            if option.isFlag {
                raw = inline.map { .string($0) } ?? .bool(!negated)
            } else if let inline {
                raw = .string(inline)
            } else {
                guard index < words.count, case .value(let next) = words[index] else {
                    throw fail(.badArgument(name: label, reason: "expects a value \(option.kind.placeholder)"), at: position)
                }
                raw = next
                index += 1
            }
            let valuePosition = option.isFlag || inline != nil ? position : position + 1
            do { values[option.name] = try option.kind.coerce(raw) } catch {
                throw fail(.badArgument(name: label, reason: error.reason), at: valuePosition)
            }
            origins[option.name] = .word(valuePosition)
        }

        for (i, argument) in spec.arguments.enumerated() {
            if argument.isVariadic {
                let rest = positionals.dropFirst(i)
                var items: [Value] = []
                for (value, position) in rest {
                    do { items.append(try argument.kind.coerce(value)) } catch {
                        throw fail(.badArgument(name: argument.name, reason: error.reason), at: position)
                    }
                }
                values[argument.name] = .list(items)
                origins[argument.name] = rest.first.map { .word($0.1) } ?? .defaultValue
                positionals = Array(positionals.prefix(i))
                break
            }
            guard i < positionals.count else {
                guard let fallback = argument.defaultValue else {
                    throw fail(.missingArgument(command: spec.name, name: "<\(argument.name)>"), at: nil)
                }
                values[argument.name] = fallback
                origins[argument.name] = .defaultValue
                continue
            }
            let (value, position) = positionals[i]
            do { values[argument.name] = try argument.kind.coerce(value) } catch {
                throw fail(.badArgument(name: argument.name, reason: error.reason), at: position)
            }
            origins[argument.name] = .word(position)
        }
        if positionals.count > spec.arguments.count {
            let (extra, position) = positionals[spec.arguments.count]
            throw fail(.tooManyArguments(command: spec.name, expected: spec.arguments.count, extra: extra.description),
                       at: position)
        }

        for option in spec.options where values[option.name] == nil {
            guard let fallback = option.defaultValue else {
                throw fail(.missingArgument(command: spec.name, name: "--\(option.name) \(option.kind.placeholder)"), at: nil)
            }
            values[option.name] = fallback
            origins[option.name] = .defaultValue
        }
        return Invocation(spec: spec, values: values, origins: origins, context: context)
    }

    /// The option an option word names: (spec, inline `=value`, negated `--no-x`).
    private static func resolve(_ text: String, in spec: CommandSpec, at position: Int) throws(BindingError)
        -> (OptionSpec, String?, Bool) {
        if !text.hasPrefix("--") {
            if let short = text.dropFirst().first, let option = spec.option(short: short) { return (option, nil, false) }
        } else {
            let body = text.dropFirst(2)
            let name = String(body.prefix { $0 != "=" })
            let inline = body.contains("=") ? String(body.drop { $0 != "=" }.dropFirst()) : nil
            if let option = spec.option(named: name) { return (option, inline, false) }
            if name.hasPrefix("no-"), let option = spec.option(named: String(name.dropFirst(3))), option.isFlag, inline == nil {
                return (option, nil, true)
            }
        }
        let known = spec.options.map { "--\($0.name)" }
        let word = text.hasPrefix("--") ? String(text.prefix { $0 != "=" }) : text
        throw BindingError(error: .unknownOption(command: spec.name, name: word, suggestions: Suggestions.nearby(word, in: known)),
                           wordIndex: position)
    }
}
