/// Reductions over one axis of a contiguous array viewed as `[outer, length, inner]`.
public enum ReduceOp: Sendable {
    case sum, max, min
}

/// Reduces the middle axis of a contiguous `[outer, length, inner]` array into `[outer, inner]`.
public func reduce(_ op: ReduceOp, _ input: UnsafePointer<Float>, outer: Int, length: Int, inner: Int,
                   into out: UnsafeMutablePointer<Float>) {
    if outer == 1 && inner == 1 {
        // One long row: partial results per core, then combined.
        let chunks = max(1, min(Parallel.threadCount, length / 65_536))
        let partials = SendablePointer(UnsafeMutablePointer<Float>.allocate(capacity: chunks))
        defer { partials.base.deallocate() }
        let src = SendableConstPointer(input)
        Parallel.forEachChunk(chunks, grain: 1) { range in
            for c in range {
                let start = length * c / chunks, end = length * (c + 1) / chunks
                partials[c] = reduceRow(op, src.base + start, end - start)
            }
        }
        out[0] = reduceRow(op, partials.base, chunks)
        return
    }
    let src = SendableConstPointer(input), dst = SendablePointer(out)
    Parallel.forEachChunk(outer, grain: max(1, 65_536 / max(length * inner, 1))) { range in
        for o in range {
            let base = src.base + o * length * inner
            let target = dst.base + o * inner
            if inner == 1 {
                target[0] = reduceRow(op, base, length)
                continue
            }
            target.update(from: base, count: inner)
            for l in 1..<max(length, 1) {
                let row = base + l * inner
                switch op {
                case .sum: for i in 0..<inner { target[i] += row[i] }
                case .max: for i in 0..<inner { let v = row[i]; target[i] = v > target[i] || v.isNaN ? v : target[i] }
                case .min: for i in 0..<inner { let v = row[i]; target[i] = v < target[i] || v.isNaN ? v : target[i] }
                }
            }
            if length == 0 { target.update(repeating: op == .sum ? 0 : .nan, count: inner) }
        }
    }
}

/// Reduces `n` contiguous values, eight lanes at a time.
@inline(__always)
public func reduceRow(_ op: ReduceOp, _ p: UnsafePointer<Float>, _ n: Int) -> Float {
    switch op {
    case .sum:
        var acc = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= n {
            acc += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var total = acc.sum()
        while i < n { total += p[i]; i += 1 }
        return total
    case .max: return extremum(p, n, largest: true)
    case .min: return extremum(p, n, largest: false)
    }
}

/// The largest (or smallest) of `p[0..<n]`, eight lanes at a time; NaN when any element is NaN or n is 0.
@inline(__always)
private func extremum(_ p: UnsafePointer<Float>, _ n: Int, largest: Bool) -> Float {
    guard n > 0 else { return .nan }
    var best = SIMD8<Float>(repeating: p[0])
    var sawNaN = SIMDMask<SIMD8<Int32>>(repeating: false)
    var i = 0
    while i + 8 <= n {
        let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
        best.replace(with: v, where: largest ? v .> best : v .< best)
        sawNaN .|= v .!= v
        i += 8
    }
    var result = best[0]
    for lane in 1..<8 where largest ? best[lane] > result : best[lane] < result { result = best[lane] }
    while i < n {
        let v = p[i]
        if v.isNaN { return .nan }
        if largest ? v > result : v < result { result = v }
        i += 1
    }
    return any(sawNaN) ? .nan : result
}
