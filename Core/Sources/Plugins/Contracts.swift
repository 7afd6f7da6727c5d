import Kernels
import NN
import Tensors

// The contracts a plugin implements: backbones and attention blocks. The host's built-ins use the same ones.

/// A feature map a backbone can produce: its name, channel count and stride relative to the input.
public struct FeatureTap: Sendable, Hashable, CustomStringConvertible {
    /// Name used to request it (e.g. "s8").
    public let name: String
    public let channels: Int
    /// Input pixels per feature pixel along each axis; the map is [C, ceil(H/stride), ceil(W/stride)].
    public let stride: Int

    public init(name: String, channels: Int, stride: Int) {
        self.name = name
        self.channels = channels
        self.stride = stride
    }

    public var description: String { "\(name) (\(channels) channels, stride \(stride))" }
}

/// How the pixel values handed to a backbone are scaled.
public enum ImageScaling: Sendable {
    /// RGB in [0, 1]; the backbone applies the normalisation its weights were trained with.
    case unitRange
    /// Already normalised the way the backbone expects.
    case normalized
}

/// A frozen, pretrained feature extractor. A model adapts to it through its declared taps.
public protocol Backbone: AnyObject, Sendable {
    /// Name the backbone is registered under (e.g. "efficientnet-lite0").
    var name: String { get }
    /// Every feature map it can produce, finest first.
    var taps: [FeatureTap] { get }
    /// Feature maps `[N, C, ceil(H/s), ceil(W/s)]` for images `[N, 3, H, W]`, keyed by tap name.
    ///
    /// Only the layers needed for the requested taps run.
    func features(_ images: Tensor, taps: [String], scaling: ImageScaling) throws -> [String: Tensor]
}

/// Builds a backbone from an optional weights file (nil: the backbone finds its default weights).
public typealias BackboneFactory = @Sendable (_ weightsPath: String?) throws -> any Backbone

/// The k x k window of one RLR level with a side x side token grid (tokens row-major).
public struct WindowGeometry: @unchecked Sendable {
    public let side: Int
    /// Window size k (odd).
    public let size: Int
    /// The k x k window around each token, clipped at the borders (for sparse attention).
    public let window: NeighborTable
    /// Additive mask `[N, N]`: 0 outside the window, -inf inside (the token itself included).
    public let outsideWindow: Tensor

    public init(side: Int, size k: Int) {
        self.side = side
        size = k
        window = NeighborTable.window(height: side, width: side, size: k)
        let n = side * side
        outsideWindow = Tensor.zeros([n, n])
        for i in 0..<n {
            for j in window.neighbors(of: i) { outsideWindow.pointer[i * n + j] = -.infinity }
        }
    }
}

/// One block's forward at one level: its multi-head attention, the queries `X [B, N, D]` and the
/// embedded reference `R [1, N, D]`; returns `[B, N, D]` built from differentiable tensor operations.
public typealias AttentionForward = (_ attention: MultiHeadAttention, _ queries: Tensor, _ reference: Tensor) -> Tensor

/// An attention block an RLR encoder layer can sum (`--blocks NAME:WEIGHT,...`). Every block owns one
/// `MultiHeadAttention` (its parameters are the layer's `attentions.i.*`).
public struct AttentionBlockDefinition: Sendable {
    /// One line for `attention list`.
    public let summary: String
    /// The forward for one level, prepared once when the model is built (precompute tables here).
    public let prepare: @Sendable (WindowGeometry) -> AttentionForward

    public init(summary: String, prepare: @escaping @Sendable (WindowGeometry) -> AttentionForward) {
        self.summary = summary
        self.prepare = prepare
    }
}

/// The process-wide registries that built-ins and plugins add to.
public enum Registries {
    /// Backbone factories by name.
    public static let backbones = Registry<BackboneFactory>(kind: "backbone")
    /// Attention blocks by name.
    public static let attentionBlocks = Registry<AttentionBlockDefinition>(kind: "attention block")
}
