import Kernels

extension Tensor {
    /// Normalised, sorted, unique axes; empty input means all axes.
    func resolveAxes(_ axes: [Int]?) -> [Int] {
        guard let axes, !axes.isEmpty else { return Array(0..<rank) }
        return Array(Set(axes.map { Tensor.normalize(axis: $0, rank: rank) })).sorted()
    }

    /// Reduces one axis with `op`, keeping it as size 1. No autograd.
    func reduceAxis(_ op: ReduceOp, _ axis: Int) -> Tensor {
        let source = isContiguous ? self : materialized()
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        var outShape = shape
        outShape[axis] = 1
        let result = Tensor(shape: outShape) { out in
            reduce(op, source.pointer, outer: outer, length: shape[axis], inner: inner, into: out.baseAddress!)
        }
        return withExtendedLifetime(source) { result }
    }

    /// Sum over `axes` (all when nil).
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let resolved = resolveAxes(axes)
        var result = self.detached()
        for axis in resolved { result = result.reduceAxis(.sum, axis) }
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
