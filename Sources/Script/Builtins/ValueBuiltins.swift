import Foundation
import Commands

extension Builtins {
    /// Reading and updating lists and records by computed keys, rounding, joining and splitting text.
    static let values: [CommandSpec] = [
        CommandSpec(
            path: ["get"], abstract: "An element of a list (index, negative from the end) or a field of a record or object.",
            arguments: [ArgumentSpec("value", .any, help: "A list, record, tensor or object."),
                        ArgumentSpec("key", .any, help: "An index for lists, a name otherwise.")],
            examples: ["get [10 20 30] -1", "get {a: 1} a"],
            run: { inv in
                let value = try inv.value("value"), key = try inv.value("key")
                guard let result = value.member(key.description) else {
                    let names = value.memberNames
                    throw CommandError.badArgument(name: "key", reason: "\(value.typeName) has no member '\(key.description)'"
                        + (names.isEmpty ? "" : "; it has " + names.joined(separator: ", ")))
                }
                return result
            }),
        CommandSpec(
            path: ["put"], abstract: "A copy of a list with one element replaced, or of a record with one field set.",
            arguments: [ArgumentSpec("value", .any, help: "A list or record."),
                        ArgumentSpec("key", .any, help: "An index for lists (negative from the end), a field name for records."),
                        ArgumentSpec("new", .any, help: "The new element or field value.")],
            examples: ["put [1 2 3] 0 9", "put {a: 1} b 2"],
            run: { inv in
                let key = try inv.value("key"), new = try inv.value("new")
                switch try inv.value("value") {
                case .record(var record):
                    record[key.description] = new
                    return .record(record)
                case .list(var list):
                    guard case .int(let i) = key, (-list.count..<list.count).contains(i) else {
                        throw CommandError.badArgument(name: "key", reason: "index \(key.literal) is outside a list of \(list.count)")
                    }
                    list[i < 0 ? list.count + i : i] = new
                    return .list(list)
                case let other:
                    throw CommandError.badArgument(name: "value", reason: "cannot put into \(other.typeName)")
                }
            }),
        CommandSpec(
            path: ["round"], abstract: "A number rounded to some decimal digits (to an int without digits).",
            arguments: [ArgumentSpec("number", .double, help: "The number."),
                        ArgumentSpec("digits", .int(0...15), default: .nil, help: "Decimal digits to keep.")],
            examples: ["round 3.14159 2", "round 2.5"],
            run: { inv in
                let number = try inv.double("number")
                guard inv.has("digits") else {
                    guard number.isFinite, abs(number) < 9e18 else { throw CommandError.badArgument(name: "number", reason: "\(number) has no integer value") }
                    return .int(Int(number.rounded()))
                }
                let scale = pow(10, Double(try inv.int("digits")))
                return .double((number * scale).rounded() / scale)
            }),
        CommandSpec(
            path: ["join"], abstract: "The items of a list as text, separated.",
            arguments: [ArgumentSpec("items", .list(.any), help: "The items."),
                        ArgumentSpec("separator", .string, default: .string(" "), help: "Text between items.")],
            examples: ["join [a b c] \", \""],
            run: { inv in .string(try inv.list("items").map(\.description).joined(separator: try inv.string("separator"))) }),
        CommandSpec(
            path: ["split"], abstract: "Text cut at a separator (whitespace runs by default) into a list of strings.",
            arguments: [ArgumentSpec("text", .string, help: "The text."),
                        ArgumentSpec("separator", .string, default: .nil, help: "The separator; whitespace when absent.")],
            examples: ["split \"washer/test/stain\" /"],
            run: { inv in
                let text = try inv.string("text")
                guard inv.has("separator") else { return .list(text.split(whereSeparator: \.isWhitespace).map { .string(String($0)) }) }
                let separator = try inv.string("separator")
                guard !separator.isEmpty else { throw CommandError.badArgument(name: "separator", reason: "must not be empty") }
                return .list(text.components(separatedBy: separator).map { .string($0) })
            }),
    ]
}
