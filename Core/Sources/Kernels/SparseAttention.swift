/// Attention where each query sees only a short list of keys (e.g. a k x k window): cost grows with
/// N*K instead of N*N. Layout: q `[B, H, Nq, d]`, k and v `[B or 1, H, Nk, d]` (batch 1 = shared by
/// the whole batch), `neighbors [Nq, K]` key indices (-1 = unused slot), all contiguous.
public struct SparseAttentionShape: Sendable {
    public var batch, heads, queries, keys, headDim, neighbors: Int
    public var sharedKeys: Bool     // k has batch 1
    public var sharedValues: Bool   // v has batch 1

    public init(batch: Int, heads: Int, queries: Int, keys: Int, headDim: Int, neighbors: Int, sharedKeys: Bool, sharedValues: Bool) {
        self.batch = batch; self.heads = heads; self.queries = queries; self.keys = keys
        self.headDim = headDim; self.neighbors = neighbors; self.sharedKeys = sharedKeys; self.sharedValues = sharedValues
    }

    @inline(__always) func keyBase(_ b: Int, _ h: Int) -> Int { ((sharedKeys ? 0 : b) * heads + h) * keys * headDim }
    @inline(__always) func valueBase(_ b: Int, _ h: Int) -> Int { ((sharedValues ? 0 : b) * heads + h) * keys * headDim }
}

