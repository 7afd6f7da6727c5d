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
    /// `out = softmax(q·k[idx] * scale) v[idx]` per query; writes the probabilities `[B, H, Nq, K]`.
    public static func forward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                               neighbors: UnsafePointer<Int32>, shape s: SparseAttentionShape, scale: Float,
                               output: UnsafeMutablePointer<Float>, probabilities: UnsafeMutablePointer<Float>) {
        let (pq, pk, pv, pn) = (SendableConstPointer(q), SendableConstPointer(k), SendableConstPointer(v), SendableConstPointer(neighbors))
        let (po, pp) = (SendablePointer(output), SendablePointer(probabilities))
        let d = s.headDim, kk = s.neighbors
        Parallel.forEachChunk(s.batch * s.heads, grain: 1) { range in
            for unit in range {
                let b = unit / s.heads, h = unit % s.heads
                let keyBase = s.keyBase(b, h), valueBase = s.valueBase(b, h)
                for i in 0..<s.queries {
                    let query = pq.base + (unit * s.queries + i) * d
                    let probs = pp.base + (unit * s.queries + i) * kk
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
