import Foundation
import Tensors

extension Value: CustomStringConvertible {
    /// The text `print` shows: strings bare, everything else as `literal`.
    public var description: String {
        if case .string(let s) = self { return s }
        return literal
    }

    /// Source-like text: strings quoted, lists `[1 2 3]`, records `{a: 1, b: "x"}`.
    public var literal: String { literal(listLimit: nil) }

    /// What the prompt and the shell form echo: `literal`, with lists longer than 20 items cut to
    /// their first 10 and a count (`model predict` on a folder returns thousands of records).
    public var echoed: String { literal(listLimit: 20) }

    private func literal(listLimit: Int?) -> String {
        switch self {
        case .nil: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return Value.format(d)
        case .string(let s): return Value.quote(s)
        case .list(let l):
            guard let listLimit, l.count > listLimit else { return "[" + l.map { $0.literal(listLimit: listLimit) }.joined(separator: " ") + "]" }
            let shown = l.prefix(listLimit / 2).map { $0.literal(listLimit: listLimit) }
            return "[" + shown.joined(separator: " ") + " … (\(l.count - shown.count) more, \(l.count) items)]"
        case .record(let r): return "{" + r.fields.map { "\($0.name): \($0.value.literal(listLimit: listLimit))" }.joined(separator: ", ") + "}"
        case .tensor(let t): return Value.summary(of: t)
        case .object(let o): return "<\(o.typeName) \(o.summary)>"
        }
    }

    /// Shortest round-tripping text of a double, always with a decimal point or exponent.
    public static func format(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        return String(d)
    }

    /// A double-quoted string literal with escapes.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for c in s {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "$": out += "\\$"
            default: out.append(c)
            }
        }
        return out + "\""
    }

    /// `tensor [2, 3] mean=… min=… max=…` plus the values themselves when there are at most 8.
    public static func summary(of t: Tensor) -> String {
        let values = t.contiguous().toArray()
        var text = "tensor \(t.shape)"
        if values.count <= 8 {
            text += " [" + values.map { brief(Double($0)) }.joined(separator: ", ") + "]"
        } else {
            let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
            text += " mean=\(brief(mean)) min=\(brief(Double(values.min()!))) max=\(brief(Double(values.max()!)))"
        }
        return text
    }

    /// Five significant digits, for summaries.
    public static func brief(_ d: Double) -> String {
        d.isFinite ? String(format: "%.5g", d) : format(d)
    }

    /// A double holding a float's shortest decimal text (6.2003384, not 6.200338363647461).
    public static func float(_ f: Float) -> Value {
        .double(Double(String(f)) ?? Double(f))
    }
}