public enum SparseAttention {
    /// `out = softmax(q·k[idx] * scale) v[idx]` per query; writes the probabilities `[B, H, Nq, K]`
    /// when asked (the backward pass needs them). Keys and values shared by the batch go through
    /// `forwardShared`.
    public static func forward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                               neighbors: UnsafePointer<Int32>, shape s: SparseAttentionShape, scale: Float,
                               output: UnsafeMutablePointer<Float>, probabilities: UnsafeMutablePointer<Float>?) {
        if s.sharedKeys && s.sharedValues && s.headDim % 8 == 0 {
            return forwardShared(q: q, k: k, v: v, neighbors: neighbors, shape: s, scale: scale, output: output, probabilities: probabilities)
        }
        let (pq, pk, pv, pn) = (SendableConstPointer(q), SendableConstPointer(k), SendableConstPointer(v), SendableConstPointer(neighbors))
        let po = SendablePointer(output), pp = probabilities.map(SendablePointer.init)
        let d = s.headDim, kk = s.neighbors
        Parallel.forEachChunk(s.batch * s.heads, grain: 1) { range in
            let scratch = pp == nil ? allocateFloats(kk) : nil
            defer { scratch?.deallocate() }
            for unit in range {
                let b = unit / s.heads, h = unit % s.heads
                let keyBase = s.keyBase(b, h), valueBase = s.valueBase(b, h)
                for i in 0..<s.queries {
                    let query = pq.base + (unit * s.queries + i) * d
                    let probs = pp.map { $0.base + (unit * s.queries + i) * kk } ?? scratch!
                    for j in 0..<kk {
                        let index = Int(pn[i * kk + j])
                        probs[j] = index < 0 ? -.infinity : VectorOps.dot(query, pk.base + keyBase + index * d, d) * scale
                    }
                    _ = softmaxRow(probs, kk, into: probs)
                    let out = po.base + (unit * s.queries + i) * d
                    out.update(repeating: 0, count: d)
                    for j in 0..<kk {
                        let index = Int(pn[i * kk + j])
                        guard index >= 0 else { continue }
                        VectorOps.axpy(probs[j], pv.base + valueBase + index * d, out, d)
                    }
                }
            }
        }
    }

    /// `forward` for keys and values shared by the batch (RLR's reference) and head sizes that are a
    /// multiple of 8. Per head and query position, the queries of up to eight images sit in the lanes
    /// of one vector: every key and value row is read once for all of them and the products are
    /// plain FMAs in eight independent chains (no horizontal sums, as one dot product per key needs).
    static func forwardShared(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                              neighbors: UnsafePointer<Int32>, shape s: SparseAttentionShape, scale: Float,
                              output: UnsafeMutablePointer<Float>, probabilities: UnsafeMutablePointer<Float>?) {
        let (pq, pk, pv, pn) = (SendableConstPointer(q), SendableConstPointer(k), SendableConstPointer(v), SendableConstPointer(neighbors))
        let po = SendablePointer(output), pp = probabilities.map(SendablePointer.init)
        let d = s.headDim, kk = s.neighbors, padded = (kk + 7) & ~7
        let imageStride = s.heads * s.queries * d   // from one image's query row to the next image's
        Parallel.forEachChunk(s.heads * s.queries, grain: 16) { units in
            // Lane l of queries[p] is q[b0 + l, h, i, p]; of logits[j] the logit of key j; of outputs[c] out[b0 + l, h, i, c].
            let queries = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: d), outputs = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: d)
            let logits = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: padded)
            // Rows of the keys and values of each neighbour; unused slots (and the padding to 8) read zeros.
            let keyRows = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: padded)
            let valueRows = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: kk)
            let zeros = UnsafeMutablePointer<Float>.allocate(capacity: d)
            zeros.initialize(repeating: 0, count: d)
            defer { [UnsafeMutableRawPointer(queries), UnsafeMutableRawPointer(outputs), UnsafeMutableRawPointer(logits),
                     UnsafeMutableRawPointer(keyRows), UnsafeMutableRawPointer(valueRows), UnsafeMutableRawPointer(zeros)].forEach { $0.deallocate() } }
            keyRows.initialize(repeating: zeros, count: padded)
            for unit in units {
                let h = unit / s.queries, i = unit % s.queries
                for j in 0..<kk {
                    let index = Int(pn[i * kk + j])
                    keyRows[j] = index < 0 ? UnsafePointer(zeros) : pk.base + s.keyBase(0, h) + index * d
                    valueRows[j] = index < 0 ? UnsafePointer(zeros) : pv.base + s.valueBase(0, h) + index * d
                }
                for b0 in stride(from: 0, to: s.batch, by: 8) {
                    let lanes = Swift.min(8, s.batch - b0), rowOffset = ((b0 * s.heads + h) * s.queries + i) * d
                    if lanes < 8 { queries.update(repeating: .zero, count: d) }
                    for l in 0..<lanes {
                        let row = pq.base + rowOffset + l * imageStride
                        for p in 0..<d { queries[p][l] = row[p] }
                    }
                    // logits[j0 + t] = Σ_p queries[p] k_{j0 + t}[p]
                    for j0 in stride(from: 0, to: kk, by: 8) {
                        let rows = keyRows + j0
                        laneProducts(queries, d, { p, t in rows[t][p] }, scale: scale, into: logits + j0)
                    }
                    for j in 0..<kk where pn[i * kk + j] < 0 { logits[j] = SIMD8(repeating: -.infinity) }
                    softmaxLanes(logits, kk)
                    if let pp {
                        for l in 0..<lanes {
                            let row = pp.base + (((b0 + l) * s.heads + h) * s.queries + i) * kk
                            for j in 0..<kk { row[j] = logits[j][l] }
                        }
                    }
                    // outputs[c0 + t] = Σ_j logits[j] v_j[c0 + t]
                    for c0 in stride(from: 0, to: d, by: 8) {
                        laneProducts(UnsafePointer(logits), kk, { j, t in valueRows[j][c0 + t] }, scale: 1, into: outputs + c0)
                    }
                    for l in 0..<lanes {
                        let row = po.base + rowOffset + l * imageStride
                        for c in 0..<d { row[c] = outputs[c][l] }
                    }
                }
            }
        }
    }

    /// `out[t] = scale * Σ_r x[r] * scalar(r, t)` for t in 0..<8, in eight independent FMA chains.
    @inline(__always)
    static func laneProducts(_ x: UnsafePointer<SIMD8<Float>>, _ count: Int, _ scalar: (Int, Int) -> Float, scale: Float,
                             into out: UnsafeMutablePointer<SIMD8<Float>>) {
        var (a0, a1, a2, a3) = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
        var (a4, a5, a6, a7) = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
        for r in 0..<count {
            let v = x[r]
            a0.addProduct(v, SIMD8(repeating: scalar(r, 0))); a1.addProduct(v, SIMD8(repeating: scalar(r, 1)))
            a2.addProduct(v, SIMD8(repeating: scalar(r, 2))); a3.addProduct(v, SIMD8(repeating: scalar(r, 3)))
            a4.addProduct(v, SIMD8(repeating: scalar(r, 4))); a5.addProduct(v, SIMD8(repeating: scalar(r, 5)))
            a6.addProduct(v, SIMD8(repeating: scalar(r, 6))); a7.addProduct(v, SIMD8(repeating: scalar(r, 7)))
        }
        out[0] = a0 * scale; out[1] = a1 * scale; out[2] = a2 * scale; out[3] = a3 * scale
        out[4] = a4 * scale; out[5] = a5 * scale; out[6] = a6 * scale; out[7] = a7 * scale
    }

    /// Softmax over `count` vectors in each lane separately (`softmaxRow`'s contract per lane: a lane
    /// of -inf gives zeros, a NaN gives NaNs).
    @inline(__always)
    static func softmaxLanes(_ x: UnsafeMutablePointer<SIMD8<Float>>, _ count: Int) {
        var peak = SIMD8<Float>(repeating: -.infinity)
        for j in 0..<count { peak.replace(with: x[j], where: x[j] .> peak) }
        peak.replace(with: 0, where: peak .== -.infinity)
        var total = SIMD8<Float>()
        for j in 0..<count {
            x[j] = VectorMath.exp(x[j] - peak)
            total += x[j]
        }
        let inverse = (1 / total).replacing(with: 0, where: total .== 0)
        for j in 0..<count { x[j] *= inverse }
    }

    /// Gradients of `forward` given `dOut [B, H, Nq, d]`; dk and dv (shaped like k, v) are accumulated
    /// into, dq is overwritten. Heads run in parallel (with shared keys, batches write the same rows).
    public static func backward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                                neighbors: UnsafePointer<Int32>, shape s: SparseAttentionShape, scale: Float,
                                probabilities: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
                                dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>) {
        let (pq, pk, pv, pn) = (SendableConstPointer(q), SendableConstPointer(k), SendableConstPointer(v), SendableConstPointer(neighbors))
        let (pp, pg) = (SendableConstPointer(probabilities), SendableConstPointer(outputGradient))
        let (pdq, pdk, pdv) = (SendablePointer(dq), SendablePointer(dk), SendablePointer(dv))
        let d = s.headDim, kk = s.neighbors
        Parallel.forEachChunk(s.heads, grain: 1) { heads in
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: kk)
            defer { scores.deallocate() }
            for h in heads {
                for b in 0..<s.batch {
                    let unit = b * s.heads + h, keyBase = s.keyBase(b, h), valueBase = s.valueBase(b, h)
                    for i in 0..<s.queries {
                        let row = unit * s.queries + i
                        let query = pq.base + row * d, grad = pg.base + row * d, probs = pp.base + row * kk
                        // dp_j = dOut · v_j ; ds_j = p_j (dp_j - Σ p dp)
                        var weighted: Float = 0
                        for j in 0..<kk {
                            let index = Int(pn[i * kk + j])
                            guard index >= 0 else { scores[j] = 0; continue }
                            let dot = VectorOps.dot(grad, pv.base + valueBase + index * d, d)
                            scores[j] = dot
                            weighted += probs[j] * dot
                            VectorOps.axpy(probs[j], grad, pdv.base + valueBase + index * d, d)
                        }
                        let dQuery = pdq.base + row * d
                        dQuery.update(repeating: 0, count: d)
                        for j in 0..<kk {
                            let index = Int(pn[i * kk + j])
                            guard index >= 0 else { continue }
                            let ds = probs[j] * (scores[j] - weighted) * scale
                            VectorOps.axpy(ds, pk.base + keyBase + index * d, dQuery, d)
                            VectorOps.axpy(ds, query, pdk.base + keyBase + index * d, d)
                        }
                    }
                }
            }
        }
    }
}
