import Commands

/// The commands every interpreter has, declared with the same specs as library commands.
public enum Builtins {
    public static let commands: [CommandSpec] = language + values + help + session
}

extension Invocation {
    /// The interpreter running this command (builtins are only run by one).
    var interpreter: Interpreter {
        get throws {
            guard let interpreter = context.host as? Interpreter else {
                throw CommandError.failed("'\(spec.name)' needs the rlr interpreter")
            }
            return interpreter
        }
    }
}
