import Foundation
/// Usage lines, help text and the markdown reference, all derived from specs.
public enum Help {
    /// `tensor randn <shape> [--seed <int>]`.
    public static func usage(_ spec: CommandSpec) -> String {
        var parts = [spec.name]
        for argument in spec.arguments {
            let word = "<\(argument.name)>" + (argument.isVariadic ? "..." : "")
            parts.append(argument.isRequired ? word : "[\(word)]")
        }
        for option in spec.options {
            let word = option.isFlag ? "--[no-]\(option.name)" : "--\(option.name) \(option.kind.placeholder)"
            parts.append(option.isRequired ? word : "[\(word)]")
        }
        return parts.joined(separator: " ")
    }

    /// The full help of one command: abstract, usage, discussion, arguments, options, examples.
    public static func text(_ spec: CommandSpec) -> String {
        var lines = ["\(spec.name): \(spec.abstract)", "", "usage: \(usage(spec))"]
        if !spec.discussion.isEmpty { lines += ["", spec.discussion] }
        if !spec.arguments.isEmpty {
            lines += ["", "arguments:"]
            lines += table(spec.arguments.map { ("<\($0.name)> \($0.kind.placeholder)", describe($0.help, $0.defaultValue)) })
        }
        if !spec.options.isEmpty {
            lines += ["", "options:"]
            lines += table(spec.options.map { option in
                let short = option.short.map { "-\($0), " } ?? ""
                let flag = option.isFlag ? "--[no-]\(option.name)" : "--\(option.name) \(option.kind.placeholder)"
                return (short + flag, describe(option.help, option.defaultValue))
            })
        }
        if !spec.examples.isEmpty { lines += ["", "examples:"] + spec.examples.map { "  " + $0 } }
        return lines.joined(separator: "\n")
    }

    /// The commands under a prefix (a noun), one line each.
    public static func list(_ specs: [CommandSpec]) -> String {
        table(specs.map { ($0.name, $0.abstract) }).joined(separator: "\n")
    }

    /// Every command with its abstract, one aligned line each, sorted (so grouped by noun).
    public static func overview(_ registry: CommandRegistry) -> String {
        list(registry.all)
    }

    /// A markdown reference of every command: single-word commands first, then one section per noun.
    public static func markdown(_ registry: CommandRegistry) -> String {
        var out = "# Command reference\n\nGenerated from the command declarations (`rlr help --markdown`).\n"
        let all = registry.all
        let single = all.filter { $0.path.count == 1 }
        if !single.isEmpty { out += "\n## Single-word commands\n" + single.map(markdown).joined() }
        for noun in registry.nouns where !single.contains(where: { $0.path[0] == noun }) {
            out += "\n## \(noun)\n" + all.filter { $0.path[0] == noun }.map(markdown).joined()
        }
        return out
    }

    /// One command's markdown section.
    private static func markdown(_ spec: CommandSpec) -> String {
        var out = "\n### `\(spec.name)`\n\n\(spec.abstract)\n\n```\n\(usage(spec))\n```\n"
        if !spec.discussion.isEmpty { out += "\n\(spec.discussion)\n" }
        if !spec.arguments.isEmpty || !spec.options.isEmpty {
            out += "\n| argument | type | default | description |\n|---|---|---|---|\n"
            for a in spec.arguments {
                out += "| `<\(a.name)>`\(a.isVariadic ? "..." : "") | `\(a.kind.placeholder)` | \(defaultText(a.defaultValue)) | \(escape(a.help)) |\n"
            }
            for o in spec.options {
                let name = (o.short.map { "`-\($0)`, " } ?? "") + (o.isFlag ? "`--[no-]\(o.name)`" : "`--\(o.name)`")
                out += "| \(name) | `\(o.kind.placeholder)` | \(defaultText(o.defaultValue)) | \(escape(o.help)) |\n"
            }
        }
        if !spec.examples.isEmpty {
            out += "\nExamples:\n\n```\n" + spec.examples.joined(separator: "\n") + "\n```\n"
        }
        return out
    }

    private static func describe(_ help: String, _ defaultValue: Value?) -> String {
        switch defaultValue {
        case nil: help + " (required)"
        case .nil?: help
        case let value?: help + " (default: \(value.literal))"
        }
    }

    private static func defaultText(_ value: Value?) -> String {
        switch value {
        case nil: "required"
        case .nil?: ""
        case let value?: "`" + value.literal.replacingOccurrences(of: "|", with: "\\|") + "`"
        }
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "<", with: "&lt;")
    }

    /// Two aligned columns, indented.
    private static func table(_ rows: [(String, String)]) -> [String] {
        let width = min(rows.map(\.0.count).max() ?? 0, 36)
        return rows.map { left, right in
            let pad = left.count < width ? String(repeating: " ", count: width - left.count) : ""
            return "  \(left)\(pad)  \(right)"
        }
    }
}
