/// Row-major single-precision matrix multiply on OpenBLAS (see `BLAS` for how it is chosen and checked):
/// `C[m, n] = alpha * op(A)[m, k] * op(B)[k, n] + beta * C`.
///
/// `lda`, `ldb`, `ldc` are the row strides of A, B and C as stored (before transposition).
/// With `bias` (`[n]`, `beta` must be 0), `C = alpha * op(A) op(B) + bias` on every row: the rows
/// start as the bias and the product accumulates onto them, so no pass adds it afterwards (and
/// OpenBLAS skips the pass that zeroes C for beta 0).
/// OpenBLAS itself runs single-threaded (its idle threads spin and would fight ours for the two
/// cores); large products are split by rows of C across `Parallel`'s threads instead.
public func sgemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
                  alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                  beta: Float = 0, bias: UnsafePointer<Float>? = nil, c: UnsafeMutablePointer<Float>, ldc: Int) {
    precondition(bias == nil || beta == 0, "sgemm with a bias needs beta 0")
    if m == 0 || n == 0 { return }
    if k == 0 {
        for i in 0..<m {
            let row = c + i * ldc
            if let bias { row.update(from: bias, count: n) } else if beta == 0 { row.update(repeating: 0, count: n) } else {
                for j in 0..<n { row[j] *= beta }
            }
        }
        return
    }
    let gemm = BLAS.backend.gemm
    let pa = SendableConstPointer(a), pb = SendableConstPointer(b), pc = SendablePointer(c), pBias = bias.map(SendableConstPointer.init)
    // Rows per thread must be worth it: ~2 MFLOP per chunk at least.
    let grain = Swift.max(16, (1 << 21) / Swift.max(n * k, 1))
    Parallel.forEachChunk(m, grain: grain) { rows in
        let rowOffset = rows.lowerBound * (transposeA ? 1 : lda)
        if let pBias { for i in rows { (pc.base + i * ldc).update(from: pBias.base, count: n) } }
        gemm(101, transposeA ? 112 : 111, transposeB ? 112 : 111, Int32(rows.count), Int32(n), Int32(k),
             alpha, pa.base + rowOffset, Int32(lda), pb.base, Int32(ldb), pBias == nil ? beta : 1,
             pc.base + rows.lowerBound * ldc, Int32(ldc))
    }
}
