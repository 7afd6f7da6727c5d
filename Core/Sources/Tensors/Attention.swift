import Kernels

/// For each query, the indices of the keys it may attend to (-1 marks an unused slot).
public struct NeighborTable: @unchecked Sendable {
    public let queries: Int
    public let width: Int
    let indices: [Int32]

    /// `indices` holds `queries * width` entries, row-major.
    public init(queries: Int, width: Int, indices: [Int32]) {
        precondition(indices.count == queries * width, "neighbor table needs \(queries * width) entries, got \(indices.count)")
        self.queries = queries
        self.width = width
        self.indices = indices
    }

    /// The k x k window centred on every position of an h x w grid (clipped at the borders),
    /// tokens in row-major order.
    public static func window(height: Int, width: Int, size k: Int) -> NeighborTable {
        let r = k / 2
        var indices: [Int32] = []
        indices.reserveCapacity(height * width * k * k)
        for y in 0..<height {
            for x in 0..<width {
                for dy in -r...r {
                    for dx in -r...r {
                        let (yy, xx) = (y + dy, x + dx)
                        indices.append(yy >= 0 && yy < height && xx >= 0 && xx < width ? Int32(yy * width + xx) : -1)
                    }
                }
            }
        }
        return NeighborTable(queries: height * width, width: k * k, indices: indices)
    }
}

extension Tensor {
    /// Largest probability tensor (bytes) the fused attention keeps for its backward pass; above it
    /// the backward pass recomputes the probabilities (slower, but memory stays O(N)).
    nonisolated(unsafe) public static var attentionProbabilityBudget = 512 << 20

    /// Scaled dot-product attention `softmax(q kᵀ / sqrt(d) + mask) v` over `[B, H, N, d]` tensors,
    /// fused (no separate mask, softmax or transpose passes). When gradients are recorded and the
    /// `[B, H, Nq, Nk]` probabilities fit `attentionProbabilityBudget` they are kept for the backward
    /// pass; otherwise it recomputes them. `k`/`v` may have batch 1 (shared by the batch);
    /// `additiveMask [Nq, Nk]` adds 0 or -inf.
    public static func scaledDotProductAttention(query q: Tensor, key k: Tensor, value v: Tensor,
                                                 additiveMask: Tensor? = nil) -> Tensor {
        precondition(q.rank == 4 && k.rank == 4 && v.rank == 4 && k.shape.dropFirst() == v.shape.dropFirst()
                     && q.shape[1] == k.shape[1] && q.shape[3] == k.shape[3],
                     "attention needs [B, H, N, d] tensors, got \(q.shape), \(k.shape), \(v.shape)")
        precondition([k.shape[0], v.shape[0]].allSatisfy { $0 == 1 || $0 == q.shape[0] },
                     "key and value batches \(k.shape[0]), \(v.shape[0]) must be 1 or \(q.shape[0])")
        precondition(additiveMask.map { $0.shape == [q.shape[2], k.shape[2]] } ?? true,
                     "attention mask must be [\(q.shape[2]), \(k.shape[2])], got \(additiveMask!.shape)")
        let shape = DenseAttentionShape(batch: q.shape[0], heads: q.shape[1], queries: q.shape[2], keys: k.shape[2],
                                        headDim: q.shape[3], sharedKeys: k.shape[0] == 1 && q.shape[0] > 1,
                                        sharedValues: v.shape[0] == 1 && q.shape[0] > 1)
        let scale = 1 / Float(q.shape[3]).squareRoot()
        let (qc, kc, vc) = (q.contiguous().detached(), k.contiguous().detached(), v.contiguous().detached())
        let mask = additiveMask?.contiguous().detached()
        let logSumExp = Tensor.zeros([q.shape[0], q.shape[1], q.shape[2]])
        let recording = GradMode.isEnabled && [q, k, v].contains { $0.requiresGrad }
        let kept = recording && q.shape[0] * q.shape[1] * q.shape[2] * shape.rowStride * 4 <= attentionProbabilityBudget
            ? Tensor(shape: [q.shape[0], q.shape[1], q.shape[2], shape.rowStride]) { _ in } : nil
        let output = Tensor(shape: q.shape) { out in
            DenseAttention.forward(q: qc.pointer, k: kc.pointer, v: vc.pointer, mask: mask.map { UnsafePointer($0.pointer) },
                                   shape: shape, scale: scale, output: out.baseAddress!, logSumExp: logSumExp.pointer,
                                   keptProbabilities: kept?.pointer)
        }
        let outputValue = output.detached()
        return record(output, inputs: [q, k, v]) { g in
            let gradient = g.contiguous()
            let (dq, dk, dv) = (Tensor.zeros(qc.shape), Tensor.zeros(kc.shape), Tensor.zeros(vc.shape))
            DenseAttention.backward(q: qc.pointer, k: kc.pointer, v: vc.pointer, mask: mask.map { UnsafePointer($0.pointer) },
                                    shape: shape, scale: scale, output: outputValue.pointer, logSumExp: logSumExp.pointer,
                                    outputGradient: gradient.pointer, keptProbabilities: kept.map { UnsafePointer($0.pointer) },
                                    dq: dq.pointer, dk: dk.pointer, dv: dv.pointer)
            return [dq, dk, dv]
        }
    }

