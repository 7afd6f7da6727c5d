import Tensors

/// Where a bound value came from: the index of a word in the bound list, or the declared default.
public enum ArgumentOrigin: Sendable, Equatable {
    case word(Int)
    case defaultValue
}

/// A command with its arguments bound and checked: what `CommandSpec.run` receives.
///
/// Values are stored by argument/option name; the typed accessors cannot fail for declared names because
/// the binder already converted every value to its kind (a failure is a programming error in the command).
public struct Invocation: Sendable {
    /// The command being run.
    public let spec: CommandSpec
    /// Every argument and option by name, converted to its kind (defaults filled in).
    public let values: [String: Value]
    /// Where each value came from, for error messages that point at the word at fault.
    public let origins: [String: ArgumentOrigin]
    public let context: CommandContext

    /// An invocation built by hand (tests, or commands calling other commands); the binder makes the usual ones.
    public init(spec: CommandSpec, values: [String: Value], origins: [String: ArgumentOrigin], context: CommandContext) {
        self.spec = spec
        self.values = values
        self.origins = origins
        self.context = context
    }

    /// The bound value of an argument or option (`.nil` for an omitted optional without default).
    public func value(_ name: String) throws -> Value {
        guard let value = values[name] else {
            throw CommandError.failed("internal: '\(spec.name)' reads undeclared argument '\(name)'")
        }
        return value
    }

    /// Whether an argument or option holds a value other than nil.
    public func has(_ name: String) -> Bool {
        if case .nil? = values[name] { return false }
        return values[name] != nil
    }

    // Typed reads by argument or option name.
    public func int(_ name: String) throws -> Int { try typed(name, "integer") { if case .int(let i) = $0 { i } else { nil } } }
    public func double(_ name: String) throws -> Double { try typed(name, "number") { $0.number } }
    public func string(_ name: String) throws -> String { try typed(name, "string") { if case .string(let s) = $0 { s } else { nil } } }
    /// A path with `~` already expanded.
    public func path(_ name: String) throws -> String { try string(name) }
    public func bool(_ name: String) throws -> Bool { try typed(name, "bool") { if case .bool(let b) = $0 { b } else { nil } } }
    public func tensor(_ name: String) throws -> Tensor { try typed(name, "tensor") { if case .tensor(let t) = $0 { t } else { nil } } }
    public func list(_ name: String) throws -> [Value] { try typed(name, "list") { if case .list(let l) = $0 { l } else { nil } } }
    /// A list of ints (for `.list(.int)` arguments such as shapes).
    public func ints(_ name: String) throws -> [Int] {
        try list(name).map { item in
            guard case .int(let i) = item else { throw CommandError.badArgument(name: name, reason: "expected integers") }
            return i
        }
    }
    /// A domain object of a concrete class.
    public func object<T: ScriptObject>(_ name: String, as type: T.Type) throws -> T {
        try typed(name, String(describing: type)) { if case .object(let o) = $0 { o as? T } else { nil } }
    }

    // Positional access by index into `spec.arguments`.
    public func int(_ index: Int) throws -> Int { try int(argumentName(index)) }
    public func double(_ index: Int) throws -> Double { try double(argumentName(index)) }
    public func string(_ index: Int) throws -> String { try string(argumentName(index)) }
    public func path(_ index: Int) throws -> String { try path(argumentName(index)) }
    public func tensor(_ index: Int) throws -> Tensor { try tensor(argumentName(index)) }
    public func list(_ index: Int) throws -> [Value] { try list(argumentName(index)) }
    public func value(_ index: Int) throws -> Value { try value(argumentName(index)) }

    /// Writes a line of output.
    public func print(_ text: String) { context.output(text + "\n") }

    /// Reports progress of a long command (`done` of `total` steps).
    public func progress(_ label: String, done: Int, total: Int) { context.progress(label, done, total) }

    /// Throws `CommandError.interrupted` when Ctrl-C was pressed; call at safe points of long loops.
    public func checkInterrupted() throws {
        if context.interrupt.isSet { throw CommandError.interrupted }
    }

    private func argumentName(_ index: Int) throws -> String {
        guard spec.arguments.indices.contains(index) else {
            throw CommandError.failed("internal: '\(spec.name)' reads positional argument \(index) it does not declare")
        }
        return spec.arguments[index].name
    }

    private func typed<T>(_ name: String, _ expected: String, _ extract: (Value) -> T?) throws -> T {
        let value = try value(name)
        guard let result = extract(value) else {
            throw CommandError.badArgument(name: name, reason: "expected \(expected), got \(value.typeName)")
        }
        return result
    }
}
