import Glibc
import Synchronization

/// A cache of large float buffers, reused by size.
///
/// glibc returns allocations above its mmap threshold to the kernel on free, so a training loop that
/// allocates the same 100 MB attention buffer every step page-faults fresh zeroed memory each time.
/// Tensor storage of at least `minimumBytes` comes from here instead: freed buffers wait in a free
/// list keyed by their (page-rounded) size until the same size is asked for again; at most
/// `capacityBytes` are kept (default 6 GiB, or `RLR_BUFFER_POOL_MB`).
public enum BufferPool {
    public static let minimumBytes = 256 * 1024
    nonisolated(unsafe) public static var capacityBytes: Int = {
        if let text = getenv("RLR_BUFFER_POOL_MB"), let mb = Int(String(cString: text)) { return mb << 20 }
        return 6 << 30
    }()

    private struct State: ~Copyable {
        var free: [Int: [UInt]] = [:]   // addresses, so the state stays Sendable
        var cachedBytes = 0
    }

    private static let state = Mutex(State())

    private static func rounded(_ bytes: Int) -> Int { (bytes + 4095) & ~4095 }

    /// A 64-byte aligned buffer for `count` floats.
    public static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        guard bytes >= minimumBytes else {
            return UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64).bindMemory(to: Float.self, capacity: max(count, 1))
        }
        let size = rounded(bytes)
        let reused: UInt? = state.withLock { state in
            guard let address = state.free[size]?.popLast() else { return nil }
            state.cachedBytes -= size
            return address
        }
        let raw = reused.flatMap { UnsafeMutableRawPointer(bitPattern: $0) }
            ?? UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        return raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// Returns a buffer from `allocate` (with the same `count`).
    public static func release(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        guard bytes >= minimumBytes else { return pointer.deallocate() }
        let size = rounded(bytes)
        let address = UInt(bitPattern: pointer)
        let kept = state.withLock { state -> Bool in
            guard state.cachedBytes + size <= capacityBytes else { return false }
            state.free[size, default: []].append(address)
            state.cachedBytes += size
            return true
        }
        if !kept { pointer.deallocate() }
    }

    /// Frees every cached buffer.
    public static func trim() {
        let addresses = state.withLock { state -> [UInt] in
            defer { state.free = [:]; state.cachedBytes = 0 }
            return state.free.values.flatMap { $0 }
        }
        addresses.forEach { UnsafeMutableRawPointer(bitPattern: $0)?.deallocate() }
    }
}
