import Foundation
import Commands
import Tensors

/// Arithmetic and comparison on values: numbers, strings, lists, and tensors (broadcasting).
enum Operators {
    struct Failure: Error { let message: String }

    /// `a op b` for `+ - * / % ** == != < <= > >=`.
    static func apply(_ op: String, _ a: Value, _ b: Value) throws(Failure) -> Value {
        switch op {
        case "==": return .bool(a == b)
        case "!=": return .bool(a != b)
        case "<", "<=", ">", ">=": return .bool(try compare(op, a, b))
        default: break
        }
        switch (a, b) {
        case (.int(let x), .int(let y)): return try integer(op, x, y)
        case (.tensor, _), (_, .tensor): return try tensor(op, a, b)
        case (.string(let x), .string(let y)) where op == "+": return .string(x + y)
        case (.list(let x), .list(let y)) where op == "+": return .list(x + y)
        default:
            guard let x = a.number, let y = b.number else {
                throw Failure(message: "'\(op)' is not defined for \(a.typeName) and \(b.typeName)"
                    + (a.typeName == "string" || b.typeName == "string" ? "; join text with interpolation: \"$a$b\"" : ""))
            }
            return .double(try real(op, x, y))
        }
    }

    /// `-v` for numbers and tensors.
    static func negate(_ value: Value) throws(Failure) -> Value {
        switch value {
        case .int(let i) where i != Int.min: return .int(-i)
        case .double(let d): return .double(-d)
        case .tensor(let t): return .tensor(-t)
        default: throw Failure(message: "cannot negate \(value.typeName)")
        }
    }

    private static func integer(_ op: String, _ x: Int, _ y: Int) throws(Failure) -> Value {
        let result: (Int, Bool)
        switch op {
        case "+": result = x.addingReportingOverflow(y)
        case "-": result = x.subtractingReportingOverflow(y)
        case "*": result = x.multipliedReportingOverflow(by: y)
        case "/": return .double(try real(op, Double(x), Double(y)))
        case "%":
            guard y != 0 else { throw Failure(message: "remainder by zero") }
            let r = x % y
            return .int(r != 0 && (r < 0) != (y < 0) ? r + y : r)
        case "**":
            guard y >= 0 else { return .double(pow(Double(x), Double(y))) }
            var power = 1
            for _ in 0..<y {
                let (next, overflow) = power.multipliedReportingOverflow(by: x)
                if overflow { return .double(pow(Double(x), Double(y))) }
                power = next
            }
            return .int(power)
        default: throw Failure(message: "unknown operator '\(op)'")
        }
        if result.1 { throw Failure(message: "integer overflow in \(x) \(op) \(y)") }
        return .int(result.0)
    }

    private static func real(_ op: String, _ x: Double, _ y: Double) throws(Failure) -> Double {
        switch op {
        case "+": return x + y
        case "-": return x - y
        case "*": return x * y
        case "/":
            guard y != 0 else { throw Failure(message: "division by zero") }
            return x / y
        case "%":
            guard y != 0 else { throw Failure(message: "remainder by zero") }
            let r = fmod(x, y)
            return r != 0 && (r < 0) != (y < 0) ? r + y : r
        case "**": return pow(x, y)
        default: throw Failure(message: "unknown operator '\(op)'")
        }
    }

    private static func tensor(_ op: String, _ a: Value, _ b: Value) throws(Failure) -> Value {
        func operand(_ v: Value) throws(Failure) -> Tensor {
            if case .tensor(let t) = v { return t }
            if let n = v.number { return Tensor(Float(n)) }
            throw Failure(message: "'\(op)' is not defined for tensor and \(v.typeName)")
        }
        let x = try operand(a), y = try operand(b)
        guard Tensor.broadcastShape(x.shape, y.shape) != nil else {
            throw Failure(message: "shapes \(x.shape) and \(y.shape) do not broadcast for '\(op)'")
        }
        switch op {
        case "+": return .tensor(x + y)
        case "-": return .tensor(x - y)
        case "*": return .tensor(x * y)
        case "/": return .tensor(x / y)
        case "**": return .tensor(x.pow(y))
        default: throw Failure(message: "'\(op)' is not defined for tensors")
        }
    }

    private static func compare(_ op: String, _ a: Value, _ b: Value) throws(Failure) -> Bool {
        let order: Int
        if let x = a.number, let y = b.number {
            order = x < y ? -1 : (x > y ? 1 : 0)
        } else if case .string(let x) = a, case .string(let y) = b {
            order = x < y ? -1 : (x > y ? 1 : 0)
        } else {
            throw Failure(message: "cannot order \(a.typeName) and \(b.typeName) with '\(op)'")
        }
        switch op {
        case "<": return order < 0
        case "<=": return order <= 0
        case ">": return order > 0
        default: return order >= 0
        }
    }
}
