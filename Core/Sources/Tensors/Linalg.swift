import Kernels

extension Tensor {
    /// How a matrix-shaped trailing view can be handed to BLAS without a copy.
    private struct MatrixOperand {
        let tensor: Tensor       // keeps the storage alive
        let transposed: Bool
        let leadingDimension: Int

        /// Accepts row-major `[.., r, c]` (stride c,1) or column-major (stride 1,r) trailing layouts.
        init(_ t: Tensor) {
            let r = t.rank
            let rows = t.shape[r - 2], cols = t.shape[r - 1]
            let rowStride = t.strides[r - 2], colStride = t.strides[r - 1]
            let batchContiguous = t.rank == 2 || t.isBatchPacked(matrixSize: rows * cols)
            if batchContiguous && (colStride == 1 || cols == 1) && (rowStride == cols || rows == 1) {
                self = MatrixOperand(tensor: t, transposed: false, leadingDimension: Swift.max(cols, 1))
            } else if batchContiguous && (rowStride == 1 || rows == 1) && (colStride == rows || cols == 1) {
                self = MatrixOperand(tensor: t, transposed: true, leadingDimension: Swift.max(rows, 1))
            } else {
                self = MatrixOperand(tensor: t.copied(), transposed: false, leadingDimension: Swift.max(cols, 1))
            }
        }

        private init(tensor: Tensor, transposed: Bool, leadingDimension: Int) {
            self.tensor = tensor
            self.transposed = transposed
            self.leadingDimension = leadingDimension
        }
    }

    /// True when the leading (batch) axes step over whole matrices in row-major order.
    private func isBatchPacked(matrixSize: Int) -> Bool {
        var expected = matrixSize
        for axis in stride(from: rank - 3, through: 0, by: -1) where shape[axis] != 1 {
            if strides[axis] != expected { return false }
            expected *= shape[axis]
        }
        return true
    }

    /// Matrix product over the last two axes with NumPy batch broadcasting: `[.., M, K] x [.., K, N]`.
    /// 1-D operands are treated as a row (left) or column (right) vector, like `torch.matmul`.
    public func matmul(_ other: Tensor) -> Tensor {
        if rank == 1 { return unsqueezed(0).matmul(other).squeezed(-2) }
        if other.rank == 1 { return matmul(other.unsqueezed(1)).squeezed(-1) }
        if other.rank == 2 && rank > 2 {
            // [.., M, K] x [K, N]: one GEMM over all rows instead of a broadcast batch.
            return flattened(from: 0, to: -2).matmul(other).reshaped(Array(shape.dropLast()) + [other.shape[1]])
        }
        let m = shape[rank - 2], k = shape[rank - 1], n = other.shape[other.rank - 1]
        precondition(other.shape[other.rank - 2] == k,
                     ShapeError.mismatch("matmul", shape, other.shape).description)
        guard let batch = Tensor.broadcastShape(Array(shape.dropLast(2)), Array(other.shape.dropLast(2))) else {
            preconditionFailure(ShapeError.mismatch("matmul batch", shape, other.shape).description)
        }
        // Expand broadcast batch axes; a stride-0 batch operand is materialised by MatrixOperand.
        let a = MatrixOperand(detached().expandedIfNeeded(batch + [m, k]))
        let b = MatrixOperand(other.detached().expandedIfNeeded(batch + [k, n]))
        let batchCount = batch.reduce(1, *)
        let result = Tensor(shape: batch + [m, n]) { out in
            let pa = SendableConstPointer(UnsafePointer(a.tensor.pointer))
            let pb = SendableConstPointer(UnsafePointer(b.tensor.pointer))
            let po = SendablePointer(out.baseAddress!)
            let (ta, tb, lda, ldb) = (a.transposed, b.transposed, a.leadingDimension, b.leadingDimension)
            let multiply: @Sendable (Int) -> Void = { i in
                sgemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, a: pa.base + i * m * k, lda: lda,
                      b: pb.base + i * k * n, ldb: ldb, c: po.base + i * m * n, ldc: n)
            }
            if batchCount > 1 && m * n * k < 1 << 21 {
                // Many small products: whole products per thread.
                Parallel.forEachChunk(batchCount, grain: 1) { range in range.forEach(multiply) }
            } else {
                (0..<batchCount).forEach(multiply)
            }
        }
        let (sa, sb) = (shape, other.shape)
        return Tensor.record(result, inputs: [self, other]) { [lhs = detached(), rhs = other.detached()] g in
            [self.requiresGrad ? g.matmul(rhs.transposed()).sumToShape(sa) : nil,
             other.requiresGrad ? lhs.transposed().matmul(g).sumToShape(sb) : nil]
        }
    }

    /// `self Wᵀ + bias` over the last axis (`torch.nn.functional.linear`): `weight [out, in]`, `bias [out]`.
    /// One GEMM over all leading rows that starts from the bias, so no pass adds it afterwards.
    public func linear(weight: Tensor, bias: Tensor? = nil) -> Tensor {
        let k = shape[rank - 1], n = weight.shape[0], m = shape.dropLast().reduce(1, *)
        precondition(weight.rank == 2 && weight.shape[1] == k && (bias.map { $0.shape == [n] } ?? true),
                     "linear: input \(shape), weight \(weight.shape), bias \(bias?.shape ?? [])")
        let (x, w, b) = (contiguous().detached(), weight.contiguous().detached(), bias?.contiguous().detached())
        let result = Tensor(shape: Array(shape.dropLast()) + [n]) { out in
            sgemm(transposeB: true, m: m, n: n, k: k, a: x.pointer, lda: k, b: w.pointer, ldb: k, bias: b.map { UnsafePointer($0.pointer) },
                  c: out.baseAddress!, ldc: n)
        }
        let inputShape = shape
        return Tensor.record(result, inputs: [self, weight] + (bias.map { [$0] } ?? [])) { [self] g in
            let rows = g.reshaped([m, n])
            return [requiresGrad ? rows.matmul(w).reshaped(inputShape) : nil,
                    weight.requiresGrad ? rows.transposed().matmul(x.reshaped([m, k])) : nil,
                    bias?.requiresGrad == true ? rows.sum(axis: 0) : nil]
        }
    }

    private func expandedIfNeeded(_ target: [Int]) -> Tensor {
        shape == target ? self : (rank < target.count ? reshaped(Array(repeating: 1, count: target.count - rank) + shape) : self).expanded(target)
    }
}
