import Kernels

extension Tensor {
    /// A tensor filled with `value`.
    public static func full(_ shape: [Int], _ value: Float) -> Tensor {
        Tensor(shape: shape) { $0.update(repeating: value) }
    }

    public static func zeros(_ shape: [Int]) -> Tensor { full(shape, 0) }
    public static func ones(_ shape: [Int]) -> Tensor { full(shape, 1) }

    /// `[start, start + step, ...]` below `end`.
    public static func arange(_ start: Float = 0, _ end: Float, step: Float = 1) -> Tensor {
        precondition(step != 0, "arange step must not be zero")
        let count = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor(shape: [count]) { buffer in
            for i in 0..<count { buffer[i] = start + Float(i) * step }
        }
    }

    /// Standard normal samples from `generator`.
    public static func randn(_ shape: [Int], generator: inout RandomGenerator) -> Tensor {
        Tensor(shape: shape) { generator.fillNormal($0) }
    }

    /// Uniform samples in `[low, high)` from `generator`.
    public static func rand(_ shape: [Int], low: Float = 0, high: Float = 1, generator: inout RandomGenerator) -> Tensor {
        Tensor(shape: shape) { generator.fillUniform($0, low: low, high: high) }
    }

    /// A tensor of this one's shape filled with `value`.
    public func fullLike(_ value: Float) -> Tensor { Tensor.full(shape, value) }
}
