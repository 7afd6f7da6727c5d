import CVectorMath
import Glibc

/// Row-wise kernels over contiguous `[rows, n]` arrays: softmax and layer normalisation, forward and
/// backward. Rows are split over cores.

/// `y = softmax(x)` per row (max-subtracted); with `log: true`, `y = log_softmax(x)`.
public func softmaxRows(_ x: UnsafePointer<Float>, rows: Int, n: Int, log: Bool, into y: UnsafeMutablePointer<Float>) {
    let px = SendableConstPointer(x), py = SendablePointer(y)
    Parallel.forEachChunk(rows, grain: Swift.max(1, 16_384 / Swift.max(n, 1))) { range in
        for r in range {
            let input = px.base + r * n, out = py.base + r * n
            let logSumExp = softmaxRow(input, n, into: out)
            if log { for j in 0..<n { out[j] = input[j] - logSumExp } }
        }
    }
}

/// Writes `softmax(x[0..<n])` to `y` (which may be `x`) and returns the row's log-sum-exp. A row of
/// -inf (everything masked) gives zeros and -inf; a NaN gives NaNs. AVX-512 where `KernelVariants` says so.
/// With `normalizer`, `y` keeps `exp(x - max)` and `1 / Σ exp(x - max)` (0 for a row of -inf) goes
/// there: the caller scales what it computes from `y` (attention its output row) and saves a pass.
@inline(__always)
public func softmaxRow(_ x: UnsafePointer<Float>, _ n: Int, into y: UnsafeMutablePointer<Float>,
                       normalizer: UnsafeMutablePointer<Float>? = nil) -> Float {
    if KernelVariants.avx512 { return rlr_softmax_row_avx512(x, n, y, normalizer) }
    let peak = reduceRow(.max, x, n)
    guard peak != -.infinity else {
        y.update(repeating: 0, count: n)
        normalizer?.pointee = 0
        return -.infinity
    }
    var total = SIMD8<Float>(repeating: 0)
    var i = 0
    while i + 8 <= n {
        let e = VectorMath.exp(UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self) - peak)
        UnsafeMutableRawPointer(y + i).storeBytes(of: e, as: SIMD8<Float>.self)
        total += e
        i += 8
    }
    var sum = total.sum()
    while i < n {
        y[i] = VectorMath.exp(SIMD8(repeating: x[i] - peak))[0]
        sum += y[i]
        i += 1
    }
    let inverse = 1 / sum
    if let normalizer { normalizer.pointee = inverse } else { for j in 0..<n { y[j] *= inverse } }
    return peak + Float(Glibc.log(Double(sum)))
}

/// Gradient of row softmax: `dx = y * (g - sum(g * y))`; of log-softmax: `dx = g - softmax * sum(g)`.
public func softmaxRowsBackward(y: UnsafePointer<Float>, gradient: UnsafePointer<Float>, rows: Int, n: Int, log: Bool,
                                into dx: UnsafeMutablePointer<Float>) {
    let py = SendableConstPointer(y), pg = SendableConstPointer(gradient), pd = SendablePointer(dx)
    Parallel.forEachChunk(rows, grain: Swift.max(1, 16_384 / Swift.max(n, 1))) { range in
        for r in range {
            let out = py.base + r * n, g = pg.base + r * n, d = pd.base + r * n
            if log {
                let total = reduceRow(.sum, g, n)
                for j in 0..<n { d[j] = g[j] - Float(Glibc.exp(Double(out[j]))) * total }
            } else {
                var dot: Float = 0
                for j in 0..<n { dot += g[j] * out[j] }
                for j in 0..<n { d[j] = out[j] * (g[j] - dot) }
            }
        }
    }
}

/// Layer normalisation of each row: `y = (x - mean) * rstd` (AVX-512 where `KernelVariants` says so),
/// then with `affine` `y * weight + bias` on the row while it is in cache (the bits of applying them
/// as separate passes; for inference, where the backward pass needs no `(x - mean) * rstd`).
/// Writes the per-row `mean` and `rstd = 1/sqrt(var + eps)` for the backward pass.
public func layerNormRows(_ x: UnsafePointer<Float>, rows: Int, n: Int, epsilon: Float,
                          affine: (weight: UnsafePointer<Float>, bias: UnsafePointer<Float>)? = nil,
                          into y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>) {
    let px = SendableConstPointer(x), py = SendablePointer(y), pm = SendablePointer(mean), pr = SendablePointer(rstd)
    let weight = affine.map { SendableConstPointer($0.weight) }, bias = affine.map { SendableConstPointer($0.bias) }
    Parallel.forEachChunk(rows, grain: Swift.max(1, 16_384 / Swift.max(n, 1))) { range in
        for r in range {
            let input = px.base + r * n, out = py.base + r * n
            if KernelVariants.avx512 {
                rlr_layer_norm_row_avx512(input, n, epsilon, out, pm.base + r, pr.base + r)
            } else {
                let mu = reduceRow(.sum, input, n) / Float(n)
                let variance = sumOfProducts(input, input, n, centeredAt: mu) / Float(n)
                let scale = 1 / (variance + epsilon).squareRoot()
                for j in 0..<n { out[j] = (input[j] - mu) * scale }
                pm[r] = mu
                pr[r] = scale
            }
            if let weight, let bias { for j in 0..<n { out[j] = out[j] * weight[j] + bias[j] } }
        }
    }
}

/// Gradient of row normalisation given the normalised output `xhat` and upstream `g`:
/// `dx = rstd * (g - mean(g) - xhat * mean(g * xhat))`.
public func layerNormRowsBackward(xhat: UnsafePointer<Float>, gradient: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                                  rows: Int, n: Int, into dx: UnsafeMutablePointer<Float>) {
    let ph = SendableConstPointer(xhat), pg = SendableConstPointer(gradient), pr = SendableConstPointer(rstd)
    let pd = SendablePointer(dx)
    Parallel.forEachChunk(rows, grain: Swift.max(1, 16_384 / Swift.max(n, 1))) { range in
        for r in range {
            let h = ph.base + r * n, g = pg.base + r * n, d = pd.base + r * n
            if KernelVariants.avx512 {
                rlr_layer_norm_backward_row_avx512(h, g, pr[r], n, d)
                continue
            }
            let meanG = reduceRow(.sum, g, n) / Float(n), meanGH = sumOfProducts(g, h, n) / Float(n)
            let s = pr[r]
            for j in 0..<n { d[j] = s * (g[j] - meanG - h[j] * meanGH) }
        }
    }
}

/// `sum_j (a[j] - c)(b[j] - c)` in eight float lanes (a plain loop sums one float at a time: the
/// compiler may not reorder a float sum).
@inline(__always)
func sumOfProducts(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int, centeredAt c: Float = 0) -> Float {
    var lanes = SIMD8<Float>(repeating: 0)
    var j = 0
    while j + 8 <= n {
        let x = UnsafeRawPointer(a + j).loadUnaligned(as: SIMD8<Float>.self) - c
        let y = UnsafeRawPointer(b + j).loadUnaligned(as: SIMD8<Float>.self) - c
        lanes.addProduct(x, y)
        j += 8
    }
    var total = lanes.sum()
    while j < n { total += (a[j] - c) * (b[j] - c); j += 1 }
    return total
}
