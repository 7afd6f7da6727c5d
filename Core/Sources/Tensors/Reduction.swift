import Kernels

extension Tensor {
    /// Normalised, sorted, unique axes; empty input means all axes.
    func resolveAxes(_ axes: [Int]?) -> [Int] {
        guard let axes, !axes.isEmpty else { return Array(0..<rank) }
        return Array(Set(axes.map { Tensor.normalize(axis: $0, rank: rank) })).sorted()
    }

    /// Reduces the consecutive axes `axes` with `op` in one pass, keeping them as size 1. No autograd.
    func reduceAxes(_ op: ReduceOp, _ axes: ClosedRange<Int>) -> Tensor {
        let source = isContiguous ? self : copied()
        let outer = shape[..<axes.lowerBound].reduce(1, *), inner = shape[(axes.upperBound + 1)...].reduce(1, *)
        var outShape = shape
        for axis in axes { outShape[axis] = 1 }
        let result = Tensor(shape: outShape) { out in
            reduce(op, source.pointer, outer: outer, length: shape[axes].reduce(1, *), inner: inner, into: out.baseAddress!)
        }
        return withExtendedLifetime(source) { result }
    }

    /// Reduces `axes` (sorted) with `op`, one pass per run of consecutive axes. No autograd.
    func reduced(_ op: ReduceOp, _ axes: [Int]) -> Tensor {
        var result = detached()
        var start = 0
        while start < axes.count {
            var end = start
            while end + 1 < axes.count && axes[end + 1] == axes[end] + 1 { end += 1 }
            result = result.reduceAxes(op, axes[start]...axes[end])
            start = end + 1
        }
        return result
    }

    /// Sum over `axes` (all when nil).
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let resolved = resolveAxes(axes)
        var result = reduced(.sum, resolved)
        let keptShape = result.shape
        let inputShape = shape
        if !keepDims { result = result.detached().reshaped(Tensor.dropAxes(resolved, from: inputShape)) }
        return Tensor.record(result, inputs: [self]) { g in [g.reshaped(keptShape).expanded(inputShape)] }
    }

    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { sum(axes: [axis], keepDims: keepDims) }

    static func dropAxes(_ axes: [Int], from shape: [Int]) -> [Int] {
        shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
    }
}

extension Tensor {
    /// Mean over `axes` (all when nil).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let n = resolveAxes(axes).map { shape[$0] }.reduce(1, *)
        return sum(axes: axes, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
    }

    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { mean(axes: [axis], keepDims: keepDims) }

    /// Variance over `axes` with Bessel's `correction` (1 = unbiased, PyTorch's default; 0 = population).
    public func variance(axes: [Int]? = nil, correction: Int = 1, keepDims: Bool = false) -> Tensor {
        let n = resolveAxes(axes).map { shape[$0] }.reduce(1, *)
        let centered = self - mean(axes: axes, keepDims: true)
        return (centered * centered).sum(axes: axes, keepDims: keepDims) * (1 / Float(Swift.max(n - correction, 1)))
    }

    /// Maximum over `axes`; the gradient is shared evenly among tied maxima.
    public func max(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor { extremum(.max, axes, keepDims) }
    /// Minimum over `axes`; the gradient is shared evenly among tied minima.
    public func min(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor { extremum(.min, axes, keepDims) }
    public func max(axis: Int, keepDims: Bool = false) -> Tensor { max(axes: [axis], keepDims: keepDims) }
    public func min(axis: Int, keepDims: Bool = false) -> Tensor { min(axes: [axis], keepDims: keepDims) }

    private func extremum(_ op: ReduceOp, _ axes: [Int]?, _ keepDims: Bool) -> Tensor {
        let resolved = resolveAxes(axes)
        let kept = reduced(op, resolved)
        let result = keepDims ? kept : kept.reshaped(Tensor.dropAxes(resolved, from: shape))
        let inputShape = shape
        return Tensor.record(result, inputs: [self]) { [input = detached()] g in
            let winners = input .== kept
            let share = winners / winners.sum(axes: resolved, keepDims: true)
            return [share * g.reshaped(kept.shape).expanded(inputShape)]
        }
    }

    /// Index of the maximum along `axis` (first on ties), as float values; not differentiable.
    public func argmax(axis: Int, keepDims: Bool = false) -> Tensor {
        let a = Tensor.normalize(axis: axis, rank: rank)
        let source = contiguous()
        let outer = shape[..<a].reduce(1, *), length = shape[a], inner = shape[(a + 1)...].reduce(1, *)
        var outShape = shape
        outShape[a] = 1
        let result = Tensor(shape: outShape) { out in
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = source.pointer + o * length * inner + i
                    var best = 0
                    for l in 1..<Swift.max(length, 1) where base[l * inner] > base[best * inner] || base[l * inner].isNaN && !base[best * inner].isNaN {
                        best = l
                    }
                    out[o * inner + i] = Float(best)
                }
            }
        }
        return keepDims ? result : result.reshaped(Tensor.dropAxes([a], from: shape))
    }
}
