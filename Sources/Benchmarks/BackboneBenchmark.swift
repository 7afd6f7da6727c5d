import Backbones
import Foundation
import Kernels
import Tensors

/// Times feature extraction of a random batch: warm-up runs, then the median of timed runs.
struct BackboneBenchmark {
    var name = "efficientnet-lite0"
    var weights: String?
    var batch = 8
    var size = 256
    var taps = ["s8", "s16"]
    var warmup = 2
    var repeats = 10

    /// One JSON line: configuration, median/min/max milliseconds, threads and the OpenBLAS kernel.
    func run() throws -> String {
        let backbone = try BackboneRegistry.make(name, weightsPath: weights)
        var generator = RandomGenerator(seed: 20_240_601)
        let images = Tensor.rand([batch, 3, size, size], generator: &generator)
        var times: [Double] = [], cpuTimes: [Double] = []
        for iteration in 0..<(warmup + repeats) {
            let start = DispatchTime.now().uptimeNanoseconds, cpuStart = Self.processCPUMilliseconds()
            _ = try backbone.features(images, taps: taps, scaling: .unitRange)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            if iteration >= warmup {
                times.append(elapsed)
                cpuTimes.append(Self.processCPUMilliseconds() - cpuStart)
            }
        }
        times.sort()
        cpuTimes.sort()
        let median = times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
        let fields: [(String, String)] = [
            ("case", "\"backbone_b\(batch)\""), ("impl", "\"rlr-swift\""), ("backbone", "\"\(name)\""),
            ("input", "\"3x\(size)x\(size)\""), ("taps", "\"\(taps.joined(separator: ","))\""),
            ("threads", "\(Parallel.threadCount)"), ("blas_core", "\"\(BLAS.coreName)\""),
            ("median_ms", String(format: "%.3f", median)), ("min_ms", String(format: "%.3f", times.first!)),
            ("max_ms", String(format: "%.3f", times.last!)), ("repeat", "\(repeats)"),
            ("per_image_ms", String(format: "%.3f", median / Double(batch))),
            ("cpu_ms_median", String(format: "%.3f", cpuTimes[cpuTimes.count / 2])),
        ]
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// CPU time of the whole process (all threads) in milliseconds: steadier than wall time on a busy host.
    static func processCPUMilliseconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) / 1e6
    }
}
