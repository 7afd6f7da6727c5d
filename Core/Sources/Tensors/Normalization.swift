import Kernels

extension Tensor {
    /// Moves `axis` last (a view), so row kernels can run over it; returns the inverse permutation.
    private func movingAxisLast(_ axis: Int) -> (Tensor, [Int]?) {
        let a = Tensor.normalize(axis: axis, rank: rank)
        if a == rank - 1 { return (self, nil) }
        var order = Array(0..<rank)
        order.remove(at: a)
        order.append(a)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, o) in order.enumerated() { inverse[o] = i }
        return (permuted(order), inverse)
    }

    /// Softmax along `axis` (default last).
    public func softmax(axis: Int = -1) -> Tensor { softmaxPrimitive(axis: axis, log: false) }

    /// Log-softmax along `axis` (default last), computed stably.
    public func logSoftmax(axis: Int = -1) -> Tensor { softmaxPrimitive(axis: axis, log: true) }

    private func softmaxPrimitive(axis: Int, log: Bool) -> Tensor {
        let (moved, inverse) = movingAxisLast(axis)
        let input = moved.contiguous()
        let n = input.shape.last ?? 1, rows = input.count / Swift.max(n, 1)
        let source = input.detached()
        let output = Tensor(shape: input.shape) {
            softmaxRows(source.pointer, rows: rows, n: n, log: log, into: $0.baseAddress!)
        }
        let value = output.detached()
        let recorded = Tensor.record(output, inputs: [input]) { g in
            let gradient = g.contiguous()
            return [Tensor(shape: value.shape) {
                softmaxRowsBackward(y: value.pointer, gradient: gradient.pointer, rows: rows, n: n, log: log, into: $0.baseAddress!)
            }]
        }
        return inverse.map { recorded.permuted($0) } ?? recorded
    }

    /// Layer normalisation over the last axis with optional affine `weight` and `bias` `[C]`.
    /// Without gradients to record, both parameters are applied in the same pass as the normalisation.
    public func layerNorm(weight: Tensor? = nil, bias: Tensor? = nil, epsilon: Float = 1e-5) -> Tensor {
        let input = contiguous()
        let n = shape.last ?? 1, rows = count / Swift.max(n, 1)
        let source = input.detached()
        let rstd = Tensor.zeros([rows])
        let meanValues = Tensor.zeros([rows])
        if let weight, let bias, weight.shape == [n], bias.shape == [n], !(GradMode.isEnabled && [self, weight, bias].contains { $0.requiresGrad }) {
            let (w, b) = (weight.contiguous(), bias.contiguous())
            return Tensor(shape: shape) {
                layerNormRows(source.pointer, rows: rows, n: n, epsilon: epsilon, affine: (UnsafePointer(w.pointer), UnsafePointer(b.pointer)), into: $0.baseAddress!,
                              mean: meanValues.pointer, rstd: rstd.pointer)
            }
        }
        let normalized = Tensor(shape: shape) {
            layerNormRows(source.pointer, rows: rows, n: n, epsilon: epsilon, into: $0.baseAddress!,
                          mean: meanValues.pointer, rstd: rstd.pointer)
        }
        let xhat = normalized.detached()
        let recorded = Tensor.record(normalized, inputs: [input]) { g in
            let gradient = g.contiguous()
            return [Tensor(shape: xhat.shape) {
                layerNormRowsBackward(xhat: xhat.pointer, gradient: gradient.pointer, rstd: rstd.pointer,
                                      rows: rows, n: n, into: $0.baseAddress!)
            }]
        }
        var result = recorded
        if let weight { result = result * weight }
        if let bias { result = result + bias }
        return result
    }

    /// Batch normalisation in evaluation mode over `[N, C, ...]` with running statistics `[C]`.
    public func batchNorm(mean: Tensor, variance: Tensor, weight: Tensor? = nil, bias: Tensor? = nil,
                          epsilon: Float = 1e-5) -> Tensor {
        let perChannel = [shape[1]] + Array(repeating: 1, count: Swift.max(rank - 2, 0))
        var scale = (variance + epsilon).pow(-0.5)
        if let weight { scale = scale * weight }
        var result = (self - mean.reshaped(perChannel)) * scale.reshaped(perChannel)
        if let bias { result = result + bias.reshaped(perChannel) }
        return result
    }

    /// Cosine similarity along `axis`: `(a / max(|a|, eps)) · (b / max(|b|, eps))`, as
    /// torch.nn.functional.cosine_similarity computes it.
    public func cosineSimilarity(_ other: Tensor, axis: Int = -1, epsilon: Float = 1e-8) -> Tensor {
        let a = self / (self * self).sum(axis: axis, keepDims: true).sqrt().clamped(min: epsilon)
        let b = other / (other * other).sum(axis: axis, keepDims: true).sqrt().clamped(min: epsilon)
        return (a * b).sum(axis: axis)
    }
}
