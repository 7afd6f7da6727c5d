import Foundation
import Commands

/// Raised by `exit`: the session should end with this status.
public struct ScriptExit: Error, Sendable {
    public let status: Int32
}

/// Raised when Ctrl-C reached a safe point; unwinds to the prompt (never caught by `try`).
public struct ScriptInterrupt: Error, Sendable, CustomStringConvertible {
    public let span: SourceSpan?
    public var description: String { (span.map { "\($0.position): " } ?? "") + "interrupted" }
}

/// Runs rlr statements against a command registry; holds the session's variables and procedures.
///
/// Not thread-safe: one interpreter runs one statement at a time (commands may use threads inside).
public final class Interpreter: @unchecked Sendable, CommandRegistryHost {
    public let registry: CommandRegistry
    /// At the REPL, a unique prefix of a verb is accepted (`tensor ra` for `tensor randn`); never in scripts.
    public var allowsAbbreviations = false
    var environment = Environment()
    private let output: @Sendable (String) -> Void
    private let progress: @Sendable (String, Int, Int) -> Void
    private let interrupt: InterruptFlag
    private var sourceDepth = 0
    static let maximumCallDepth = 200

    /// The context handed to every command; its host is this interpreter.
    public private(set) lazy var context = CommandContext(output: output, progress: progress, interrupt: interrupt, host: self)

    /// An interpreter with the builtins and the given libraries registered.
    ///
    /// - Throws: `CommandError.invalidSpec` when a library's declarations are rejected.
    public init(libraries: [(name: String, commands: [CommandSpec])] = [],
                output: @escaping @Sendable (String) -> Void = { Swift.print($0, terminator: ""); fflush(nil) },
                progress: @escaping @Sendable (String, Int, Int) -> Void = { _, _, _ in },
                interrupt: InterruptFlag = .shared) throws {
        registry = CommandRegistry()
        self.output = output
        self.progress = progress
        self.interrupt = interrupt
        try registry.register(Builtins.commands, library: "builtin")
        for (name, commands) in libraries { try registry.register(commands, library: name) }
    }

    // MARK: public API

    /// Parses and runs a source file; returns the value of its last statement when that is a command or expression.
    /// - Throws: `Diagnostic` (syntax or runtime error), `ScriptInterrupt`, `ScriptExit`.
    @discardableResult
    public func run(_ file: SourceFile) throws -> Value {
        let statements: [Statement]
        do { statements = try Parser.parse(file) } catch { throw error.diagnostic }
        return try run(statements)
    }

    /// Runs parsed statements at top level.
    @discardableResult
    public func run(_ statements: [Statement]) throws -> Value {
        var last = Value.nil
        for statement in statements {
            last = .nil
            let flow = try execute(statement, result: &last)
            if case .normal = flow { continue }
            break
        }
        return last
    }

    /// The value of a variable visible at top level.
    public func variable(_ name: String) -> Value? { environment.lookup(name) }

    public func setVariable(_ name: String, _ value: Value) { environment.assign(name, value) }

    /// Visible variable names, sorted.
    public var variableNames: [String] { environment.visibleNames }

    /// Defined procedures' specs, sorted by name.
    public var procedures: [CommandSpec] { environment.procedures.values.map(\.spec).sorted { $0.name < $1.name } }

    // MARK: statements

    enum Flow { case normal, breakLoop, continueLoop, returned(Value) }

