import Commands

extension Builtins {
    static let help: [CommandSpec] = [
        CommandSpec(
            path: ["help"], abstract: "Lists commands, or shows the help of a noun, a command or a procedure.",
            arguments: [ArgumentSpec("topic", .string, variadic: true, help: "A noun, or a noun and a verb.")],
            options: [OptionSpec("markdown", .bool, default: .bool(false), help: "Print the markdown reference of all commands.")],
            examples: ["help", "help tensor", "help tensor randn"],
            run: { inv in
                let interpreter = try inv.interpreter
                inv.print(try helpText(topic: try inv.list("topic").map(\.description), markdown: try inv.bool("markdown"),
                                       interpreter: interpreter))
                return .nil
            }),
    ]

    /// The text `help` prints for a topic.
    static func helpText(topic: [String], markdown: Bool, interpreter: Interpreter) throws -> String {
        let registry = interpreter.registry
        if markdown { return Help.markdown(registry) }
        if topic.isEmpty {
            var text = "Commands (help NOUN or help NOUN VERB for details):\n" + Help.overview(registry)
            if !interpreter.procedures.isEmpty { text += "\n\nProcedures:\n" + Help.list(interpreter.procedures) }
            return text + "\n\nLanguage: x = value, $x, (command ...), [lists], {records}, if/while/for/proc/try; see docs/language.md."
        }
        if let procedure = interpreter.procedures.first(where: { $0.name == topic[0] }), topic.count == 1 {
            return Help.text(procedure)
        }
        if let spec = registry.lookup(topic) { return Help.text(spec) }
        let under = registry.commands(under: topic)
        if !under.isEmpty { return Help.list(under) }
        throw CommandError.badArgument(name: "topic", reason: registry.unknown(topic).description)
    }
}
