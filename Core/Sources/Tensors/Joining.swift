import Kernels

extension Tensor {
    /// Joins tensors along an existing `axis`; all other axes must match.
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate needs at least one tensor")
        let first = tensors[0]
        let a = normalize(axis: axis, rank: first.rank)
        for t in tensors {
            precondition(t.rank == first.rank && (0..<t.rank).allSatisfy { $0 == a || t.shape[$0] == first.shape[$0] },
                         ShapeError.mismatch("concatenate along axis \(a)", first.shape, t.shape).description)
        }
        var outShape = first.shape
        outShape[a] = tensors.map { $0.shape[a] }.reduce(0, +)
        let result = Tensor.zeros(outShape)
        var start = 0
        var ranges: [Range<Int>] = []
        for t in tensors {
            let range = start..<(start + t.shape[a])
            t.withContiguousBuffer { stridedScatter($0.baseAddress!, into: result.sliced(axis: a, range).detached()) }
            ranges.append(range)
            start = range.upperBound
        }
        return record(result, inputs: tensors) { g in ranges.map { g.sliced(axis: a, $0) } }
    }

    /// Joins tensors of one shape along a new `axis`.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "stack needs at least one tensor")
        let a = axis < 0 ? axis + tensors[0].rank + 1 : axis
        return concatenate(tensors.map { $0.unsqueezed(a) }, axis: a)
    }

    /// Pads with a constant: `padding[i] = (before, after)` for axis i, counted from the FIRST axis
    /// (missing trailing entries mean no padding). Negative amounts crop.
    public func padded(_ padding: [(Int, Int)], value: Float = 0) -> Tensor {
        precondition(padding.count <= rank, "padding for \(padding.count) axes exceeds rank \(rank)")
        var cropped = self
        for (axis, (before, after)) in padding.enumerated() where before < 0 || after < 0 {
            cropped = cropped.sliced(axis: axis, Swift.max(0, -before)..<(cropped.shape[axis] - Swift.max(0, -after)))
        }
        let outShape = cropped.shape.enumerated().map { axis, size in
            axis < padding.count ? size + Swift.max(0, padding[axis].0) + Swift.max(0, padding[axis].1) : size
        }
        let result = Tensor.full(outShape, value)
        var inner = result.detached()
        for (axis, (before, _)) in padding.enumerated() {
            inner = inner.sliced(axis: axis, Swift.max(0, before)..<(Swift.max(0, before) + cropped.shape[axis]))
        }
        cropped.withContiguousBuffer { stridedScatter($0.baseAddress!, into: inner) }
        return Tensor.record(result, inputs: [cropped]) { g in
            var region = g
            for (axis, (before, _)) in padding.enumerated() {
                region = region.sliced(axis: axis, Swift.max(0, before)..<(Swift.max(0, before) + cropped.shape[axis]))
            }
            return [region]
        }
    }
}