    private func execute(_ statements: [Statement]) throws -> Flow {
        var ignored = Value.nil
        for statement in statements {
            let flow = try execute(statement, result: &ignored)
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    private func execute(_ statement: Statement, result: inout Value) throws -> Flow {
        if interrupt.isSet { throw ScriptInterrupt(span: statement.span) }
        switch statement.kind {
        case .command(let call):
            result = try self.call(call)
        case .expression(let expr):
            result = try evaluate(expr)
        case .assign(let name, let expr):
            environment.assign(name, try evaluate(expr))
        case .ifElse(let branches, let otherwise):
            for branch in branches where try evaluate(branch.condition).isTruthy {
                return try execute(branch.body)
            }
            if let otherwise { return try execute(otherwise) }
        case .whileLoop(let condition, let body):
            while try evaluate(condition).isTruthy {
                if interrupt.isSet { throw ScriptInterrupt(span: statement.span) }
                switch try execute(body) {
                case .breakLoop: return .normal
                case .returned(let value): return .returned(value)
                case .normal, .continueLoop: continue
                }
            }
        case .forLoop(let name, let iterable, let body):
            for item in try items(of: iterable) {
                if interrupt.isSet { throw ScriptInterrupt(span: statement.span) }
                environment.assign(name, item)
                switch try execute(body) {
                case .breakLoop: return .normal
                case .returned(let value): return .returned(value)
                case .normal, .continueLoop: continue
                }
            }
        case .procedure(let declaration):
            try define(declaration, at: statement.span)
        case .tryCatch(let body, let name, let handler):
            do {
                return try execute(body)
            } catch let diagnostic as Diagnostic {
                if let name { environment.assign(name, Interpreter.errorRecord(diagnostic)) }
                return try execute(handler)
            }
        case .returnValue(let expr):
            return .returned(try expr.map(evaluate) ?? .nil)
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        }
        return .normal
    }

    /// The elements a `for` loop visits: list items, record keys, 0..<n for an int.
    private func items(of expr: Expr) throws -> [Value] {
        switch try evaluate(expr) {
        case .list(let items): return items
        case .record(let record): return record.keys.map { .string($0) }
        case .int(let n) where n >= 0: return (0..<n).map { .int($0) }
        case let other:
            throw Diagnostic(message: "cannot loop over \(other.typeName)", span: expr.span,
                             hint: "loop over a list, a record (its keys) or a count: for i in 10 { ... }")
        }
    }

    /// `{message, position}` for `catch err`.
    static func errorRecord(_ diagnostic: Diagnostic) -> Value {
        .record(Record([("message", .string(diagnostic.message)),
                        ("position", .string(diagnostic.span?.position ?? ""))]))
    }

    // MARK: procedures

    private func define(_ declaration: ProcedureDecl, at span: SourceSpan) throws {
        let name = declaration.name
        if registry.lookup([name]) != nil || registry.isPrefix([name]) {
            throw Diagnostic(message: "'\(name)' is already a command; choose another procedure name", span: span)
        }
        // Like library commands: required parameters are positional, parameters with a default are options.
        var arguments: [ArgumentSpec] = []
        var options: [OptionSpec] = []
        for parameter in declaration.parameters {
            if let defaultExpr = parameter.defaultValue {
                let fallback = try evaluate(defaultExpr)
                let kind: ValueKind = if case .bool = fallback { .bool } else { .any }
                options.append(OptionSpec(Interpreter.optionName(parameter.name), kind, default: fallback,
                                          help: "Parameter \(parameter.name)."))
            } else {
                arguments.append(ArgumentSpec(parameter.name, .any, variadic: parameter.isVariadic,
                                              help: parameter.isVariadic ? "The remaining arguments, as a list." : "Parameter \(parameter.name)."))
            }
        }
        let lines = declaration.documentation.split(separator: "\n", omittingEmptySubsequences: false)
        let abstract = lines.first.map(String.init) ?? "Procedure defined at \(span.position)."
        let discussion = lines.dropFirst().joined(separator: "\n").trimmingCharacters(in: .newlines)
        let spec = CommandSpec(path: [name], abstract: abstract.isEmpty ? "Procedure defined at \(span.position)." : abstract,
                               discussion: discussion,
                               arguments: arguments, options: options,
                               run: { invocation in
                                   guard let interpreter = invocation.context.host as? Interpreter else {
                                       throw CommandError.failed("procedure '\(name)' called outside its interpreter")
                                   }
                                   return try interpreter.invoke(procedure: name, invocation)
                               })
        environment.define(Procedure(declaration: declaration, spec: spec))
    }

    /// The option a parameter with a default becomes: `max_fpr` -> `max-fpr`.
    static func optionName(_ parameter: String) -> String {
        parameter.replacingOccurrences(of: "_", with: "-")
    }

    private func invoke(procedure name: String, _ invocation: Invocation) throws -> Value {
        guard let procedure = environment.procedures[name] else { throw CommandError.failed("no procedure '\(name)'") }
        guard environment.depth < Interpreter.maximumCallDepth else {
            throw CommandError.failed("calls nested deeper than \(Interpreter.maximumCallDepth) (runaway recursion?)")
        }
        var locals: [String: Value] = [:]
        for parameter in procedure.declaration.parameters {
            let key = parameter.defaultValue == nil ? parameter.name : Interpreter.optionName(parameter.name)
            locals[parameter.name] = invocation.values[key] ?? .nil
        }
        environment.push(locals)
        defer { environment.pop() }
        if case .returned(let value) = try execute(procedure.declaration.body) { return value }
        return .nil
    }

    // MARK: commands

    func call(_ call: Call) throws -> Value {
        guard case .word(let head, _) = call.words[0] else {
            throw Diagnostic(message: "a command line must start with a command name", span: call.words[0].span)
        }
        let (spec, consumed) = try resolve(call, head: head)
        let argumentExprs = Array(call.words[consumed...])
        var words: [Word] = []
        for expr in argumentExprs {
            if case .option(let text, _) = expr { words.append(.option(text)) } else { words.append(.value(try evaluate(expr))) }
        }
        let invocation: Invocation
        do {
            invocation = try Binder.bind(spec, words: words, context: context)
        } catch {
            let span = error.wordIndex.map { argumentExprs[$0].span } ?? call.span
            throw Diagnostic(message: error.description, span: span, hint: "usage: \(Help.usage(spec))")
        }
        do {
            try spec.validate?(invocation)
            return try spec.run(invocation)
        } catch var diagnostic as Diagnostic {
            if environment.procedures[spec.name] != nil {
                diagnostic.notes.append(("in procedure '\(spec.name)' called here", call.span))
            } else if diagnostic.span?.file !== call.span.file {
                diagnostic.notes.append(("in '\(spec.name)' called here", call.span))
            }
            throw diagnostic
        } catch let error as CommandError {
            if case .interrupted = error { throw ScriptInterrupt(span: call.span) }
            var span = call.span
            var notes: [(String, SourceSpan?)] = []
            if let name = error.blamedArgument {
                let key = name.hasPrefix("--") ? String(name.dropFirst(2)) : name
                switch invocation.origins[key] {
                case .word(let index)?: span = argumentExprs[index].span
                case .defaultValue?: notes.append(("\(name) was not given; its default is \(invocation.values[key]?.literal ?? "nil")", nil))
                case nil: break
                }
            }
            throw Diagnostic(message: error.description, span: span, notes: notes)
        } catch let error as ScriptExit {
            throw error
        } catch let error as ScriptInterrupt {
            throw error
        } catch {
            throw Diagnostic(message: "\(spec.name): \(error)", span: call.span)
        }
    }

    /// The spec a call names and how many of its words the name uses.
    private func resolve(_ call: Call, head: String) throws -> (CommandSpec, Int) {
        if let procedure = environment.procedures[head] { return (procedure.spec, 1) }
        var names: [String] = []
        for word in call.words.prefix(4) {
            guard case .word(let text, _) = word else { break }
            names.append(text)
        }
        if let (spec, consumed) = registry.resolve(names) { return (spec, consumed) }
        if allowsAbbreviations, names.count >= 2 {
            let matches = registry.commands(under: [names[0]]).filter { $0.path.count == 2 && $0.path[1].hasPrefix(names[1]) }
            if matches.count == 1 { return (matches[0], 2) }
        }
        var error = registry.unknown(names)
        var hint: String?
        if !registry.isPrefix([head]) {
            let candidates = registry.nouns + environment.procedures.keys
            error = .unknownCommand(words: [head], suggestions: Suggestions.nearby(head, in: candidates))
            if head.contains("=") { hint = "assignments need spaces around '=': \(head.replacingOccurrences(of: "=", with: " = "))" }
            else if environment.lookup(head) != nil { hint = "'\(head)' is a variable; write $\(head) to use its value" }
        }
        let blamed = registry.isPrefix([head]) && call.words.count > 1 ? call.words[0].span.through(call.words[1].span) : call.words[0].span
        throw Diagnostic(message: error.description, span: blamed,
                         hint: hint ?? (registry.isPrefix([head]) ? "'help \(head)' lists its commands" : nil))
    }

    // MARK: expressions

    func evaluate(_ expr: Expr) throws -> Value {
        switch expr {
        case .literal(let value, _): return value
        case .word(let text, _), .option(let text, _): return .string(text)
        case .variable(let name, let path, let span):
            guard var value = environment.lookup(name) else {
                let suggestions = Suggestions.nearby(name, in: environment.visibleNames).map { "$" + $0 }
                throw Diagnostic(message: "unknown variable '$\(name)'" + Suggestions.hint(suggestions), span: span)
            }
            for field in path { value = try member(of: value, field, span: span) }
            return value
        case .interpolated(let parts, _):
            var text = ""
            for part in parts {
                switch part {
                case .text(let piece): text += piece
                case .expr(let inner): text += try evaluate(inner).description
                }
            }
            return .string(text)
        case .list(let items, _): return .list(try items.map(evaluate))
        case .record(let fields, _):
            var record = Record()
            for (name, value) in fields { record[name] = try evaluate(value) }
            return .record(record)
        case .call(let call): return try self.call(call)
        case .unary(let op, let operand, let span):
            let value = try evaluate(operand)
            if op == "not" { return .bool(!value.isTruthy) }
            do { return try Operators.negate(value) } catch { throw Diagnostic(message: error.message, span: span) }
        case .binary(let op, let left, let right, let span):
            let a = try evaluate(left)
            if op == "and" { return a.isTruthy ? .bool(try evaluate(right).isTruthy) : .bool(false) }
            if op == "or" { return a.isTruthy ? .bool(true) : .bool(try evaluate(right).isTruthy) }
            let b = try evaluate(right)
            do { return try Operators.apply(op, a, b) } catch { throw Diagnostic(message: error.message, span: span) }
        case .member(let base, let name, let span):
            return try member(of: try evaluate(base), name, span: span)
        }
    }

    private func member(of value: Value, _ name: String, span: SourceSpan) throws -> Value {
        if let result = value.member(name) { return result }
        let names = value.memberNames
        let known = names.isEmpty ? "" : "; it has " + names.joined(separator: ", ")
        throw Diagnostic(message: "\(value.typeName) has no member '\(name)'"
                         + Suggestions.hint(Suggestions.nearby(name, in: names)) + known, span: span)
    }

    // MARK: sourcing

    /// Runs a file in the global scope (the `source` builtin).
    func source(path: String) throws -> Value {
        guard sourceDepth < 50 else { throw CommandError.failed("'source' nested deeper than 50 files") }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw CommandError.badArgument(name: "file", reason: "cannot read '\(path)'")
        }
        sourceDepth += 1
        defer { sourceDepth -= 1 }
        return try run(SourceFile(name: path, text: text))
    }
}
