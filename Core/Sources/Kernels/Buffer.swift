/// A pointer that may cross into `@Sendable` closures of parallel loops.
///
/// Kernels split work into disjoint ranges; each range writes only its own part of the buffer.
public struct SendablePointer<T>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<T>
    @inlinable public init(_ base: UnsafeMutablePointer<T>) { self.base = base }
    @inlinable public subscript(i: Int) -> T {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}

/// Read-only counterpart of `SendablePointer`.
public struct SendableConstPointer<T>: @unchecked Sendable {
    public let base: UnsafePointer<T>
    @inlinable public init(_ base: UnsafePointer<T>) { self.base = base }
    @inlinable public subscript(i: Int) -> T { base[i] }
}

/// Allocates `count` floats aligned to 64 bytes (one cache line, one AVX-512 register).
@inlinable public func allocateFloats(_ count: Int) -> UnsafeMutablePointer<Float> {
    let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
    return raw.bindMemory(to: Float.self, capacity: max(count, 1))
}
