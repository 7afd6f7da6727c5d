import Benchmarks
import Foundation

// rlr-bench SUITE [--repeat N] [--warmup N]: prints one JSON line per case (see scripts/bench).
let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, _ fallback: Int) -> Int {
    arguments.firstIndex(of: name).flatMap { arguments.indices.contains($0 + 1) ? Int(arguments[$0 + 1]) : nil } ?? fallback
}
let timing = Timing(warmup: option("--warmup", 2), repeats: option("--repeat", 5))
switch arguments.first {
case "tensor": TensorBenchmarks.run(timing: timing)
case "train": TrainBenchmarks.run(timing: timing)
default:
    print("usage: rlr-bench tensor|train [--repeat N] [--warmup N]")
    exit(2)
}
