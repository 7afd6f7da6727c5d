import Kernels
import Tensors

/// Multi-head attention with separate query/key/value/output projections (the maths of
/// nn.MultiheadAttention, batch first, no dropout, scale 1/sqrt(D/heads)) and its initialisation:
/// q/k/v weights U(±sqrt(6/(4D))) (Xavier over the fused 3D x D matrix), biases 0, output weight
/// PyTorch's Linear default, output bias 0.
public final class MultiHeadAttention: Module {
    public let query: Linear
    public let key: Linear
    public let value: Linear
    public let output: Linear
    public let headCount: Int

    public init(_ size: Int, heads: Int, generator: inout RandomGenerator) {
        precondition(size % heads == 0, "attention size \(size) is not divisible by \(heads) heads")
        headCount = heads
        query = Linear(size, size, generator: &generator)
        key = Linear(size, size, generator: &generator)
        value = Linear(size, size, generator: &generator)
        output = Linear(size, size, generator: &generator)
        let bound = (6 / Float(4 * size)).squareRoot()
        for projection in [query, key, value] {
            projection.weight = Initializer.uniform([size, size], bound: bound, generator: &generator)
            projection.bias?.value = Tensor.zeros([size]).requiringGrad()
        }
        output.bias?.value = Tensor.zeros([size]).requiringGrad()
    }

    /// `[B, N, D] -> [B, H, N, D/H]`.
    public func splitHeads(_ x: Tensor) -> Tensor {
        let (b, n, d) = (x.shape[0], x.shape[1], x.shape[2])
        return x.reshaped([b, n, headCount, d / headCount]).transposed(1, 2)
    }

    /// `[B, H, N, d] -> [B, N, H*d]`, then the output projection.
    public func mergeHeads(_ x: Tensor) -> Tensor {
        let (b, h, n, d) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        return output(x.transposed(1, 2).reshaped([b, n, h * d]))
    }

    /// Dense attention. query `[B, Nq, D]`, key/value `[B or 1, Nk, D]`; `additiveMask [Nq, Nk]` (0 / -inf).
    public func callAsFunction(query q: Tensor, key k: Tensor, value v: Tensor, additiveMask: Tensor? = nil) -> Tensor {
        mergeHeads(Tensor.scaledDotProductAttention(query: splitHeads(query(q)), key: splitHeads(key(k)),
                                                    value: splitHeads(value(v)), additiveMask: additiveMask))
    }

    /// Attention over a sparse key set per query (`neighbors`), e.g. a local window.
    public func callAsFunction(query q: Tensor, key k: Tensor, value v: Tensor, neighbors: NeighborTable) -> Tensor {
        mergeHeads(Tensor.sparseAttention(query: splitHeads(query(q)), key: splitHeads(key(k)),
                                          value: splitHeads(value(v)), neighbors: neighbors))
    }
}
