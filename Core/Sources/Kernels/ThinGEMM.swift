import CVectorMath

/// Single-threaded row-major product `C[m, n] = alpha * op(A)[m, k] * B[k, n] (+ C)` with
/// register blocking (4 rows x 16 columns of C, 8 SIMD8 accumulators; then 8 columns) and no packing;
/// where `KernelVariants.avx512`, 8 rows x 32 columns in 16 AVX-512 accumulators with masked tails (C).
///
/// Made for the products of attention with small head sizes, where one dimension is 16-64 and
/// OpenBLAS packs both operands on every call (`rlr-bench tensor --cases thin`: 85-108 GF/s here
/// against OpenBLAS's 65-97 on the same shapes). `B` must be
/// row-major and not transposed: callers transpose small operands once with `transpose`. Keep
/// row strides of A and B off multiples of 4 KB (pad by a cache line): rows that all map to one L1
/// set make it 2-4x slower.
/// `op(A)` is `A` (`a[i * lda + p]`) or, with `transposeA`, `Aᵀ` (`a[p * lda + i]`).
public func thinGEMM(transposeA: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     accumulate: Bool = false, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if KernelVariants.avx512 {
        rlr_thin_gemm_avx512(transposeA ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, accumulate ? 1 : 0, c, ldc)
        return
    }
    // Element (i, p) of op(A) is at a + i * rowStep + p * depthStep.
    let (rowStep, depthStep) = transposeA ? (1, lda) : (lda, 1)
    var i = 0
    while i < m {
        let rows = Swift.min(4, m - i)
        var j = 0
        while j + 16 <= n {
            thinBlock(rows: rows, wide: true, k: k, alpha: alpha, a: a + i * rowStep, rowStep: rowStep, depthStep: depthStep,
                      b: b + j, ldb: ldb, accumulate: accumulate, c: c + i * ldc + j, ldc: ldc)
            j += 16
        }
        if j + 8 <= n {
            thinBlock(rows: rows, wide: false, k: k, alpha: alpha, a: a + i * rowStep, rowStep: rowStep, depthStep: depthStep,
                      b: b + j, ldb: ldb, accumulate: accumulate, c: c + i * ldc + j, ldc: ldc)
            j += 8
        }
        // Columns left over (n not a multiple of 8): plain dot products.
        for row in i..<(i + rows) {
            for column in j..<n {
                var total: Float = 0
                for p in 0..<k { total += a[row * rowStep + p * depthStep] * b[p * ldb + column] }
                let target = c + row * ldc + column
                target.pointee = accumulate ? target.pointee + alpha * total : alpha * total
            }
        }
        i += rows
    }
}

/// Writes `B[columns, rows]` = `A[rows, columns]`ᵀ (row strides `lda` and `ldb`).
public func transpose(_ a: UnsafePointer<Float>, rows: Int, columns: Int, lda: Int, into b: UnsafeMutablePointer<Float>, ldb: Int) {
    for r in 0..<rows {
        for column in 0..<columns { b[column * ldb + r] = a[r * lda + column] }
    }
}

/// Up to 4 rows x 16 (`wide`) or 8 columns of C over the whole depth `k`.
@inline(__always)
private func thinBlock(rows: Int, wide: Bool, k: Int, alpha: Float, a: UnsafePointer<Float>, rowStep: Int, depthStep: Int,
                       b: UnsafePointer<Float>, ldb: Int, accumulate: Bool, c: UnsafeMutablePointer<Float>, ldc: Int) {
    typealias V = SIMD8<Float>
    var (c00, c01, c10, c11) = (V(), V(), V(), V())
    var (c20, c21, c30, c31) = (V(), V(), V(), V())
    // Rows past `rows` read row 0 again (always valid) and are not stored.
    let (r1, r2, r3) = (rows > 1 ? rowStep : 0, rows > 2 ? 2 * rowStep : 0, rows > 3 ? 3 * rowStep : 0)
    var pa = a, pb = UnsafeRawPointer(b)
    for _ in 0..<k {
        let b0 = pb.loadUnaligned(as: V.self)
        let a0 = V(repeating: pa[0]), a1 = V(repeating: pa[r1]), a2 = V(repeating: pa[r2]), a3 = V(repeating: pa[r3])
        c00.addProduct(a0, b0); c10.addProduct(a1, b0); c20.addProduct(a2, b0); c30.addProduct(a3, b0)
        if wide {
            let b1 = (pb + 32).loadUnaligned(as: V.self)
            c01.addProduct(a0, b1); c11.addProduct(a1, b1); c21.addProduct(a2, b1); c31.addProduct(a3, b1)
        }
        pa += depthStep
        pb += ldb * 4
    }
    let scale = V(repeating: alpha)
    @inline(__always) func store(_ row: Int, _ low: V, _ high: V) {
        let target = UnsafeMutableRawPointer(c + row * ldc)
        var x = low * scale
        if accumulate { x += target.loadUnaligned(as: V.self) }
        target.storeBytes(of: x, as: V.self)
        guard wide else { return }
        var y = high * scale
        if accumulate { y += (target + 32).loadUnaligned(as: V.self) }
        (target + 32).storeBytes(of: y, as: V.self)
    }
    store(0, c00, c01)
    if rows > 1 { store(1, c10, c11) }
    if rows > 2 { store(2, c20, c21) }
    if rows > 3 { store(3, c30, c31) }
}
