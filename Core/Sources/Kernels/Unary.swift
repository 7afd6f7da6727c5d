import CVectorMath
import Glibc

/// Unary elementwise operations, each with its derivative for autograd.
public enum UnaryOp: Sendable {
    case exp, log, sqrt, abs, tanh, sigmoid, relu, relu6, gelu, silu, sin, cos

    /// f(x) for one element.
    @inlinable public func callAsFunction(_ x: Float) -> Float {
        switch self {
        case .exp: return expf(x)
        case .log: return logf(x)
        case .sqrt: return sqrtf(x)
        case .abs: return Swift.abs(x)
        case .tanh: return tanhf(x)
        case .sigmoid: return 1 / (1 + expf(-x))
        case .relu: return x > 0 ? x : 0
        case .relu6: return Swift.min(Swift.max(x, 0), 6)
        case .gelu: return 0.5 * x * (1 + erff(x * 0.707_106_78))
        case .silu: return x / (1 + expf(-x))
        case .sin: return sinf(x)
        case .cos: return cosf(x)
        }
    }

    /// f'(x) given x and y = f(x).
    @inlinable public func derivative(x: Float, y: Float) -> Float {
        switch self {
        case .exp: return y
        case .log: return 1 / x
        case .sqrt: return 0.5 / y
        case .abs: return x > 0 ? 1 : (x < 0 ? -1 : 0)
        case .tanh: return 1 - y * y
        case .sigmoid: return y * (1 - y)
        case .relu: return x > 0 ? 1 : 0
        case .relu6: return x > 0 && x < 6 ? 1 : 0
        case .gelu: return 0.5 * (1 + erff(x * 0.707_106_78)) + x * 0.398_942_28 * expf(-0.5 * x * x)
        case .silu:
            let s = 1 / (1 + expf(-x))
            return s * (1 + x * (1 - s))
        case .sin: return cosf(x)
        case .cos: return -sinf(x)
        }
    }
}

/// `out[i] = op(x[i])` over contiguous buffers, vectorised where a SIMD form exists (AVX-512 for exp and
/// GELU where `KernelVariants` says so), split over cores.
public func unary(_ op: UnaryOp, _ x: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>) {
    let px = SendableConstPointer(x), po = SendablePointer(out)
    Parallel.forEachChunk(count, grain: 16_384) { range in
        var i = range.lowerBound
        let end = range.upperBound
        if KernelVariants.avx512 && (op == .exp || op == .gelu) {
            (op == .exp ? rlr_exp_avx512 : rlr_gelu_avx512)(px.base + i, end - i, po.base + i)
            return
        }
        func vector(_ f: (SIMD8<Float>) -> SIMD8<Float>) {
            while i + 8 <= end {
                let v = UnsafeRawPointer(px.base + i).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(po.base + i).storeBytes(of: f(v), as: SIMD8<Float>.self)
                i += 8
            }
        }
        switch op {
        case .exp: vector(VectorMath.exp)
        case .sigmoid: vector(VectorMath.sigmoid)
        case .tanh: vector(VectorMath.tanh)
        case .silu: vector { $0 * VectorMath.sigmoid($0) }
        case .gelu: vector(VectorMath.gelu)
        case .relu: vector { $0.replacing(with: 0, where: $0 .< 0) }
        case .relu6: vector { VectorMath.clamp($0, 0, 6) }
        default: break
        }
        while i < end { po[i] = op(px[i]); i += 1 }
    }
}

/// `out[i] = g[i] * op'(x[i])` (y = op(x) supplied for the ops whose derivative uses it).
public func unaryBackward(_ op: UnaryOp, x: UnsafePointer<Float>, y: UnsafePointer<Float>, gradient: UnsafePointer<Float>,
                          count: Int, into out: UnsafeMutablePointer<Float>) {
    let px = SendableConstPointer(x), py = SendableConstPointer(y), pg = SendableConstPointer(gradient)
    let po = SendablePointer(out)
    Parallel.forEachChunk(count, grain: 16_384) { range in
        var i = range.lowerBound
        let end = range.upperBound
        if KernelVariants.avx512 && op == .gelu {
            rlr_gelu_backward_avx512(px.base + i, pg.base + i, end - i, po.base + i)
            return
        }
        func vector(_ derivative: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>) {
            while i + 8 <= end {
                let x = UnsafeRawPointer(px.base + i).loadUnaligned(as: SIMD8<Float>.self)
                let y = UnsafeRawPointer(py.base + i).loadUnaligned(as: SIMD8<Float>.self)
                let g = UnsafeRawPointer(pg.base + i).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(po.base + i).storeBytes(of: g * derivative(x, y), as: SIMD8<Float>.self)
                i += 8
            }
        }
        switch op {
        case .exp: vector { _, y in y }
        case .sigmoid: vector { _, y in y * (1 - y) }
        case .tanh: vector { _, y in 1 - y * y }
        case .relu: vector { x, _ in SIMD8(repeating: 1).replacing(with: 0, where: x .<= 0) }
        case .gelu: vector { x, _ in VectorMath.geluDerivative(x) }
        case .silu: vector { x, _ in
            let s = VectorMath.sigmoid(x)
            return s * (1 + x * (1 - s))
        }
        default: break
        }
        while i < end { po[i] = pg[i] * op.derivative(x: px[i], y: py[i]); i += 1 }
    }
}
