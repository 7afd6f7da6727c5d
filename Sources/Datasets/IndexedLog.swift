import Foundation

/// Values recorded by parallel workers, read back in index order (so reports do not depend on scheduling).
final class IndexedLog<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var entries = [(index: Int, value: Value)]()

    func record(_ index: Int, _ value: Value) {
        lock.lock()
        entries.append((index, value))
        lock.unlock()
    }

    /// The values sorted by index (stable for equal indices in recording order per worker).
    func values() -> [Value] {
        lock.lock()
        defer { lock.unlock() }
        return entries.enumerated().sorted { ($0.element.index, $0.offset) < ($1.element.index, $1.offset) }.map(\.element.value)
    }
}
