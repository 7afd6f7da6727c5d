import Kernels
import NN
import Tensors

/// The tensor library's speed: GEMM through `Tensor.matmul` against raw `cblas_sgemm` on the same
/// shapes, elementwise/reduction bandwidth, and a multi-head attention forward + backward.
enum TensorBenchmarks {
    static func run(timing: Timing) {
        report(["case": "blas", "kernel": BLAS.coreName, "threads": BLAS.threads])
        for (group, run) in [("matmul", matmul), ("thin", thinProducts), ("elementwise", elementwise), ("attention", attention)]
        where timing.includes(group) {
            run(timing)
        }
    }

    static func matmul(_ timing: Timing) {
        var generator = RandomGenerator(seed: 1)
        for (batch, m, k, n) in [(1, 1024, 1024, 1024), (1, 4096, 256, 256), (1, 4096, 256, 1024), (32, 1024, 32, 1024), (32, 1024, 1024, 32)] {
            let a = Tensor.randn(batch == 1 ? [m, k] : [batch, m, k], generator: &generator)
            let b = Tensor.randn(batch == 1 ? [k, n] : [batch, k, n], generator: &generator)
            let flops = 2.0 * Double(batch * m * n * k)
            let viaTensor = timing.median { _ = a.matmul(b) }
            let c = Tensor.zeros([batch, m, n])
            let raw = timing.median {
                for i in 0..<batch {
                    sgemm(m: m, n: n, k: k, a: a.pointer + i * m * k, lda: k, b: b.pointer + i * k * n, ldb: n,
                          c: c.pointer + i * m * n, ldc: n)
                }
            }
            report(["case": "matmul_\(batch)x\(m)x\(k)x\(n)", "median_ms": viaTensor, "raw_sgemm_ms": raw,
                    "gflops": flops / viaTensor / 1e6, "raw_gflops": flops / raw / 1e6, "impl": "swift"])
        }
    }

    /// The products of attention with head size d (one thread), laid out as DenseAttention does (rows
    /// of keys padded by 16 floats): logits q kᵀ [64, N] (kᵀ pre-transposed), P v [64, d], and the
    /// backward pass's Pᵀ dO [N, d], by `thinGEMM` and by OpenBLAS.
    static func thinProducts(_ timing: Timing) {
        ThinProduct.cases(shapes: [(16, 1024), (32, 1024), (64, 256)]) { product in
            let thin = timing.median { product.repeated { thinGEMM(transposeA: $0, m: $1, n: $2, k: $3, a: $4, lda: $5, b: $6, ldb: $7, c: $8, ldc: $9) } }
            let blas = timing.median { product.repeated { sgemm(transposeA: $0, m: $1, n: $2, k: $3, a: $4, lda: $5, b: $6, ldb: $7, c: $8, ldc: $9) } }
            let flops = 2.0 * Double(ThinProduct.calls * product.m * product.n * product.k)
            report(["case": product.name, "median_ms": thin, "sgemm_ms": blas,
                    "gflops": flops / thin / 1e6, "sgemm_gflops": flops / blas / 1e6, "impl": "swift"])
        }
    }

    static func elementwise(_ timing: Timing) {
        var generator = RandomGenerator(seed: 2)
        let x = Tensor.randn([16, 1024, 1024], generator: &generator), y = Tensor.randn([16, 1024, 1024], generator: &generator)
        let row = Tensor.randn([1024], generator: &generator)
        report(["case": "add_16M", "median_ms": timing.median { _ = x + y }, "impl": "swift"])
        report(["case": "add_broadcast_16M", "median_ms": timing.median { _ = x + row }, "impl": "swift"])
        report(["case": "exp_16M", "median_ms": timing.median { _ = x.exp() }, "impl": "swift"])
        report(["case": "gelu_16M", "median_ms": timing.median { _ = x.gelu() }, "impl": "swift"])
        report(["case": "sum_16M", "median_ms": timing.median { _ = x.sum() }, "impl": "swift"])
        report(["case": "sum_lastaxis_16M", "median_ms": timing.median { _ = x.sum(axis: -1) }, "impl": "swift"])
        report(["case": "softmax_16M", "median_ms": timing.median { _ = x.softmax() }, "impl": "swift"])
    }

    /// B=4, N=1024 tokens, D=256, 8 heads, dense attention with projections: forward, and forward+backward.
    static func attention(_ timing: Timing) {
        var generator = RandomGenerator(seed: 3)
        let layer = MultiHeadAttention(256, heads: 8, generator: &generator)
        let x = Tensor.randn([4, 1024, 256], generator: &generator).requiringGrad()
        let forward = timing.median { _ = withNoGrad { layer(query: x, key: x, value: x) } }
        let both = timing.median {
            layer.zeroGradients()
            x.grad = nil
            layer(query: x, key: x, value: x).sum().backward()
        }
        report(["case": "mha_b4_n1024_d256_h8", "forward_ms": forward, "median_ms": both, "impl": "swift",
                "peak_rss_mb": peakResidentMB()])
    }
}

/// One of attention's products with head size d over N keys, laid out as DenseAttention does (rows of
/// keys padded by 16 floats): `logits` q kᵀ [64, N] (kᵀ pre-transposed), `pv` P v [64, d], and the
/// backward pass's `ptdo` Pᵀ dO [N, d]; random operands, timed as `calls` products in a row.
struct ThinProduct {
    static let calls = 32
    let name: String
    let transposeA: Bool
    let m, n, k, lda, ldb: Int
    let a, b, c: Tensor

    typealias Product = (Bool, Int, Int, Int, UnsafePointer<Float>, Int, UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>, Int) -> Void

    /// Runs `product` (thinGEMM's or sgemm's signature) `calls` times on these operands.
    func repeated(_ product: Product) {
        for _ in 0..<ThinProduct.calls { product(transposeA, m, n, k, a.pointer, lda, b.pointer, ldb, c.pointer, n) }
    }

    /// The three products for each (d, N) of `shapes`, named `thin_NAME_dD_nN`.
    static func cases(shapes: [(d: Int, keys: Int)], _ body: (ThinProduct) -> Void) {
        var generator = RandomGenerator(seed: 3)
        for (d, keys) in shapes {
            let ldp = keys + 16
            for (name, transposeA, m, n, k, lda, ldb) in [("logits", false, 64, keys, d, d, ldp), ("pv", false, 64, d, keys, ldp, d),
                                                         ("ptdo", true, keys, d, 64, ldp, d)] {
                body(ThinProduct(name: "thin_\(name)_d\(d)_n\(keys)", transposeA: transposeA, m: m, n: n, k: k, lda: lda, ldb: ldb,
                                 a: Tensor.randn([(transposeA ? k : m) * lda], generator: &generator),
                                 b: Tensor.randn([k * ldb], generator: &generator), c: Tensor.zeros([m * n])))
            }
        }
    }
}
