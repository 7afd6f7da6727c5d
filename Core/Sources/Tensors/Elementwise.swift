import Kernels

extension Tensor {
    /// The shape two shapes broadcast to (NumPy rules), or nil when they do not.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = Swift.max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            guard x == y || x == 1 || y == 1 else { return nil }
            result[i] = x == 1 ? y : x
        }
        return result
    }

    /// Strides that read this tensor broadcast to `target` (zeros on broadcast axes).
    func broadcastStrides(to target: [Int]) -> [Int] {
        let lead = target.count - rank
        return (0..<target.count).map { i in
            i < lead || shape[i - lead] == 1 ? 0 : strides[i - lead]
        }
    }

    /// Applies a binary kernel with broadcasting, no autograd.
    func applyBinary(_ op: BinaryOp, _ other: Tensor) -> Tensor {
        guard let outShape = Tensor.broadcastShape(shape, other.shape) else {
            preconditionFailure(ShapeError.mismatch("\(op)", shape, other.shape).description)
        }
        let result = Tensor(shape: outShape) { out in
            binary(op, pointer, broadcastStrides(to: outShape), other.pointer, other.broadcastStrides(to: outShape),
                   shape: outShape, into: out.baseAddress!)
        }
        return withExtendedLifetime((self, other)) { result }
    }

    /// Sums a broadcast gradient back down to `target` (the inverse of broadcasting).
    public func sumToShape(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        var axes = Array(0..<lead)
        for i in 0..<target.count where target[i] == 1 && shape[lead + i] != 1 { axes.append(lead + i) }
        return sum(axes: axes, keepDims: true).reshaped(target)
    }

    // MARK: Differentiable binary primitives

    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let (sa, sb) = (a.shape, b.shape)
        return record(a.applyBinary(.add, b), inputs: [a, b]) { g in [g.sumToShape(sa), g.sumToShape(sb)] }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let (sa, sb) = (a.shape, b.shape)
        return record(a.applyBinary(.subtract, b), inputs: [a, b]) { g in [g.sumToShape(sa), (-g).sumToShape(sb)] }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let (sa, sb) = (a.shape, b.shape)
        return record(a.applyBinary(.multiply, b), inputs: [a, b]) { g in
            [a.requiresGrad ? (g * b.detached()).sumToShape(sa) : nil,
             b.requiresGrad ? (g * a.detached()).sumToShape(sb) : nil]
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let (sa, sb) = (a.shape, b.shape)
        return record(a.applyBinary(.divide, b), inputs: [a, b]) { g in
            let bd = b.detached()
            return [a.requiresGrad ? (g / bd).sumToShape(sa) : nil,
                    b.requiresGrad ? (-(g * a.detached()) / (bd * bd)).sumToShape(sb) : nil]
        }
    }

    public static prefix func - (a: Tensor) -> Tensor {
        record(a.applyBinary(.multiply, Tensor(-1)), inputs: [a]) { g in [-g] }
    }

    public static func + (a: Tensor, b: Float) -> Tensor { a + Tensor(b) }
    public static func - (a: Tensor, b: Float) -> Tensor { a - Tensor(b) }
    public static func * (a: Tensor, b: Float) -> Tensor { a * Tensor(b) }
    public static func / (a: Tensor, b: Float) -> Tensor { a * Tensor(1 / b) }
    public static func + (a: Float, b: Tensor) -> Tensor { Tensor(a) + b }
    public static func - (a: Float, b: Tensor) -> Tensor { Tensor(a) - b }
    public static func * (a: Float, b: Tensor) -> Tensor { Tensor(a) * b }
    public static func / (a: Float, b: Tensor) -> Tensor { Tensor(a) / b }
}
