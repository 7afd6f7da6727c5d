// rlr-fuzz [TARGET ...] [--seconds N] [--executions N] [--seed N] [--findings DIR] [--list]
// rlr-fuzz TARGET --replay FILE   runs one saved input (a crash shows Swift's own message)
// Runs seeded mutation campaigns (see Sources/Fuzzing); scripts/fuzz is the front end.
import Foundation
import Fuzzing

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("rlr-fuzz: \(message)\n".utf8))
    exit(2)
}

@MainActor func main() {
var names: [String] = [], seconds = 10.0, executions = Int.max, seed: UInt64 = 1, findings = "fuzz-findings"
var replay: String? = nil
var arguments = CommandLine.arguments.dropFirst()
func value(_ flag: String) -> String {
    guard let next = arguments.popFirst() else { fail("\(flag) needs a value") }
    return next
}
func number<T: LosslessStringConvertible>(_ flag: String, _ type: T.Type) -> T {
    let text = value(flag)
    guard let parsed = T(text) else { fail("\(flag) \(text) is not a number") }
    return parsed
}
while let argument = arguments.popFirst() {
    switch argument {
    case "--seconds": seconds = number(argument, Double.self)
    case "--executions": executions = number(argument, Int.self)
    case "--seed": seed = number(argument, UInt64.self)
    case "--findings": findings = value(argument)
    case "--replay": replay = value(argument)
    case "--list":
        for target in FuzzTargets.all { print(target.name.padding(toLength: 14, withPad: " ", startingAt: 0), target.summary) }
        exit(0)
    default: names.append(argument)
    }
}
do {
    if let replay {
        guard names.count == 1, let data = FileManager.default.contents(atPath: replay) else { fail("--replay needs one target and a readable file") }
        do { try FuzzTargets.named(names[0]).run([UInt8](data)); print("accepted") } catch let error as FuzzError { throw error } catch { print("rejected: \(error)") }
        return
    }
    let targets = try names.isEmpty ? FuzzTargets.all : names.map(FuzzTargets.named)
    for target in targets {
        let runner = FuzzRunner(target: target, seed: seed, findings: findings)
        let report = try runner.run(executions: executions, seconds: seconds) { print("  \($0.target): \($0.executions) executions, \(Int($0.seconds)) s"); fflush(nil) }
        print(report.line)
        fflush(nil)
    }
} catch {
    fail(String(describing: error))
}
}
main()
