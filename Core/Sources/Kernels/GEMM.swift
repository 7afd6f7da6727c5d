import COpenBLAS

/// Row-major single-precision matrix multiply on OpenBLAS:
/// `C[m, n] = alpha * op(A)[m, k] * op(B)[k, n] + beta * C`.
///
/// `lda`, `ldb`, `ldc` are the row strides of A, B and C as stored (before transposition).
@inlinable
public func sgemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
                  alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                  beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        if beta == 0 { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
        return
    }
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// OpenBLAS thread count and the name of the kernel it selected for this CPU.
public enum BLAS {
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }

    public static var coreName: String { String(cString: openblas_get_corename()) }
}
