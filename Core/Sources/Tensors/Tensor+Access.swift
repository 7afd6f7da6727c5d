import Kernels

extension Tensor {
    /// This tensor if it is contiguous, else a contiguous copy (recorded for autograd).
    public func contiguous() -> Tensor {
        if isContiguous { return self }
        return Tensor.record(copied(), inputs: [self]) { grad in [grad] }
    }

    /// A contiguous copy with its own storage, outside autograd.
    public func copied() -> Tensor {
        Tensor(shape: shape) { buffer in
            stridedCopy(from: pointer, shape: shape, strides: strides, to: buffer.baseAddress!)
        }
    }

    /// Calls `body` with the elements in row-major order (copying only when the layout requires it).
    public func withContiguousBuffer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        let source = isContiguous ? self : copied()
        return try withExtendedLifetime(source) {
            try body(UnsafeBufferPointer(start: source.pointer, count: source.count))
        }
    }

    /// The elements in row-major order.
    public func toArray() -> [Float] {
        withContiguousBuffer { Array($0) }
    }

    /// The single element of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item needs a one-element tensor, got shape \(shape)")
        return pointer[0]
    }

    /// The element at a full index (no autograd), for tests and printing.
    public subscript(index: Int...) -> Float {
        precondition(index.count == rank, "index \(index) does not match rank \(rank)")
        var position = 0
        for (axis, i) in index.enumerated() {
            precondition(i >= 0 && i < shape[axis], "index \(i) out of range for axis \(axis) of size \(shape[axis])")
            position += i * strides[axis]
        }
        return pointer[position]
    }
}
