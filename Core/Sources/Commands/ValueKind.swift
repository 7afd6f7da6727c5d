import Foundation
import Tensors

/// The type of an argument or option; the binder converts and checks words against it.
public indirect enum ValueKind: Sendable, Equatable {
    /// An integer, optionally limited to a closed range.
    case int(ClosedRange<Int>? = nil)
    /// A number (ints are accepted), optionally limited to a closed range.
    case double(ClosedRange<Double>? = nil)
    case string
    /// A file system path; `~` is expanded.
    case path
    /// A tensor; from the shell, a path to a `.npy` file or a number.
    case tensor
    /// A flag: `--x` / `--no-x` as an option.
    case bool
    /// One of a fixed set of words.
    case choice([String])
    /// A list whose elements have the given kind; from the shell, comma separated (`2,3,224`).
    case list(ValueKind)
    /// A domain object of the named `ScriptObject.typeName` ("dataset", "model" …).
    case object(String)
    /// Any value, unchecked.
    case any

    public static let int: ValueKind = .int(nil)
    public static let double: ValueKind = .double(nil)
    /// An integer of at least `range.lowerBound`: `.int(1...)`.
    public static func int(_ range: PartialRangeFrom<Int>) -> ValueKind { .int(range.lowerBound...Int.max) }
    /// A number of at least `range.lowerBound`: `.double(0...)`.
    public static func double(_ range: PartialRangeFrom<Double>) -> ValueKind { .double(range.lowerBound...Double.infinity) }

    /// A short placeholder for usage lines: `<int>`, `<mean|max>`, `<path>`.
    public var placeholder: String {
        switch self {
        case .int(let r?): "<int \(r.lowerBound)...\(r.upperBound == Int.max ? "" : String(r.upperBound))>"
        case .double(let r?): "<number \(Value.format(r.lowerBound))...\(r.upperBound == .infinity ? "" : Value.format(r.upperBound))>"
        case .int: "<int>"
        case .double: "<number>"
        case .string: "<string>"
        case .path: "<path>"
        case .tensor: "<tensor>"
        case .bool: "<bool>"
        case .choice(let words): "<" + words.joined(separator: "|") + ">"
        case .list(let element): "<list of \(element.placeholder.dropFirst().dropLast())>"
        case .object(let name): "<\(name)>"
        case .any: "<value>"
        }
    }

    /// Converts `value` to this kind, or throws a reason (without the argument name) saying why not.
    ///
    /// Strings (shell words) are parsed for numeric, bool, list and tensor kinds, so the shell form and
    /// the language share one conversion.
    public func coerce(_ value: Value) throws(KindMismatch) -> Value {
        switch (self, value) {
        case (.any, _): return value
        case (.int(let range), .int(let i)):
            try check(i, in: range)
            return .int(i)
        case (.int(let range), .double(let d)) where d.rounded() == d && abs(d) < 1e18:
            try check(Int(d), in: range)
            return .int(Int(d))
        case (.int, .string(let s)):
            guard let i = Int(s.trimmingCharacters(in: .whitespaces)) else { throw KindMismatch("expected an integer, got '\(s)'") }
            return try coerce(.int(i))
        case (.double(let range), _) where value.number != nil:
            let d = value.number!
            if let range, !range.contains(d) {
                let upper = range.upperBound == .infinity ? "" : Value.format(range.upperBound)
                throw KindMismatch("\(Value.format(d)) is outside \(Value.format(range.lowerBound))...\(upper)")
            }
            return .double(d)
        case (.double, .string(let s)):
            guard let d = Double(s.trimmingCharacters(in: .whitespaces)) else { throw KindMismatch("expected a number, got '\(s)'") }
            return try coerce(.double(d))
        case (.string, .string), (.string, .int), (.string, .double), (.string, .bool):
            return .string(value.description)
        case (.path, .string(let s)):
            guard !s.isEmpty else { throw KindMismatch("expected a path, got an empty string") }
            return .string(ValueKind.expandTilde(s))
        case (.bool, .bool): return value
        case (.bool, .string(let s)):
            switch s.lowercased() {
            case "true", "yes", "on", "1": return .bool(true)
            case "false", "no", "off", "0": return .bool(false)
            default: throw KindMismatch("expected true or false, got '\(s)'")
            }
        case (.bool, .int(let i)) where i == 0 || i == 1: return .bool(i == 1)
        case (.choice(let words), .string(let s)):
            guard words.contains(s) else {
                let hint = Suggestions.nearest(to: s, in: words).map { " (did you mean '\($0)'?)" } ?? ""
                throw KindMismatch("expected one of \(words.joined(separator: ", ")), got '\(s)'\(hint)")
            }
            return value
        case (.tensor, .tensor): return value
        case (.tensor, _) where value.number != nil:
            return .tensor(Tensor(Float(value.number!)))
        case (.tensor, .list(let items)):
            return .tensor(try ValueKind.tensor(fromNested: items))
        case (.tensor, .string(let s)):
            if let d = Double(s) { return .tensor(Tensor(Float(d))) }
            guard s.hasSuffix(".npy") else { throw KindMismatch("expected a tensor or a .npy file, got '\(s)'") }
            do { return .tensor(try NPY.read(ValueKind.expandTilde(s))) } catch {
                throw KindMismatch("\(error)")
            }
        case (.list(let element), .list(let items)):
            var out: [Value] = []
            for (i, item) in items.enumerated() {
                do { out.append(try element.coerce(item)) } catch { throw KindMismatch("element \(i): \(error.reason)") }
            }
            return .list(out)
        case (.list, .string(let s)):
            let parts = s.split(separator: ",", omittingEmptySubsequences: false).map { Value.string(String($0)) }
            return try coerce(.list(s.isEmpty ? [] : parts))
        case (.list(let element), _) where element.accepts(value):
            return .list([try element.coerce(value)])
        case (.object(let name), .object(let object)) where object.typeName == name:
            return value
        default:
            throw KindMismatch("expected \(article) \(noun), got \(value.typeName) \(value.literal.prefix(40))")
        }
    }

    /// Whether `coerce` would succeed without changing the value's type family.
    func accepts(_ value: Value) -> Bool {
        switch (self, value) {
        case (.int, .int), (.double, .int), (.double, .double), (.string, .string), (.path, .string),
             (.tensor, .tensor), (.bool, .bool), (.choice, .string): true
        case (.object(let name), .object(let o)): o.typeName == name
        default: false
        }
    }

    /// The noun used in "expected a ..." messages.
    public var noun: String {
        switch self {
        case .int: "integer"
        case .double: "number"
        case .string: "string"
        case .path: "path"
        case .tensor: "tensor"
        case .bool: "bool"
        case .choice: "choice"
        case .list: "list"
        case .object(let name): name
        case .any: "value"
        }
    }

    private var article: String { "aeiou".contains(noun.first!) ? "an" : "a" }

    private func check(_ i: Int, in range: ClosedRange<Int>?) throws(KindMismatch) {
        if let range, !range.contains(i) {
            let upper = range.upperBound == Int.max ? "" : String(range.upperBound)
            throw KindMismatch("\(i) is outside \(range.lowerBound)...\(upper)")
        }
    }

    /// `~` and `~/x` expanded to the home folder.
    public static func expandTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return NSHomeDirectory() + path.dropFirst()
    }

    /// A tensor from nested lists of numbers: `[[1 2] [3 4]]` -> shape [2, 2].
    static func tensor(fromNested items: [Value]) throws(KindMismatch) -> Tensor {
        var shape: [Int] = []
        var level: [Value] = items
        while true {
            shape.append(level.count)
            guard case .list(let inner)? = level.first else { break }
            level = inner
        }
        var data: [Float] = []
        func flatten(_ value: Value, depth: Int) throws(KindMismatch) {
            if depth == shape.count {
                guard let n = value.number else { throw KindMismatch("expected numbers in a tensor literal, got \(value.typeName)") }
                data.append(Float(n))
                return
            }
            guard case .list(let l) = value, l.count == shape[depth] else {
                throw KindMismatch("ragged nested list: expected \(shape[depth]) elements at depth \(depth + 1)")
            }
            for item in l { try flatten(item, depth: depth + 1) }
        }
        try flatten(.list(items), depth: 0)
        return Tensor(shape: shape, data: data)
    }
}

/// Why a value does not fit a `ValueKind` (the binder adds the argument's name).
public struct KindMismatch: Error, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
