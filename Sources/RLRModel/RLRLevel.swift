import Kernels
import NN
import Plugins
import Tensors

/// The RLR network of one feature level: tokens `[B, N, C]` -> reconstruction `[B, N, C]`.
///
/// Queries come from the (jittered) input; what is assembled into the output comes from a learnable
/// reference `[N, C]` that can only hold normal patterns, so the input never reconstructs itself.
public final class RLRLevel: Module {
    /// Embed(F): 1x1 conv C -> D as a linear layer (Kaiming-normal weight).
    public let embed: Linear
    /// The reference's own embedding.
    public let referenceEmbed: Linear
    /// The learnable reference, one token per position, shared by all images and classes.
    @Parameter public var reference: Tensor
    public let layers: [EncoderLayer]
    public let norm: LayerNorm
    /// Linear D -> C.
    public let projection: Linear

    public let channels: Int
    public let side: Int
    public let dims: Int
    public let windowSize: Int
    let positions: Tensor
    /// Each block's forward, prepared for this level's window geometry.
    let forwards: [AttentionForward]

    public init(channels: Int, side: Int, dims: Int, window: Int, config: RLRConfig, generator: inout RandomGenerator) throws {
        self.channels = channels; self.side = side; self.dims = dims; windowSize = window
        let n = side * side
        embed = Linear(channels, dims, generator: &generator)
        embed.weight = Initializer.kaimingNormal([dims, channels], generator: &generator)
        referenceEmbed = Linear(channels, dims, generator: &generator)
        referenceEmbed.weight = Initializer.kaimingNormal([dims, channels], generator: &generator)
        _reference = Parameter(wrappedValue: Tensor.randn([n, channels], generator: &generator))
        var layers: [EncoderLayer] = []
        for _ in 0..<config.layers { layers.append(EncoderLayer(dims: dims, config: config, generator: &generator)) }
        self.layers = layers
        norm = LayerNorm(dims, epsilon: config.layerNormEpsilon)
        projection = Linear(dims, channels, generator: &generator)
        positions = try sinCosPositionalEmbedding(height: side, width: side, dims: dims)
        let geometry = WindowGeometry(side: side, size: window)
        forwards = try config.blocks.map { try BuiltInAttentionBlocks.definition($0.kind).prepare(geometry) }
    }

    /// `R̂ = Embed_ref(Ref) + P`, `[1, N, D]`: computed once per forward, reused by every layer.
    public func embeddedReference() -> Tensor {
        (referenceEmbed(reference) + positions).unsqueezed(0)
    }

    /// Reconstructs tokens `[B, N, C]`.
    public func callAsFunction(_ tokens: Tensor) -> Tensor {
        var x = embed(tokens) + positions
        let r = embeddedReference()
        for layer in layers { x = layer(x, reference: r, forwards: forwards) }
        return projection(norm(x))
    }
}
