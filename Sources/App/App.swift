import Foundation
import Commands
import Library
import REPL
import Script

/// The `rlr` executable: argument handling for scripts, `-e`, the shell form `rlr NOUN VERB ...` and the REPL.
public enum App {
    /// Runs rlr with its command-line arguments (without the program name); returns the exit status.
    public static func main(_ commandLine: [String]) -> Int32 {
        Interrupts.install()
        let interpreter: Interpreter
        do {
            interpreter = try Interpreter(libraries: Library.all, progress: progressPrinter())
        } catch {
            printError("rlr: \(error)")
            return 70
        }
        let (plugins, arguments) = PluginStartup.split(commandLine)
        PluginStartup.load(plugins, into: interpreter.registry)
        guard let first = arguments.first else {
            return session(interpreter)
        }
        switch first {
        case "--version", "-V":
            print(Version.build)
            return 0
        case "--help", "-h":
            print(usage(interpreter))
            return 0
        case "-e":
            guard arguments.count >= 2 else {
                printError("rlr: -e needs code, e.g. rlr -e 'print (1 + 2)'")
                return 64
            }
            interpreter.setVariable("args", .list(arguments.dropFirst(2).map { .string($0) }))
            return execute(SourceFile(name: "<command line>", text: arguments[1]), interpreter, echo: true)
        case "-":
            let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            interpreter.setVariable("args", .list(arguments.dropFirst().map { .string($0) }))
            return execute(SourceFile(name: "<stdin>", text: text), interpreter, echo: false)
        case "run":
            return Report.main(Array(arguments.dropFirst()))
        default:
            if first.hasSuffix(".rlr") || (FileManager.default.fileExists(atPath: first) && !interpreter.registry.isPrefix([first])
                                           && interpreter.registry.lookup([first]) == nil) {
                return script(first, Array(arguments.dropFirst()), interpreter)
            }
            return shell(arguments, interpreter)
        }
    }

    /// The REPL: readline on a terminal, plain lines from a pipe.
    static func session(_ interpreter: Interpreter) -> Int32 {
        let interactive = isatty(STDIN_FILENO) != 0
        let editor: any LineEditor = interactive ? ReadlineEditor(completer: Completer(interpreter: interpreter)) : PlainLineReader()
        return Session(interpreter: interpreter, editor: editor, isInteractive: interactive).run()
    }

    /// `rlr FILE.rlr args...`: `$args` holds the arguments, `$script` the path.
    static func script(_ path: String, _ arguments: [String], _ interpreter: Interpreter) -> Int32 {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            printError("rlr: cannot read script '\(path)'")
            return 66
        }
        interpreter.setVariable("args", .list(arguments.map { .string($0) }))
        interpreter.setVariable("script", .string(path))
        return execute(SourceFile(name: path, text: text), interpreter, echo: false)
    }

    /// Runs source text; prints the last value when `echo`; maps errors to exit statuses.
    static func execute(_ file: SourceFile, _ interpreter: Interpreter, echo: Bool) -> Int32 {
        do {
            let value = try interpreter.run(file)
            if echo && value != .nil { print(value.echoed) }
            return 0
        } catch let exit as ScriptExit {
            return exit.status
        } catch let interrupt as ScriptInterrupt {
            printError("\(interrupt)")
            return 130
        } catch {
            printError("\(error)")
            return 1
        }
    }

    /// `rlr NOUN VERB args...`: the same specs, bound from shell words.
    static func shell(_ arguments: [String], _ interpreter: Interpreter) -> Int32 {
        let registry = interpreter.registry
        guard let (spec, consumed) = registry.resolve(arguments) else {
            printError("rlr: \(registry.unknown(arguments))")
            if registry.isPrefix([arguments[0]]) {
                printError("commands of '\(arguments[0])':\n" + Help.list(registry.commands(under: [arguments[0]])))
            } else {
                printError("run 'rlr --help' for the list of commands")
            }
            return 64
        }
        let words = Array(arguments.dropFirst(consumed))
        if words.contains("--help") && spec.option(named: "help") == nil {
            print(Help.text(spec))
            return 0
        }
        do {
            let invocation = try Binder.bind(spec, words: Word.fromShell(words), context: interpreter.context)
            try spec.validate?(invocation)
            let value = try spec.run(invocation)
            if case .string(let text) = value { print(text) } else if value != .nil { print(value.echoed) }
            return 0
        } catch let error as BindingError {
            printError("rlr \(spec.name): \(error)\nusage: rlr \(Help.usage(spec))")
            return 64
        } catch let exit as ScriptExit {
            return exit.status
        } catch {
            printError("rlr \(spec.name): \(error)")
            return 1
        }
    }

    /// `rlr --help`: invocation forms and the commands, from the registry.
    static func usage(_ interpreter: Interpreter) -> String {
        """
        rlr \(Version.string): RLR anomaly detection on the CPU, with a small command language.

        usage:
          rlr                      interactive session (plain lines when stdin is not a terminal)
          rlr FILE.rlr [ARGS...]   run a script ($args holds ARGS)
          rlr -e CODE [ARGS...]    run code and print its value
          rlr -                    run a script read from stdin
          rlr NOUN VERB [ARGS...]  run one command (rlr NOUN VERB --help for its options)
          rlr run FILE.rlr --report DIR   run a notebook script and write DIR/index.md and index.html
          rlr help --markdown      the command reference in markdown
          rlr --plugin PATH ...    load a plugin first (repeatable; also $RLR_PLUGIN_PATH, ~/.config/rlr/plugins/)

        commands:
        \(Help.overview(interpreter.registry))
        """
    }

    /// Progress on stderr when it is a terminal: one line rewritten in place, ended when done.
    static func progressPrinter() -> @Sendable (String, Int, Int) -> Void {
        guard isatty(STDERR_FILENO) != 0 else { return { _, _, _ in } }
        return { label, done, total in
            let end = done >= total ? "\n" : ""
            FileHandle.standardError.write("\r\u{1B}[K\(label) \(done)/\(total)\(end)".data(using: .utf8)!)
        }
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write((text + "\n").data(using: .utf8)!)
    }
}
