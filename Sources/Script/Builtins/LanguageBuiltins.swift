import Commands

extension Builtins {
    static let language: [CommandSpec] = [
        CommandSpec(
            path: ["print"], abstract: "Prints values separated by spaces.",
            arguments: [ArgumentSpec("values", .any, variadic: true, help: "The values to print.")],
            examples: ["print \"sum:\" (1 + 2)"],
            run: { inv in
                inv.print(try inv.list("values").map(\.description).joined(separator: " "))
                return .nil
            }),
        CommandSpec(
            path: ["range"], abstract: "A list of integers from start (default 0) below stop.",
            arguments: [ArgumentSpec("first", .int, help: "The stop, or the start when a stop follows."),
                        ArgumentSpec("second", .int, default: .nil, help: "The stop.")],
            options: [OptionSpec("step", .int, default: .int(1), help: "Spacing; not zero.")],
            examples: ["range 5", "range 10 0 --step -2"],
            run: { inv in
                let step = try inv.int("step")
                guard step != 0 else { throw CommandError.badArgument(name: "--step", reason: "must not be zero") }
                let (start, stop) = inv.has("second") ? (try inv.int("first"), try inv.int("second")) : (0, try inv.int("first"))
                let count = max(0, (stop - start + step + (step > 0 ? -1 : 1)) / step)
                guard count <= 10_000_000 else { throw CommandError.failed("range of \(count) integers is too long") }
                return .list(stride(from: start, to: stop, by: step).map { .int($0) })
            }),
        CommandSpec(
            path: ["len"], abstract: "Length of a list, string or record, or the first dimension of a tensor.",
            arguments: [ArgumentSpec("value", .any, help: "The value to measure.")],
            examples: ["len [1 2 3]"],
            run: { inv in
                switch try inv.value("value") {
                case .list(let l): return .int(l.count)
                case .string(let s): return .int(s.count)
                case .record(let r): return .int(r.count)
                case .tensor(let t): return .int(t.shape.first ?? 1)
                case let other: throw CommandError.badArgument(name: "value", reason: "\(other.typeName) has no length")
                }
            }),
        CommandSpec(
            path: ["type"], abstract: "The type name of a value: int, double, string, list, record, tensor …",
            arguments: [ArgumentSpec("value", .any, help: "The value.")],
            examples: ["type 2.5"],
            run: { inv in .string(try inv.value("value").typeName) }),
        CommandSpec(
            path: ["error"], abstract: "Raises an error with a message (caught by try/catch).",
            arguments: [ArgumentSpec("message", .string, help: "What went wrong.")],
            examples: ["try { error \"boom\" } catch e { print $e.message }"],
            run: { inv in throw CommandError.failed(try inv.string("message")) }),
        CommandSpec(
            path: ["assert"], abstract: "Raises an error unless a condition holds.",
            arguments: [ArgumentSpec("condition", .any, help: "The value that must be true."),
                        ArgumentSpec("message", .string, default: .string("assertion failed"), help: "The error message.")],
            examples: ["assert (1 < 2) \"arithmetic works\""],
            run: { inv in
                guard try inv.value("condition").isTruthy else { throw CommandError.failed(try inv.string("message")) }
                return .nil
            }),
        CommandSpec(
            path: ["source"], abstract: "Runs an rlr file in this session and returns its last value.",
            arguments: [ArgumentSpec("file", .path, help: "The .rlr file.", completion: .files(["rlr"]))],
            run: { inv in try inv.interpreter.source(path: try inv.path("file")) }),
    ]
}
