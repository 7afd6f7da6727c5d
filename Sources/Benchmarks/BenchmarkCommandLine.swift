import Backbones
import Commands
import Kernels

/// Parses `rlr-bench` arguments into a benchmark and runs it.
enum BenchmarkCommandLine {
    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ arguments: [String]) throws -> String {
        if arguments.first == "pointwise" { return PointwiseBenchmark().run() }
        if arguments.first == "depthwise" { return DepthwiseBenchmark().run() }
        if arguments.first == "variants" { return VariantBenchmark().run() }
        if ["tensor", "train", "score"].contains(arguments.first) {
            // JSON lines for scripts/bench/run: rlr-bench tensor|train|score [--warmup N] [--repeat N] [--cases A,B] [--model M]
            var timing = Timing()
            var rest = arguments.dropFirst()
            while let option = rest.popFirst() {
                if option == "--cases", let names = rest.popFirst() {
                    timing.cases = Set(names.split(separator: ",").map(String.init))
                    continue
                }
                if option == "--model", let path = rest.popFirst() {
                    timing.model = path
                    continue
                }
                guard let value = rest.popFirst().flatMap(Int.init), value >= 0 else { throw UsageError(description: "option \(option) needs a count") }
                switch option {
                case "--warmup": timing.warmup = value
                case "--repeat": timing.repeats = Swift.max(value, 1)
                default: throw UsageError(description: "unknown option \(option)")
                }
            }
            switch arguments.first {
            case "tensor": TensorBenchmarks.run(timing: timing)
            case "train": TrainBenchmarks.run(timing: timing)
            default: try ScoreBenchmarks.run(timing: timing)
            }
            return ""
        }
        guard arguments.first == "backbone" else { throw UsageError(description: "unknown benchmark \(arguments.first ?? "(none)")") }
        var benchmark = BackboneBenchmark()
        var rest = arguments.dropFirst()
        while let option = rest.popFirst() {
            guard let value = rest.popFirst() else { throw UsageError(description: "option \(option) needs a value") }
            func integer() throws -> Int {
                guard let n = Int(value), n > 0 else { throw UsageError(description: "\(option) needs a positive integer, got \(value)") }
                return n
            }
            switch option {
            case "--name": benchmark.name = value
            case "--weights": benchmark.weights = value
            case "--batch": benchmark.batch = try integer()
            case "--size": benchmark.size = try integer()
            case "--taps": benchmark.taps = value.split(separator: ",").map(String.init)
            case "--warmup": benchmark.warmup = try integer()
            case "--repeat": benchmark.repeats = try integer()
            case "--threads": Parallel.threadCount = try integer()
            case "--plugin":
                BackboneRegistry.registerBuiltIns()
                try PluginHost.load(value, commands: CommandRegistry())
            default: throw UsageError(description: "unknown option \(option)")
            }
        }
        return try benchmark.run()
    }
}
