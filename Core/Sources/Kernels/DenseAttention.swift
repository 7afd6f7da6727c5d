/// Fused scaled dot-product attention `softmax(q kᵀ * scale + mask) v`: query rows are processed in
/// blocks whose logits fit in cache, and the products are `thinGEMM`s (head sizes are small).
/// The forward pass may keep the probabilities (`[B, H, Nq, rowStride]`, Nk used per row) for the
/// backward pass when the caller can afford the memory; otherwise the backward pass recomputes them
/// block by block from the saved row log-sum-exp, as FlashAttention does.
/// Layout: q `[B, H, Nq, d]`; k, v `[B or 1, H, Nk, d]` (batch 1 = shared); optional additive
/// `mask [Nq, Nk]` (0 / -inf); all contiguous.
public struct DenseAttentionShape: Sendable {
    public var batch, heads, queries, keys, headDim: Int
    public var sharedKeys, sharedValues: Bool

    public init(batch: Int, heads: Int, queries: Int, keys: Int, headDim: Int, sharedKeys: Bool, sharedValues: Bool) {
        self.batch = batch; self.heads = heads; self.queries = queries; self.keys = keys; self.headDim = headDim
        self.sharedKeys = sharedKeys; self.sharedValues = sharedValues
    }

    /// Row stride of the probabilities (and of the transposed keys and values): the keys plus one
    /// cache line, so that rows 4 KB apart do not all fall into the same L1 cache set (that made
    /// the products 2-4x slower at 1024 keys).
    public var rowStride: Int { keys + 16 }

    /// Query rows per block: the block's logits take about 256 KB.
    var blockRows: Int { Swift.max(8, Swift.min(queries, 65_536 / Swift.max(keys, 1))) }
    func keyOffset(_ b: Int, _ h: Int) -> Int { ((sharedKeys ? 0 : b) * heads + h) * keys * headDim }
    func valueOffset(_ b: Int, _ h: Int) -> Int { ((sharedValues ? 0 : b) * heads + h) * keys * headDim }
    func queryOffset(_ b: Int, _ h: Int, row: Int) -> Int { ((b * heads + h) * queries + row) * headDim }
}