    /// Attention restricted to `neighbors`: each query attends to at most `neighbors.width` keys.
    /// q `[B, H, Nq, d]`; k, v `[B or 1, H, Nk, d]` (each may be shared by the batch). Equivalent to dense attention with a mask that
    /// allows only the listed keys, at O(Nq * width) cost, forward and backward.
    public static func sparseAttention(query q: Tensor, key k: Tensor, value v: Tensor, neighbors: NeighborTable) -> Tensor {
        precondition(q.rank == 4 && k.rank == 4 && v.rank == 4 && k.shape.dropFirst() == v.shape.dropFirst(),
                     "sparseAttention needs [B, H, N, d] tensors, got \(q.shape), \(k.shape), \(v.shape)")
        precondition([k.shape[0], v.shape[0]].allSatisfy { $0 == 1 || $0 == q.shape[0] },
                      "key and value batches \(k.shape[0]), \(v.shape[0]) must be 1 or \(q.shape[0])")
        precondition(neighbors.queries == q.shape[2], "neighbor table is for \(neighbors.queries) queries, got \(q.shape[2])")
        let shape = SparseAttentionShape(batch: q.shape[0], heads: q.shape[1], queries: q.shape[2], keys: k.shape[2],
                                         headDim: q.shape[3], neighbors: neighbors.width,
                                         sharedKeys: k.shape[0] == 1 && q.shape[0] > 1, sharedValues: v.shape[0] == 1 && q.shape[0] > 1)
        let scale = 1 / Float(q.shape[3]).squareRoot()
        let (qc, kc, vc) = (q.contiguous().detached(), k.contiguous().detached(), v.contiguous().detached())
        // The probabilities are kept for the backward pass only.
        let recording = GradMode.isEnabled && [q, k, v].contains { $0.requiresGrad }
        let probabilities = recording ? Tensor(shape: [q.shape[0], q.shape[1], q.shape[2], neighbors.width]) { _ in } : nil
        let output = Tensor(shape: q.shape) { out in
            neighbors.indices.withUnsafeBufferPointer { table in
                SparseAttention.forward(q: qc.pointer, k: kc.pointer, v: vc.pointer, neighbors: table.baseAddress!, shape: shape,
                                        scale: scale, output: out.baseAddress!, probabilities: probabilities?.pointer)
            }
        }
        return record(output, inputs: [q, k, v]) { g in
            let gradient = g.contiguous()
            let (dq, dk, dv) = (Tensor.zeros(qc.shape), Tensor.zeros(kc.shape), Tensor.zeros(vc.shape))
            neighbors.indices.withUnsafeBufferPointer { table in
                SparseAttention.backward(q: qc.pointer, k: kc.pointer, v: vc.pointer, neighbors: table.baseAddress!, shape: shape,
                                         scale: scale, probabilities: probabilities!.pointer, outputGradient: gradient.pointer,
                                         dq: dq.pointer, dk: dk.pointer, dv: dv.pointer)
            }
            return [dq, dk, dv]
        }
    }
}

extension NeighborTable {
    /// The keys query `i` may attend to.
    public func neighbors(of i: Int) -> [Int] {
        indices[(i * width)..<((i + 1) * width)].filter { $0 >= 0 }.map(Int.init)
    }
}
