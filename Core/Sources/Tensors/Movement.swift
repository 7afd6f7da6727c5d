import Kernels

/// Shape errors, raised for user-facing misuse (script commands turn them into diagnostics).
public enum ShapeError: Error, CustomStringConvertible, Equatable {
    case mismatch(String, [Int], [Int])
    case invalid(String)

    public var description: String {
        switch self {
        case let .mismatch(op, a, b): return "\(op): shapes \(a) and \(b) do not match"
        case let .invalid(message): return message
        }
    }
}

extension Tensor {
    /// Resolves a possibly negative axis against `rank`.
    @inlinable public static func normalize(axis: Int, rank: Int) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        precondition(resolved >= 0 && resolved < Swift.max(rank, 1), "axis \(axis) out of range for rank \(rank)")
        return resolved
    }

    /// The same elements in a new shape (one dimension may be -1). A view when contiguous.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var target = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) into \(newShape)")
            target[unknown] = count / known
        }
        precondition(Tensor.elementCount(target) == count, "cannot reshape \(shape) (\(count) elements) into \(newShape)")
        let source = contiguous()
        let view = Tensor(storage: source.storage, shape: target, strides: Tensor.contiguousStrides(target), offset: source.offset)
        let inputShape = shape
        return Tensor.record(view, inputs: [source]) { grad in [grad.reshaped(inputShape)] }
    }

    /// Reorders axes: result axis i is input axis `order[i]`. Always a view.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.count == rank && Set(order) == Set(0..<rank), "permutation \(order) does not fit rank \(rank)")
        let view = Tensor(storage: storage, shape: order.map { shape[$0] }, strides: order.map { strides[$0] }, offset: offset)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, axis) in order.enumerated() { inverse[axis] = i }
        return Tensor.record(view, inputs: [self]) { grad in [grad.permuted(inverse)] }
    }

    /// Swaps two axes (negative axes count from the end). A view.
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        var order = Array(0..<rank)
        order.swapAt(Tensor.normalize(axis: a, rank: rank), Tensor.normalize(axis: b, rank: rank))
        return permuted(order)
    }

    /// Broadcasts size-1 axes (and new leading axes) to `newShape`. A view with zero strides.
    public func expanded(_ newShape: [Int]) -> Tensor {
        precondition(newShape.count >= rank, "cannot expand \(shape) to fewer axes \(newShape)")
        let lead = newShape.count - rank
        var newStrides = [Int](repeating: 0, count: newShape.count)
        for axis in 0..<rank {
            let size = shape[axis]
            if size == newShape[lead + axis] { newStrides[lead + axis] = strides[axis] }
            else { precondition(size == 1, "cannot expand \(shape) to \(newShape)") }
        }
        if newShape == shape { return self }
        let view = Tensor(storage: storage, shape: newShape, strides: newStrides, offset: offset)
        let inputShape = shape
        return Tensor.record(view, inputs: [self]) { grad in [grad.sumToShape(inputShape)] }
    }

    /// Elements `range` along `axis` (step > 0). A view.
    public func sliced(axis: Int, _ range: Range<Int>, step: Int = 1) -> Tensor {
        let a = Tensor.normalize(axis: axis, rank: rank)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[a] && step > 0,
                     "slice \(range) (step \(step)) out of bounds for axis \(a) of size \(shape[a])")
        var newShape = shape, newStrides = strides
        newShape[a] = (range.count + step - 1) / step
        newStrides[a] = strides[a] * step
        let view = Tensor(storage: storage, shape: newShape, strides: newStrides, offset: offset + range.lowerBound * strides[a])
        let inputShape = shape
        return Tensor.record(view, inputs: [self]) { grad in
            // Scatter the gradient back: pad the sliced range with zeros.
            let full = Tensor.zeros(inputShape)
            let target = full.sliced(axis: a, range, step: step).detached()
            grad.withContiguousBuffer { g in
                stridedScatter(g.baseAddress!, into: target)
            }
            return [full]
        }
    }

    /// Inserts a size-1 axis at `axis`. A view.
    public func unsqueezed(_ axis: Int) -> Tensor {
        let a = axis < 0 ? axis + rank + 1 : axis
        var newShape = shape
        newShape.insert(1, at: a)
        return reshaped(newShape)
    }

    /// Removes size-1 axes (all, or the given one).
    public func squeezed(_ axis: Int? = nil) -> Tensor {
        if let axis {
            let a = Tensor.normalize(axis: axis, rank: rank)
            precondition(shape[a] == 1, "cannot squeeze axis \(a) of size \(shape[a])")
            var newShape = shape
            newShape.remove(at: a)
            return reshaped(newShape)
        }
        return reshaped(shape.filter { $0 != 1 })
    }

    /// Flattens axes `start...end` into one.
    public func flattened(from start: Int = 0, to end: Int = -1) -> Tensor {
        let s = Tensor.normalize(axis: start, rank: rank), e = Tensor.normalize(axis: end, rank: rank)
        return reshaped(Array(shape[..<s]) + [shape[s...e].reduce(1, *)] + Array(shape[(e + 1)...]))
    }
}

/// Writes contiguous `values` into the (possibly strided) elements of `target`.
func stridedScatter(_ values: UnsafePointer<Float>, into target: Tensor) {
    guard target.count > 0 else { return }
    let inner = target.shape.last ?? 1, innerStride = target.strides.last ?? 0
    var walk = StridedRows(shape: target.shape.isEmpty ? [1] : target.shape, strides: [target.strides.isEmpty ? [0] : target.strides])
    for row in 0..<(target.count / inner) {
        let base = target.pointer + walk.offsets[0]
        for j in 0..<inner { base[j * innerStride] = values[row * inner + j] }
        walk.advance()
    }
}
