import Tensors

/// A value of the rlr language: what variables hold, commands take and commands return.
public enum Value: Sendable {
    case `nil`
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([Value])
    case record(Record)
    case tensor(Tensor)
    /// A domain object (dataset, model, curve, plot …) held by reference.
    case object(any ScriptObject)

    /// The kind word used in messages and by `type`: "int", "tensor", "dataset" …
    public var typeName: String {
        switch self {
        case .nil: "nil"
        case .bool: "bool"
        case .int: "int"
        case .double: "double"
        case .string: "string"
        case .list: "list"
        case .record: "record"
        case .tensor: "tensor"
        case .object(let object): object.typeName
        }
    }

    /// Truthiness for conditions: nil, false, 0 and empty strings/lists/records are false.
    public var isTruthy: Bool {
        switch self {
        case .nil: false
        case .bool(let b): b
        case .int(let i): i != 0
        case .double(let d): d != 0
        case .string(let s): !s.isEmpty
        case .list(let l): !l.isEmpty
        case .record(let r): !r.isEmpty
        case .tensor, .object: true
        }
    }

    /// The number held by an int or double, if any.
    public var number: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    /// A named member: record fields, list indices, tensor `shape`/`rank`/`count`, object members.
    public func member(_ name: String) -> Value? {
        switch self {
        case .record(let r): return r[name]
        case .list(let l):
            if name == "count" { return .int(l.count) }
            guard let i = Int(name) else { return nil }
            let index = i < 0 ? l.count + i : i
            return l.indices.contains(index) ? l[index] : nil
        case .string(let s): return name == "count" ? .int(s.count) : nil
        case .tensor(let t):
            switch name {
            case "shape": return .list(t.shape.map { .int($0) })
            case "rank": return .int(t.rank)
            case "count": return .int(t.count)
            case "item" where t.count == 1: return .float(t.contiguous().toArray()[0])
            default: return nil
            }
        case .object(let o): return o.member(name)
        default: return nil
        }
    }

    /// Names accepted by `member`, for completion and "did you mean" hints.
    public var memberNames: [String] {
        switch self {
        case .record(let r): r.keys
        case .list, .string: ["count"]
        case .tensor(let t): t.count == 1 ? ["shape", "rank", "count", "item"] : ["shape", "rank", "count"]
        case .object(let o): o.memberNames
        default: []
        }
    }
}

/// An ordered record: fields keep their insertion order.
public struct Record: Sendable, Sequence {
    public private(set) var fields: [(name: String, value: Value)]

    public init(_ fields: [(String, Value)] = []) {
        self.fields = []
        for (name, value) in fields { self[name] = value }
    }

    public var keys: [String] { fields.map(\.name) }
    public var isEmpty: Bool { fields.isEmpty }
    public var count: Int { fields.count }

    /// Reads a field; assigning replaces it in place or appends a new one (nil value removes it).
    public subscript(name: String) -> Value? {
        get { fields.first { $0.name == name }?.value }
        set {
            let index = fields.firstIndex { $0.name == name }
            switch (index, newValue) {
            case (let i?, let v?): fields[i].value = v
            case (let i?, nil): fields.remove(at: i)
            case (nil, let v?): fields.append((name, v))
            case (nil, nil): break
            }
        }
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: Value)]> { fields.makeIterator() }
}

/// A domain object that scripts can hold in a variable (a dataset, a model, a curve, a plot …).
public protocol ScriptObject: AnyObject, Sendable {
    /// Lowercase kind name used in messages and by `type`: "dataset", "model", "curve".
    var typeName: String { get }
    /// One line shown when the value is printed: counts, shapes, paths.
    var summary: String { get }
    /// A named member readable as `$x.name` (nil when there is none).
    func member(_ name: String) -> Value?
    /// The names `member` answers, for completion.
    var memberNames: [String] { get }
}

extension ScriptObject {
    public func member(_ name: String) -> Value? { nil }
    public var memberNames: [String] { [] }
}

extension Value: Equatable {
    /// Structural equality; ints and doubles compare numerically; tensors and objects by identity.
    public static func == (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.nil, .nil): true
        case (.bool(let x), .bool(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.list(let x), .list(let y)): x == y
        case (.record(let x), .record(let y)):
            x.count == y.count && zip(x.fields, y.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
        case (.tensor(let x), .tensor(let y)): x === y
        case (.object(let x), .object(let y)): x === y
        default:
            if let x = a.number, let y = b.number { x == y } else { false }
        }
    }
}
