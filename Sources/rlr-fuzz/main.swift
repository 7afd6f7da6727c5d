// rlr-fuzz [TARGET ...] [--seconds N] [--executions N] [--seed N] [--findings DIR] [--list]
// rlr-fuzz TARGET --engine libfuzzer [--seconds N] [--seed N] [--findings DIR] [--corpus DIR] [-- LIBFUZZER FLAGS]
// rlr-fuzz TARGET --replay FILE   runs one saved input (a crash shows Swift's own message)
// Runs seeded mutation campaigns, or libFuzzer on one target when this build links it (see Sources/Fuzzing);
// scripts/fuzz is the front end.
import Foundation
import Fuzzing

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("rlr-fuzz: \(message)\n".utf8))
    exit(2)
}

@MainActor func main() {
var names: [String] = [], seconds = 10.0, executions = Int.max, seed: UInt64 = 1, findings = "fuzz-findings"
var replay: String? = nil, engine = "mutation", corpus = "fuzz-corpus", passedThrough: [String] = []
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
    case "--engine": engine = value(argument)
    case "--corpus": corpus = value(argument)
    case "--": passedThrough = Array(arguments); arguments = []
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
    if engine == "libfuzzer" {
        guard names.count == 1 else { fail("--engine libfuzzer runs one target per process (scripts/fuzz runs them in turn)") }
        try LibFuzzer.run(FuzzTargets.named(names[0]), seconds: seconds, seed: seed, corpus: corpus + "/" + names[0],
                          findings: findings, extra: passedThrough)
    }
    guard engine == "mutation" else { fail("--engine \(engine): use mutation or libfuzzer") }
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
