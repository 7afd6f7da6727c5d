/// Vectorised transcendental functions on `SIMD8<Float>` (Cephes-style polynomials, ~2 ulp).
public enum VectorMath {
    public typealias V = SIMD8<Float>

    /// e^x (Cephes polynomial on the reduced argument). Saturates to +inf above 88.72 and flushes
    /// to 0 below -87.3 (no denormals), so exp(-inf) is exactly 0. Branch- and mask-free: the
    /// exponent is built from clamped float arithmetic and bit casts, so it vectorises fully.
    @inline(__always) public static func exp(_ x: V) -> V {
        let clamped = clamp(x, -104, 88.8)
        let roundingMagic = V(repeating: 12_582_912)          // 1.5 * 2^23: adding it rounds to an integer
        let n = (clamped * 1.442_695_04 + roundingMagic) - roundingMagic
        var r = clamped - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        var p = V(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let poly = p * r * r + r + 1
        // 2^n as a float: biased exponent (n + 127) in [0, 255]; 0 gives 0.0, 255 gives +inf.
        let biased = clamp(n + 127, 0, 255) + 8_388_608
        let bits = (unsafeBitCast(biased, to: SIMD8<UInt32>.self) &- 0x4B00_0000) &<< 23
        return poly * unsafeBitCast(bits, to: V.self)
    }

    /// The error function (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7).
    @inline(__always) public static func erf(_ x: V) -> V {
        let a = abs(x)
        let t = 1 / (1 + 0.327_591_1 * a)
        var p = V(repeating: 1.061_405_429)
        p = p * t - 1.453_152_027
        p = p * t + 1.421_413_741
        p = p * t - 0.284_496_736
        p = p * t + 0.254_829_592
        let magnitude = 1 - p * t * exp(-a * a)
        // Copy the sign of x onto the magnitude.
        let sign = unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x8000_0000
        return unsafeBitCast(unsafeBitCast(magnitude, to: SIMD8<UInt32>.self) | sign, to: V.self)
    }

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
