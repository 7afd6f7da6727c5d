import Kernels
import NN
import Tensors

/// One RLR encoder layer: `Z = LN1(Σ w_b · block_b(X, R))` (no residual from X), then the post-norm
/// feed-forward `X' = LN2(Z + FFN(Z))`. With the default blocks, `Z = LN1(2·LCA + 1·MLKA)`.
public final class EncoderLayer: Module {
    /// One attention per block, in the order of `RLRConfig.blocks`.
    public let attentions: [MultiHeadAttention]
    public let norm1: LayerNorm
    public let feedForward: MLP
    public let norm2: LayerNorm
    let blocks: [AttentionBlock]

    init(dims: Int, config: RLRConfig, generator: inout RandomGenerator) {
        blocks = config.blocks
        var attentions: [MultiHeadAttention] = []
        for _ in config.blocks { attentions.append(MultiHeadAttention(dims, heads: config.heads, generator: &generator)) }
        self.attentions = attentions
        norm1 = LayerNorm(dims, epsilon: config.layerNormEpsilon)
        feedForward = MLP(dims, hidden: config.ffnMultiplier * dims, generator: &generator)
        norm2 = LayerNorm(dims, epsilon: config.layerNormEpsilon)
    }

    /// x `[B, N, D]` (queries from the image), reference `[1, N, D]` (shared by the batch).
    func callAsFunction(_ x: Tensor, reference r: Tensor, masks: WindowMasks) -> Tensor {
        var z: Tensor? = nil
        for (block, attention) in zip(blocks, attentions) {
            let out: Tensor
            switch block.kind {
            case .lca: out = attention(query: x, key: r, value: r, neighbors: masks.window)
            case .mlka: out = attention(query: x, key: r, value: x, additiveMask: masks.outsideWindow)
            case .ca: out = attention(query: x, key: r, value: r)
            case .msa: out = attention(query: x, key: x, value: x, additiveMask: masks.outsideWindow)
            }
            let weighted = block.weight == 1 ? out : out * block.weight
            z = z.map { $0 + weighted } ?? weighted
        }
        let normalized = norm1(z!)
        return norm2(normalized + feedForward(normalized))
    }
}

/// The k x k window around each token: as a neighbour table (LCA, sparse) and as an additive mask
/// that forbids it (MLKA/MSA: 0 outside the window, -inf inside, the query's own position included).
struct WindowMasks {
    let window: NeighborTable
    let outsideWindow: Tensor

    init(side: Int, size k: Int) {
        window = NeighborTable.window(height: side, width: side, size: k)
        let n = side * side
        outsideWindow = Tensor.zeros([n, n])
        for i in 0..<n {
            for j in window.neighbors(of: i) { outsideWindow.pointer[i * n + j] = -.infinity }
        }
    }
}
