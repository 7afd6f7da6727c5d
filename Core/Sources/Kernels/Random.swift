import Glibc

/// A seeded, platform-independent random generator (xoshiro256**, seeded by SplitMix64).
///
/// The same seed gives the same numbers on every machine: no system entropy, no Foundation.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var s = seed
        func splitMix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 24 bits of precision.
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Fills with uniform samples in `[low, high)`.
    public mutating func fillUniform(_ buffer: UnsafeMutableBufferPointer<Float>, low: Float, high: Float) {
        for i in buffer.indices { buffer[i] = low + (high - low) * nextUniform() }
    }

    /// Fills with standard normal samples (Box-Muller in Double, so results do not depend on libm's float paths).
    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>, mean: Float = 0, std: Float = 1) {
        var i = 0
        while i < buffer.count {
            let u1 = (Double(next() >> 11) + 1) * (1.0 / 9_007_199_254_740_993.0)
            let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
            let radius = (-2 * log(u1)).squareRoot()
            buffer[i] = mean + std * Float(radius * cos(2 * Double.pi * u2))
            if i + 1 < buffer.count { buffer[i + 1] = mean + std * Float(radius * sin(2 * Double.pi * u2)) }
            i += 2
        }
    }
}
