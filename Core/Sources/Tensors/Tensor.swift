import Kernels

/// Reference-counted float32 memory shared by a tensor and its views.
public final class TensorStorage: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    public init(count: Int) {
        self.count = count
        pointer = BufferPool.allocate(count)
    }

    deinit { BufferPool.release(pointer, count: count) }
}

/// An N-dimensional float32 array (NCHW by convention) with optional reverse-mode autograd.
///
/// Shape, strides and storage are immutable: movement ops (`reshape`, `permute`, `slice`, `expand`)
/// return views over the same storage where they can. Only optimizers write into a tensor in place.
public final class Tensor: @unchecked Sendable {
    public let shape: [Int]
    public let strides: [Int]
    public let offset: Int
    public let storage: TensorStorage
    /// Whether gradients flow to this tensor (leaves: parameters; interior nodes: results of tracked ops).
    public var requiresGrad: Bool
    /// Accumulated gradient of a leaf after `backward()`.
    public var grad: Tensor?
    /// The operation that produced this tensor, when it was recorded for autograd.
    var gradFn: GradFn?

    /// A view over existing storage.
    public init(storage: TensorStorage, shape: [Int], strides: [Int], offset: Int = 0) {
        precondition(shape.count == strides.count, "shape \(shape) and strides \(strides) differ in rank")
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.requiresGrad = false
    }

    /// A new contiguous tensor whose elements `fill` writes (uninitialised memory before the call).
    public convenience init(shape: [Int], fill: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        let count = Tensor.elementCount(shape)
        let storage = TensorStorage(count: count)
        try fill(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
        self.init(storage: storage, shape: shape, strides: Tensor.contiguousStrides(shape))
    }

    /// A contiguous tensor holding `data` in row-major order.
    public convenience init(shape: [Int], data: [Float]) {
        precondition(data.count == Tensor.elementCount(shape),
                     "\(data.count) values do not fill shape \(shape) (\(Tensor.elementCount(shape)) elements)")
        self.init(shape: shape) { buffer in _ = buffer.initialize(from: data) }
    }

    /// A 0-d tensor.
    public convenience init(_ scalar: Float) {
        self.init(shape: [], data: [scalar])
    }

    public var rank: Int { shape.count }
    public var count: Int { Tensor.elementCount(shape) }

    /// True when the elements lie in row-major order without gaps (broadcast axes do not count).
    public var isContiguous: Bool {
        var expected = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] != 1 {
            if strides[axis] != expected { return false }
            expected *= shape[axis]
        }
        return true
    }

    /// Pointer to the first element (valid while `self` is alive).
    public var pointer: UnsafeMutablePointer<Float> { storage.pointer + offset }

    public static func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = step
            step *= shape[axis]
        }
        return strides
    }
}