public enum DenseAttention {
    /// Writes `out [B, H, Nq, d]` and the per-row log-sum-exp `lse [B, H, Nq]` of the masked, scaled
    /// logits, and, when `keptProbabilities` is given, the probabilities `[B, H, Nq, Nk]` there.
    public static func forward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                               mask: UnsafePointer<Float>?, shape s: DenseAttentionShape, scale: Float,
                               output: UnsafeMutablePointer<Float>, logSumExp: UnsafeMutablePointer<Float>,
                               keptProbabilities: UnsafeMutablePointer<Float>? = nil) {
        let kept = keptProbabilities.map(SendablePointer.init)
        let (pq, pk, pv) = (SendableConstPointer(q), SendableConstPointer(k), SendableConstPointer(v))
        let pm = mask.map { MaskRuns($0, rows: s.queries, columns: s.keys) }
        let (po, pl) = (SendablePointer(output), SendablePointer(logSumExp))
        let rowsPerBlock = s.blockRows, d = s.headDim, nk = s.keys, ldp = s.rowStride
        Parallel.forEachChunk(s.batch * s.heads, grain: 1) { units in
            let scratch = kept == nil ? allocateFloats(rowsPerBlock * ldp) : nil, keysT = allocateFloats(d * ldp)
            // Probabilities not kept stay unnormalised: each output row is scaled instead (d values, not Nk).
            let normalizers = kept == nil ? allocateFloats(rowsPerBlock) : nil
            defer { scratch?.deallocate(); keysT.deallocate(); normalizers?.deallocate() }
            for unit in units {
                let (b, h) = (unit / s.heads, unit % s.heads)
                transpose(pk.base + s.keyOffset(b, h), rows: nk, columns: d, lda: d, into: keysT, ldb: ldp)
                for first in stride(from: 0, to: s.queries, by: rowsPerBlock) {
                    let rows = Swift.min(rowsPerBlock, s.queries - first)
                    let logits = kept.map { $0.base + (unit * s.queries + first) * ldp } ?? scratch!
                    thinGEMM(m: rows, n: nk, k: d, alpha: scale, a: pq.base + s.queryOffset(b, h, row: first), lda: d,
                             b: keysT, ldb: ldp, c: logits, ldc: ldp)
                    for r in 0..<rows {
                        let row = logits + r * ldp
                        pm?.add(row: first + r, to: row)
                        pl[unit * s.queries + first + r] = softmaxRow(row, nk, into: row, normalizer: normalizers.map { $0 + r })
                    }
                    let out = po.base + s.queryOffset(b, h, row: first)
                    thinGEMM(m: rows, n: d, k: nk, a: logits, lda: ldp, b: pv.base + s.valueOffset(b, h), ldb: d, c: out, ldc: d)
                    if let normalizers { for r in 0..<rows { for c in 0..<d { out[r * d + c] *= normalizers[r] } } }
                }
            }
        }
    }

    /// Gradients given `dOut`; `dq` is overwritten, `dk` and `dv` (shaped like k, v) accumulate.
    /// `keptProbabilities` are the forward pass's (nil: recomputed). Heads run in parallel, so
    /// shared keys/values are written by one thread only.
    public static func backward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                                mask: UnsafePointer<Float>?, shape s: DenseAttentionShape, scale: Float,
                                output: UnsafePointer<Float>, logSumExp: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
                                keptProbabilities: UnsafePointer<Float>? = nil,
                                dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>) {
        let kept = keptProbabilities.map(SendableConstPointer.init)
        let (pq, pk, pv) = (SendableConstPointer(q), SendableConstPointer(k), SendableConstPointer(v))
        let pm = mask.map { MaskRuns($0, rows: s.queries, columns: s.keys) }
        let (po, pl, pg) = (SendableConstPointer(output), SendableConstPointer(logSumExp), SendableConstPointer(outputGradient))
        let (pdq, pdk, pdv) = (SendablePointer(dq), SendablePointer(dk), SendablePointer(dv))
        let rowsPerBlock = s.blockRows, d = s.headDim, nk = s.keys, ldp = s.rowStride
        Parallel.forEachChunk(s.heads, grain: 1) { heads in
            let scratch = kept == nil ? allocateFloats(rowsPerBlock * ldp) : nil, gradient = allocateFloats(rowsPerBlock * ldp)
            let keysT = allocateFloats(d * ldp), valuesT = allocateFloats(d * ldp)
            defer { scratch?.deallocate(); gradient.deallocate(); keysT.deallocate(); valuesT.deallocate() }
            for h in heads {
                for b in 0..<s.batch {
                    let unit = b * s.heads + h
                    let (keys, values) = (pk.base + s.keyOffset(b, h), pv.base + s.valueOffset(b, h))
                    transpose(values, rows: nk, columns: d, lda: d, into: valuesT, ldb: ldp)
                    if kept == nil { transpose(keys, rows: nk, columns: d, lda: d, into: keysT, ldb: ldp) }
                    for first in stride(from: 0, to: s.queries, by: rowsPerBlock) {
                        let rows = Swift.min(rowsPerBlock, s.queries - first)
                        let qBlock = pq.base + s.queryOffset(b, h, row: first), gBlock = pg.base + s.queryOffset(b, h, row: first)
                        // P = exp(scale q kᵀ + mask - lse), kept from the forward pass or recomputed
                        let probabilities: UnsafePointer<Float>
                        if let kept {
                            probabilities = kept.base + (unit * s.queries + first) * ldp
                        } else {
                            thinGEMM(m: rows, n: nk, k: d, alpha: scale, a: qBlock, lda: d, b: keysT, ldb: ldp, c: scratch!, ldc: ldp)
                            for r in 0..<rows {
                                let row = scratch! + r * ldp
                                pm?.add(row: first + r, to: row)
                                normalizeRow(row, logSumExp: pl[unit * s.queries + first + r], nk)
                            }
                            probabilities = UnsafePointer(scratch!)
                        }
                        // dV += Pᵀ dO ; dP = dO vᵀ
                        thinGEMM(transposeA: true, m: nk, n: d, k: rows, a: probabilities, lda: ldp, b: gBlock, ldb: d,
                                 accumulate: true, c: pdv.base + s.valueOffset(b, h), ldc: d)
                        thinGEMM(m: rows, n: nk, k: d, a: gBlock, lda: d, b: valuesT, ldb: ldp, c: gradient, ldc: ldp)
                        // dS = P ∘ (dP - rowsum(dO ∘ O)), scaled for the logits' scale
                        for r in 0..<rows {
                            let o = po.base + s.queryOffset(b, h, row: first + r), g = gBlock + r * d
                            var dot: Float = 0
                            for c in 0..<d { dot += o[c] * g[c] }
                            let p = probabilities + r * ldp, ds = gradient + r * ldp
                            for j in 0..<nk { ds[j] = p[j] * (ds[j] - dot) * scale }
                        }
                        // dQ = dS k ; dK += dSᵀ q
                        thinGEMM(m: rows, n: d, k: nk, a: gradient, lda: ldp, b: keys, ldb: d,
                                 c: pdq.base + s.queryOffset(b, h, row: first), ldc: d)
                        thinGEMM(transposeA: true, m: nk, n: d, k: rows, a: gradient, lda: ldp, b: qBlock, ldb: d,
                                 accumulate: true, c: pdk.base + s.keyOffset(b, h), ldc: d)
                    }
                }
            }
        }
    }

    /// Turns a row of logits into probabilities `exp(x - lse)`.
    @inline(__always) static func normalizeRow(_ row: UnsafeMutablePointer<Float>, logSumExp: Float, _ n: Int) {
        guard logSumExp > -.infinity else { return row.update(repeating: 0, count: n) }
        var j = 0
        while j + 8 <= n {
            let e = VectorMath.exp(UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Float>.self) - logSumExp)
            UnsafeMutableRawPointer(row + j).storeBytes(of: e, as: SIMD8<Float>.self)
            j += 8
        }
        while j < n { row[j] = VectorMath.exp(SIMD8(repeating: row[j] - logSumExp))[0]; j += 1 }
    }
}

