/// Vectorised transcendental functions on `SIMD8<Float>` (Cephes-style polynomials, ~2 ulp).
public enum VectorMath {
    public typealias V = SIMD8<Float>

    /// e^x, correctly saturating to 0 and +inf.
    @inline(__always) public static func exp(_ x: V) -> V {
        let clamped = x.clamped(lowerBound: V(repeating: -87.3365), upperBound: V(repeating: 88.7228))
        let n = (clamped * 1.442_695_04).rounded(.toNearestOrEven)
        var r = clamped - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        var p = V(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let poly = p * r * r + r + 1
        let exponent = (SIMD8<Int32>(n, rounding: .towardZero) &+ 127) &<< 23
        var result = poly * unsafeBitCast(exponent, to: V.self)
        result.replace(with: V(repeating: .infinity), where: x .> 88.7228)
        result.replace(with: V(repeating: 0), where: x .< -87.3365)
        result.replace(with: x, where: x .!= x)
        return result
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

    @inline(__always) static func abs(_ x: V) -> V {
        unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: V.self)
    }
}
