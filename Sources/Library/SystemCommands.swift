import Commands
import Glibc
import Kernels

/// `doctor`: what rlr runs on and whether anything runs slower than this CPU allows.
public enum SystemCommands {
    public static let commands: [CommandSpec] = [
        CommandSpec(
            path: ["doctor"], abstract: "Prints the CPU, its vector extensions, the BLAS kernels rlr runs, threads, and warnings.",
            discussion: "Loads the BLAS as a product would (so its choice, self-check and warnings are the ones a run "
                + "gets) and times a 512x512x512 SGEMM on one thread and on all. Any line starting 'warning:' means "
                + "some work runs slower than this CPU allows (e.g. OpenBLAS's generic kernels).",
            examples: ["doctor"],
            run: { inv in
                inv.print(report())
                return .nil
            }),
    ]

    /// The doctor report, one `name: value` line each, warnings last.
    static func report() -> String {
        let cpu = CPU.current, blas = BLAS.status
        let features = CPU.Feature.allCases.filter(cpu.has).map(\.rawValue).joined(separator: " ")
        var lines = [
            "cpu:      \(cpu.brand.isEmpty ? "unknown" : cpu.brand) (\(cpu.signature)), \(Parallel.threadCount) threads",
            "isa:      \(features.isEmpty ? "none beyond SSE2" : features)",
            "vectors:  \(cpu.level) usable" + (cpu.disabledByOS.isEmpty ? "" : "; not enabled by the OS: "
                + CPU.Feature.allCases.filter(cpu.disabledByOS.contains).map(\.rawValue).joined(separator: " ")),
            "rlr:      kernels compiled for AVX2+FMA (haswell); AVX-512 variants (softmax, exp, GELU, LayerNorm, attention products, Adam, depthwise convolution): "
                + (KernelVariants.avx512 ? "in use" : KernelVariants.available ? "off (RLR_KERNELS=avx2)" : "not for this CPU"),
            "blas:     \(blas.library)",
            "kernel:   \(blas.core) (\(blas.choice))"
                + (blas.core == "rlr built-in" ? ", see the warnings" : "; self-check against a plain loop: passed"),
            "threads:  \(Parallel.threadCount) rlr workers, \(blas.threads) OpenBLAS thread (rlr splits products itself)",
            "sgemm:    512x512x512, best of 7: \(gflops(threads: 1)) GFLOP/s on 1 thread (its CPU time), "
                + "\(gflops(threads: Parallel.threadCount)) on \(Parallel.threadCount) (wall time)",
        ]
        lines += blas.warnings.map { "warning:  \($0)" }
        return lines.joined(separator: "\n")
    }

    /// Best speed of a 512^3 SGEMM (through `sgemm`, split across `threads`) in GFLOP/s; one thread is
    /// timed by its own CPU time, so other processes on a shared machine do not count against it.
    static func gflops(threads: Int) -> String {
        let n = 512
        let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        var seconds: [Double] = []
        let clock = threads == 1 ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC
        Parallel.withThreadCount(threads) {
            for _ in 0..<7 {
                let start = now(clock)
                sgemm(m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: &c, ldc: n)
                seconds.append(now(clock) - start)
            }
        }
        return String(Int((2 * Double(n * n * n) / seconds.min()! / 1e9).rounded()))
    }

    static func now(_ clock: clockid_t) -> Double {
        var t = timespec()
        clock_gettime(clock, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
