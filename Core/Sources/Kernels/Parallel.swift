import COpenBLAS
import Dispatch
import Glibc

/// Work splitting over the machine's cores without oversubscribing OpenBLAS.
public enum Parallel {
    /// Number of worker threads used by `forEachChunk` (the number of active processors).
    nonisolated(unsafe) public static var threadCount: Int = ProcessInfoLite.activeProcessorCount

    /// Calls `body` on disjoint sub-ranges of `0..<count`, in parallel when the work is large enough.
    ///
    /// `grain` is the smallest range worth a thread of its own (in loop iterations).
    @inlinable
    public static func forEachChunk(_ count: Int, grain: Int = 32_768, _ body: @Sendable (Range<Int>) -> Void) {
        let chunks = min(threadCount, max(1, count / max(grain, 1)))
        if chunks <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let start = count * chunk / chunks
            let end = count * (chunk + 1) / chunks
            if start < end { body(start..<end) }
        }
    }

    /// Runs `body` with OpenBLAS limited to one thread, for BLAS calls issued from inside parallel regions.
    public static func withSingleThreadedBLAS<R>(_ body: () throws -> R) rethrows -> R {
        let previous = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(previous) }
        return try body()
    }
}

/// Processor count without Foundation (Kernels stays dependency-free).
public enum ProcessInfoLite {
    public static var activeProcessorCount: Int {
        let n = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return n > 0 ? n : 1
    }
}
