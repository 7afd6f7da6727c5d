import Commands
import Kernels
import Tensors

/// `tensor …` commands: creation, inspection and .npy files over the Tensors API (operations: `TensorOperations`).
public enum TensorCommands {
    static let shape = ArgumentSpec("shape", .list(.int(0...)), help: "Dimensions, e.g. [2 3].")

    public static let commands: [CommandSpec] = [
        CommandSpec(
            path: ["tensor", "zeros"], abstract: "A tensor of zeros.",
            arguments: [shape], examples: ["tensor zeros [2 3]"],
            run: { inv in .tensor(Tensor.zeros(try inv.ints("shape"))) }),
        CommandSpec(
            path: ["tensor", "ones"], abstract: "A tensor of ones.",
            arguments: [shape], examples: ["tensor ones 4"],
            run: { inv in .tensor(Tensor.ones(try inv.ints("shape"))) }),
        CommandSpec(
            path: ["tensor", "full"], abstract: "A tensor filled with one value.",
            arguments: [shape, ArgumentSpec("value", .double, help: "The fill value.")],
            examples: ["tensor full [2 2] 0.5"],
            run: { inv in .tensor(Tensor.full(try inv.ints("shape"), Float(try inv.double("value")))) }),
        CommandSpec(
            path: ["tensor", "randn"], abstract: "Normal samples, deterministic for a seed.",
            arguments: [shape],
            options: [
                OptionSpec("seed", short: "s", .int(0...), default: .int(0), help: "Random seed."),
                OptionSpec("mean", .double, default: .double(0), help: "Mean of the distribution."),
                OptionSpec("std", .double(0...), default: .double(1), help: "Standard deviation."),
            ],
            examples: ["tensor randn [2 3] --seed 1", "tensor randn 5 --mean 2 --std 0.1"],
            run: { inv in
                var generator = RandomGenerator(seed: UInt64(try inv.int("seed")))
                let mean = Float(try inv.double("mean")), std = Float(try inv.double("std"))
                let shape = try inv.ints("shape")
                return .tensor(Tensor(shape: shape) { generator.fillNormal($0, mean: mean, std: std) })
            }),
        CommandSpec(
            path: ["tensor", "arange"], abstract: "Evenly spaced values in [start, stop).",
            arguments: [ArgumentSpec("stop", .double, help: "End of the range (excluded).")],
            options: [
                OptionSpec("start", .double, default: .double(0), help: "First value."),
                OptionSpec("step", .double, default: .double(1), help: "Spacing; not zero."),
            ],
            examples: ["tensor arange 5", "tensor arange 1 --start 0 --step 0.25"],
            validate: { inv in
                if try inv.double("step") == 0 { throw CommandError.badArgument(name: "--step", reason: "must not be zero") }
                let count = (try inv.double("stop") - (try inv.double("start"))) / (try inv.double("step"))
                if count > 1e9 { throw CommandError.badArgument(name: "stop", reason: "more than 10^9 elements") }
            },
            run: { inv in
                .tensor(Tensor.arange(Float(try inv.double("start")), Float(try inv.double("stop")),
                                      step: Float(try inv.double("step"))))
            }),
        CommandSpec(
            path: ["tensor", "reshape"], abstract: "The same elements in a new shape (one dimension may be -1).",
            arguments: [ArgumentSpec("tensor", .tensor, help: "The input."),
                        ArgumentSpec("shape", .list(.int((-1)...)), help: "The new dimensions, e.g. [3 -1].")],
            examples: ["tensor reshape (tensor arange 6) [2 -1]"],
            run: { inv in
                let t = try inv.tensor("tensor"), target = try inv.ints("shape")
                let known = target.filter { $0 != -1 }.reduce(1, *)
                let unknowns = target.filter { $0 == -1 }.count
                guard unknowns <= 1, unknowns == 1 ? known > 0 && t.count % known == 0 : known == t.count else {
                    throw CommandError.badArgument(name: "shape", reason: "cannot reshape \(t.shape) (\(t.count) elements) into \(target)")
                }
                return .tensor(t.reshaped(target))
            }),
        CommandSpec(
            path: ["tensor", "shape"], abstract: "The dimensions of a tensor as a list.",
            arguments: [ArgumentSpec("tensor", .tensor, help: "The input.")],
            examples: ["tensor shape (tensor zeros [2 3])"],
            run: { inv in .list(try inv.tensor("tensor").shape.map { .int($0) }) }),
        CommandSpec(
            path: ["tensor", "info"], abstract: "Shape and statistics of a tensor as a record.",
            arguments: [ArgumentSpec("tensor", .tensor, help: "The input.")],
            examples: ["tensor info (tensor randn [100] --seed 3)"],
            run: { inv in .record(statistics(of: try inv.tensor("tensor"))) }),
        CommandSpec(
            path: ["tensor", "save"], abstract: "Writes a tensor to a float32 .npy file, atomically.",
            arguments: [ArgumentSpec("tensor", .tensor, help: "The tensor to write."),
                        ArgumentSpec("file", .path, help: "The .npy file.", completion: .files(["npy"]))],
            examples: ["tensor save (tensor arange 4) a.npy"],
            run: { inv in
                let path = try inv.path("file")
                try NPY.write(try inv.tensor("tensor"), to: path)
                return .string(path)
            }),
        CommandSpec(
            path: ["tensor", "load"], abstract: "Reads a .npy file (float32/float64/ints converted to float32).",
            arguments: [ArgumentSpec("file", .path, help: "The .npy file.", completion: .files(["npy"]))],
            examples: ["tensor load a.npy"],
            run: { inv in .tensor(try NPY.read(try inv.path("file"))) }),
    ] + TensorOperations.commands

    /// shape, count, mean, std, min, max of a tensor.
    static func statistics(of t: Tensor) -> Record {
        let values = t.contiguous().toArray()
        var record = Record([("shape", .list(t.shape.map { .int($0) })), ("count", .int(values.count))])
        guard !values.isEmpty else { return record }
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)
        record["mean"] = .double(mean)
        record["std"] = .double(variance.squareRoot())
        record["min"] = .float(values.min()!)
        record["max"] = .float(values.max()!)
        return record
    }
}
