import CVectorMath

/// Vectorised transcendental functions on `SIMD8<Float>` (Cephes-style polynomials, ~2 ulp; exp and
/// erf are in CVectorMath, C that compiles to FMA instructions).
public enum VectorMath {
    public typealias V = SIMD8<Float>

    /// e^x (~2 ulp); +inf above 88.72, 0 below -87.3 (no denormals), NaN stays NaN.
    @inline(__always) public static func exp(_ x: V) -> V { rlr_exp8(x) }

    /// The error function (|error| < 1.5e-7).
    @inline(__always) public static func erf(_ x: V) -> V { rlr_erf8(x) }

    /// x Φ(x) with Φ the standard normal CDF (exact GELU).
    @inline(__always) public static func gelu(_ x: V) -> V {
        0.5 * x * (1 + erf(x * 0.707_106_78))
    }

    /// d/dx GELU = Φ(x) + x φ(x).
    @inline(__always) public static func geluDerivative(_ x: V) -> V {
        0.5 * (1 + erf(x * 0.707_106_78)) + x * 0.398_942_28 * exp(-0.5 * x * x)
    }

    /// 1 / (1 + e^-x).
    @inline(__always) public static func sigmoid(_ x: V) -> V {
        1 / (1 + exp(-x))
    }

    /// tanh(x) = 2 sigmoid(2x) - 1, with the small-|x| range done by its odd polynomial for accuracy.
    @inline(__always) public static func tanh(_ x: V) -> V {
        let viaExp = 2 / (1 + exp(-2 * x)) - 1
        let x2 = x * x
        var p = V(repeating: -5.704_988_7e-3)
        p = p * x2 + 2.063_908_9e-2
        p = p * x2 - 5.373_971_9e-2
        p = p * x2 + 1.333_149_3e-1
        p = p * x2 - 3.333_321_4e-1
        let small = x + x * x2 * p
        var result = viaExp
        result.replace(with: small, where: abs(x) .< 0.625)
        return result
    }

    /// `min(max(x, low), high)` lane-wise (the stdlib's pointwiseMin/Max are not inlined: calls per vector).
    @inline(__always) public static func clamp(_ x: V, _ low: Float, _ high: Float) -> V {
        let raised = x.replacing(with: low, where: x .< low)
        return raised.replacing(with: high, where: raised .> high)
    }

    @inline(__always) static func abs(_ x: V) -> V {
        unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: V.self)
    }
}
