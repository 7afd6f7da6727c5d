import Kernels
import NN
import Plugins
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

    /// x `[B, N, D]` (queries from the image), reference `[1, N, D]` (shared by the batch);
    /// `forwards` holds each block's forward prepared for this level (see `AttentionBlockDefinition`).
    func callAsFunction(_ x: Tensor, reference r: Tensor, forwards: [AttentionForward]) -> Tensor {
        var z: Tensor? = nil
        for ((block, attention), forward) in zip(zip(blocks, attentions), forwards) {
            let out = forward(attention, x, r)
            let weighted = block.weight == 1 ? out : out * block.weight
            z = z.map { $0 + weighted } ?? weighted
        }
        let normalized = norm1(z!)
        return norm2(normalized + feedForward(normalized))
    }
}
