/// Errors from declaring, binding and running commands. Messages name the command, option or library.
public enum CommandError: Error, CustomStringConvertible, Equatable {
    /// A value does not fit an argument or option (`name` is the argument name or "--option").
    case badArgument(name: String, reason: String)
    case missingArgument(command: String, name: String)
    case unknownOption(command: String, name: String, suggestions: [String])
    case unknownCommand(words: [String], suggestions: [String])
    /// A noun given without one of its verbs.
    case missingVerb(noun: String, verbs: [String])
    case tooManyArguments(command: String, expected: Int, extra: String)
    /// A declaration rejected at registration.
    case invalidSpec(library: String, command: String, reason: String)
    /// Ctrl-C reached a safe point.
    case interrupted
    /// A command failed for a reason of its own.
    case failed(String)

    public var description: String {
        switch self {
        case .badArgument(let name, let reason): "bad value for \(name): \(reason)"
        case .missingArgument(let command, let name): "'\(command)' needs \(name)"
        case .unknownOption(let command, let name, let suggestions):
            "'\(command)' has no option \(name)" + Suggestions.hint(suggestions)
        case .unknownCommand(let words, let suggestions):
            "unknown command '\(words.joined(separator: " "))'" + Suggestions.hint(suggestions)
        case .missingVerb(let noun, let verbs):
            "'\(noun)' needs a verb: \(verbs.joined(separator: ", "))"
        case .tooManyArguments(let command, let expected, let extra):
            "'\(command)' takes \(expected) positional argument\(expected == 1 ? "" : "s"); unexpected '\(extra)'"
        case .invalidSpec(let library, let command, let reason): "library '\(library)', command '\(command)': \(reason)"
        case .interrupted: "interrupted"
        case .failed(let message): message
        }
    }

    /// The argument or option the error blames, when there is one.
    public var blamedArgument: String? {
        switch self {
        case .badArgument(let name, _): name
        case .unknownOption(_, let name, _): name
        default: nil
        }
    }
}
