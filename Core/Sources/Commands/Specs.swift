/// A positional argument of a command.
public struct ArgumentSpec: Sendable {
    public var name: String
    public var kind: ValueKind
    /// The value used when the argument is omitted; nil makes it required.
    public var defaultValue: Value?
    public var help: String
    /// Takes all remaining positional words as a list (only the last argument).
    public var isVariadic: Bool
    public var completion: Completion

    public init(_ name: String, _ kind: ValueKind, default defaultValue: Value? = nil, variadic: Bool = false,
                help: String, completion: Completion = .automatic) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
        self.isVariadic = variadic
        self.completion = completion
    }

    public var isRequired: Bool { defaultValue == nil && !isVariadic }
}

/// A named option `--name value` (or a flag `--name` / `--no-name` when its kind is `.bool`).
public struct OptionSpec: Sendable {
    /// Kebab-case name without dashes: "max-fpr".
    public var name: String
    public var short: Character?
    public var kind: ValueKind
    /// The value used when the option is omitted; nil makes it required.
    public var defaultValue: Value?
    public var help: String
    public var completion: Completion

    public init(_ name: String, short: Character? = nil, _ kind: ValueKind, default defaultValue: Value? = nil,
                help: String, completion: Completion = .automatic) {
        self.name = name
        self.short = short
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
        self.completion = completion
    }

    public var isFlag: Bool { kind == .bool }
    public var isRequired: Bool { defaultValue == nil }
}

/// How the REPL completes a value.
public enum Completion: Sendable, Equatable {
    /// Derived from the kind: choices for `.choice`, files for `.path`, variables of the kind otherwise.
    case automatic
    /// Files with one of these extensions (without dots; empty = any file), and folders to descend into.
    case files([String])
    case directories
    case words([String])
    /// Variables holding values whose `typeName` is this ("tensor", "dataset"); nil = any variable.
    case variables(String?)
    case none

    /// `.automatic` resolved against a kind.
    public func resolved(for kind: ValueKind) -> Completion {
        guard self == .automatic else { return self }
        switch kind {
        case .choice(let words): return .words(words)
        case .path: return .files([])
        case .bool: return .words(["true", "false"])
        case .tensor: return .variables("tensor")
        case .object(let name): return .variables(name)
        case .list(let element): return Completion.automatic.resolved(for: element)
        default: return .variables(nil)
        }
    }
}

/// One command: its words, documentation, arguments and the closure that runs it.
public struct CommandSpec: Sendable {
    /// The command words: ["tensor", "randn"]; the first is the noun that groups help and completion.
    public var path: [String]
    /// One line shown in lists.
    public var abstract: String
    /// Longer text shown by `help NOUN VERB`.
    public var discussion: String
    public var arguments: [ArgumentSpec]
    public var options: [OptionSpec]
    /// Lines of rlr code that use the command; tests run them.
    public var examples: [String]
    /// Cross-argument checks run after binding, before `run` (throw `CommandError.badArgument`).
    public var validate: (@Sendable (Invocation) throws -> Void)?
    public var run: @Sendable (Invocation) throws -> Value

    public init(path: [String], abstract: String, discussion: String = "", arguments: [ArgumentSpec] = [],
                options: [OptionSpec] = [], examples: [String] = [],
                validate: (@Sendable (Invocation) throws -> Void)? = nil,
                run: @escaping @Sendable (Invocation) throws -> Value) {
        self.path = path
        self.abstract = abstract
        self.discussion = discussion
        self.arguments = arguments
        self.options = options
        self.examples = examples
        self.validate = validate
        self.run = run
    }

    /// "tensor randn".
    public var name: String { path.joined(separator: " ") }

    public func option(named name: String) -> OptionSpec? { options.first { $0.name == name } }
    public func option(short: Character) -> OptionSpec? { options.first { $0.short == short } }
}
