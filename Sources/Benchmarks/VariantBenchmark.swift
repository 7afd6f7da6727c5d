import Foundation
import Kernels
import Tensors

/// The AVX-512 variants of the dispatched kernels against the AVX2 ones on this CPU (`rlr-bench
/// variants`): each case called directly on one thread, timed in thread CPU time (other processes on
/// a shared machine do not count), the two variants alternating, the minimum of `rounds` runs each.
struct VariantBenchmark {
    var rounds = 15

    func run() -> String {
        guard KernelVariants.available else { return "{\"case\": \"variants\", \"skipped\": \"this CPU lacks AVX-512\"}" }
        var lines: [String] = []
        func record(_ name: String, _ body: () -> Void) {
            let (avx2, avx512) = compare(body)
            lines.append(String(format: "{\"case\": \"%@\", \"avx2_ms\": %.4f, \"avx512_ms\": %.4f, \"speedup\": %.2f}",
                                name, avx2, avx512, avx2 / avx512))
        }
        // Attention's products as DenseAttention lays them out.
        ThinProduct.cases(shapes: [(16, 1024), (32, 1024), (64, 256), (64, 1024)]) { product in
            record(product.name) { product.repeated { thinGEMM(transposeA: $0, m: $1, n: $2, k: $3, a: $4, lda: $5, b: $6, ldb: $7, c: $8, ldc: $9) } }
        }
        // Lite0's depthwise convolutions, each layer once per run.
        DepthwiseLayer.cases { layer in
            record("depthwise_\(layer.input)_k\(layer.g.kernelWidth)_s\(layer.g.strideX)", layer.run)
        }
        var generator = RandomGenerator(seed: 3)
        // An Adam step over 1 M parameters (the moments after a few steps), once per run.
        let count = 1 << 20
        let (p, g) = (Tensor.randn([count], generator: &generator), Tensor.randn([count], generator: &generator))
        let (m, v) = (Tensor.randn([count], generator: &generator) * 0.01, (Tensor.randn([count], generator: &generator) * 0.01).abs())
        record("adam_1M") {
            adamUpdate(p.pointer, gradient: g.pointer, m: m.pointer, v: v.pointer, count: count, beta1: 0.9, beta2: 0.999, epsilon: 1e-8,
                       weightDecay: 0, decoupled: false, learningRate: 1e-4, stepSize: 1e-4 / 0.271, correction2Root: 0.0632)
        }
        return lines.joined(separator: "\n")
    }

    /// Minimum thread CPU time of `body` in milliseconds under the AVX2 and the AVX-512 variants.
    func compare(_ body: () -> Void) -> (avx2: Double, avx512: Double) {
        let saved = KernelVariants.avx512
        defer { KernelVariants.avx512 = saved }
        var best = (avx2: Double.infinity, avx512: Double.infinity)
        for round in 0..<(rounds + 1) {
            for wide in [false, true] {
                KernelVariants.avx512 = wide
                let ms = threadCPUTime(body)
                guard round > 0 else { continue }  // the first round warms caches
                if wide { best.avx512 = min(best.avx512, ms) } else { best.avx2 = min(best.avx2, ms) }
            }
        }
        return best
    }

    func threadCPUTime(_ body: () -> Void) -> Double {
        var start = timespec(), end = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start)
        body()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end)
        return Double(end.tv_sec - start.tv_sec) * 1e3 + Double(end.tv_nsec - start.tv_nsec) / 1e6
    }
}
