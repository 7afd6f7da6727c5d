import Foundation
import Commands
import Script

/// The read-eval-print loop: gathers continuation lines until an entry parses, runs it, prints the value.
public final class Session {
    let interpreter: Interpreter
    private var editor: any LineEditor
    private let isInteractive: Bool
    private var entryCount = 0
    /// Whether any entry failed (the exit status of a piped session).
    public private(set) var hadError = false

    public init(interpreter: Interpreter, editor: any LineEditor, isInteractive: Bool) {
        self.interpreter = interpreter
        self.editor = editor
        self.isInteractive = isInteractive
        interpreter.allowsAbbreviations = isInteractive
    }

    /// Runs until Ctrl-D, end of input or `exit`; returns the exit status.
    public func run() -> Int32 {
        if isInteractive { FileHandle.standardOutput.write("rlr \(Version.string): 'help' lists commands, Ctrl-D exits.\n".data(using: .utf8)!) }
        var pending: [String] = []
        var prompt = Prompt.primary
        while true {
            switch editor.read(prompt: isInteractive ? prompt : "") {
            case .end:
                if !pending.isEmpty { report(incompleteEntry(pending)) }
                return hadError ? 1 : 0
            case .cancelled:
                pending = []
                prompt = Prompt.primary
            case .line(let line):
                editor.remember(line)
                pending.append(line)
                entryCount += 1
                let file = SourceFile(name: "<repl:\(entryCount)>", text: pending.joined(separator: "\n"))
                do {
                    let statements = try Parser.parse(file)
                    pending = []
                    prompt = Prompt.primary
                    if let status = evaluate(statements) { return status }
                } catch where error.isIncomplete {
                    entryCount -= 1
                    prompt = Prompt.continuation(error.openDelimiter ?? "")
                } catch {
                    pending = []
                    prompt = Prompt.primary
                    report(error.diagnostic)
                }
            }
        }
    }

    /// Runs one entry; returns an exit status when the session should end.
    private func evaluate(_ statements: [Statement]) -> Int32? {
        InterruptFlag.shared.clear()
        do {
            let value = try interpreter.run(statements)
            if value != .nil { FileHandle.standardOutput.write((value.echoed + "\n").data(using: .utf8)!) }
        } catch let exit as ScriptExit {
            return exit.status
        } catch let interrupt as ScriptInterrupt {
            hadError = true
            FileHandle.standardError.write(((isInteractive ? "\n" : "") + "\(interrupt)\n").data(using: .utf8)!)
        } catch let diagnostic as Diagnostic {
            report(diagnostic)
        } catch {
            report(Diagnostic(message: "\(error)", span: nil))
        }
        InterruptFlag.shared.clear()
        return nil
    }

    private func incompleteEntry(_ lines: [String]) -> Diagnostic {
        let file = SourceFile(name: "<repl:\(entryCount + 1)>", text: lines.joined(separator: "\n"))
        do {
            _ = try Parser.parse(file)
            return Diagnostic(message: "incomplete input", span: nil)
        } catch {
            return error.diagnostic
        }
    }

    private func report(_ diagnostic: Diagnostic) {
        hadError = true
        FileHandle.standardError.write((diagnostic.rendered() + "\n").data(using: .utf8)!)
    }
}

/// Prompt texts: primary, and continuation showing the innermost open delimiter.
enum Prompt {
    static let primary = "rlr> "
    static func continuation(_ opener: String) -> String { " \(opener)...> " }
}
