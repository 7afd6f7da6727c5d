import Foundation
import Commands

extension Builtins {
    static let session: [CommandSpec] = [
        CommandSpec(
            path: ["vars"], abstract: "Lists the variables of the session with their types and values.",
            run: { inv in
                let interpreter = try inv.interpreter
                for name in interpreter.variableNames {
                    let value = interpreter.variable(name) ?? .nil
                    inv.print("\(name)  \(value.typeName)  \(value.literal.prefix(100))")
                }
                return .nil
            }),
        CommandSpec(
            path: ["unset"], abstract: "Removes a variable.",
            arguments: [ArgumentSpec("name", .string, help: "The variable name, without '$'.", completion: .variables(nil))],
            run: { inv in
                let name = try inv.string("name")
                guard try inv.interpreter.environment.remove(name) else {
                    throw CommandError.badArgument(name: "name", reason: "no variable '\(name)'")
                }
                return .nil
            }),
        CommandSpec(
            path: ["pwd"], abstract: "The current directory.",
            run: { _ in .string(FileManager.default.currentDirectoryPath) }),
        CommandSpec(
            path: ["cd"], abstract: "Changes the current directory.",
            arguments: [ArgumentSpec("dir", .path, default: .nil, help: "The new directory; the home directory when absent.",
                                     completion: .directories)],
            run: { inv in
                let path = inv.has("dir") ? try inv.path("dir") : NSHomeDirectory()
                guard FileManager.default.changeCurrentDirectoryPath(path) else {
                    throw CommandError.badArgument(name: "dir", reason: "cannot enter '\(path)'")
                }
                return .nil
            }),
        CommandSpec(
            path: ["exit"], abstract: "Ends the session (or script) with a status.",
            arguments: [ArgumentSpec("status", .int(0...255), default: .int(0), help: "The exit status.")],
            run: { inv in throw ScriptExit(status: Int32(try inv.int("status"))) }),
    ]
}
