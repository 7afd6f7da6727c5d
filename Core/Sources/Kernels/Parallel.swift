import Dispatch
import Glibc
import Synchronization

/// Work splitting over the machine's cores. Regions do not nest: a parallel loop started inside
/// another one runs serially on its thread, so the cores are never oversubscribed.
public enum Parallel {
    /// Number of worker threads used by `forEachChunk` (the number of active processors).
    nonisolated(unsafe) public static var threadCount: Int = {
        let n = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return n > 0 ? n : 1
    }()

    private static let activeRegions = Atomic<Int>(0)

    /// Calls `body` on disjoint sub-ranges of `0..<count`, in parallel when the work is large enough.
    ///
    /// `grain` is the smallest range worth a thread of its own (in loop iterations).
    public static func forEachChunk(_ count: Int, grain: Int = 32_768, _ body: @Sendable (Range<Int>) -> Void) {
        let chunks = min(threadCount, max(1, count / max(grain, 1)))
        if chunks <= 1 || activeRegions.load(ordering: .relaxed) > 0 {
            if count > 0 { body(0..<count) }
            return
        }
        activeRegions.add(1, ordering: .relaxed)
        defer { activeRegions.subtract(1, ordering: .relaxed) }
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let start = count * chunk / chunks
            let end = count * (chunk + 1) / chunks
            if start < end { body(start..<end) }
        }
    }

    /// Runs `body` with at most `threads` worker threads (e.g. 1 for single-core kernel timings).
    public static func withThreadCount<R>(_ threads: Int, _ body: () throws -> R) rethrows -> R {
        let saved = threadCount
        threadCount = max(threads, 1)
        defer { threadCount = saved }
        return try body()
    }
}