/// An additive mask `[rows, columns]` and the runs of nonzero entries in each of its rows: adding
/// only those to a row of logits gives the same values without reading the zeros again for every
/// batch and head (RLR's masks leave out one k x k window: 95% of a 1024-key row is zeros).
struct MaskRuns: Sendable {
    let mask: SendableConstPointer<Float>
    let columns: Int
    /// The runs of row r are `runs[first[r]..<first[r + 1]]`.
    let first: [Int]
    let runs: [Range<Int>]

    init(_ mask: UnsafePointer<Float>, rows: Int, columns: Int) {
        var first = [0], runs: [Range<Int>] = []
        for r in 0..<rows {
            let row = mask + r * columns
            var j = 0
            while j < columns {
                // Skip zeros eight at a time, then extend the run over nonzero entries.
                while j + 8 <= columns && UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Float>.self) == .zero { j += 8 }
                while j < columns && row[j] == 0 { j += 1 }
                let start = j
                while j < columns && row[j] != 0 { j += 1 }
                if j > start { runs.append(start..<j) }
            }
            first.append(runs.count)
        }
        self.mask = SendableConstPointer(mask)
        self.columns = columns
        self.first = first
        self.runs = runs
    }

    /// `logits[j] += mask[row, j]` for every column j.
    @inline(__always) func add(row r: Int, to logits: UnsafeMutablePointer<Float>) {
        let row = mask.base + r * columns
        for run in runs[first[r]..<first[r + 1]] { for j in run { logits[j] += row[j] } }
    }
}
