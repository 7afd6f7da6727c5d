import Foundation

// rlr-bench: timing harness for rlr's hot paths (see docs/benchmarks.md).
//   rlr-bench backbone [--name efficientnet-lite0] [--weights FILE] [--batch 8] [--size 256]
//                      [--taps s8,s16] [--warmup 2] [--repeat 10] [--threads N] [--plugin PATH]
//   rlr-bench pointwise | depthwise      (single-thread kernel timings on Lite0's layer shapes)
//   rlr-bench variants      (the AVX-512 kernel variants against the AVX2 ones, thread CPU time)
//   rlr-bench tensor | train | score [--warmup N] [--repeat N] [--cases A,B]   (JSON lines; scripts/bench/run puts them next to the peer)
//   rlr-bench score --model M.safetensors   (a trained checkpoint's detector; scripts/bench/onnx puts it next to its ONNX export)
let usage = "usage: rlr-bench backbone [--name NAME] [--weights FILE] [--batch N] [--size PIXELS] [--taps s8,s16] [--warmup N] [--repeat N] [--threads N] [--plugin PATH] | pointwise | depthwise | variants | tensor|train|score [--warmup N] [--repeat N] [--cases A,B] [--model M]"
do {
    let text = try BenchmarkCommandLine.run(Array(CommandLine.arguments.dropFirst()))
    if !text.isEmpty { print(text) }
} catch {
    FileHandle.standardError.write(Data("rlr-bench: \(error)\n\(usage)\n".utf8))
    exit(2)
}
