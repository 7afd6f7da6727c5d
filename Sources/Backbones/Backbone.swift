import Synchronization
import Tensors

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

/// Errors about backbones and their inputs, naming what was asked for.
public enum BackboneError: Error, CustomStringConvertible, Equatable {
    case unknownBackbone(String, known: [String])
    case unknownTap(String, backbone: String, known: [String])
    case badInput(String)
    case badWeights(path: String, reason: String)

    public var description: String {
        switch self {
        case .unknownBackbone(let name, let known):
            "unknown backbone \"\(name)\" (known: \(known.joined(separator: ", ")))"
        case .unknownTap(let tap, let backbone, let known):
            "backbone \(backbone) has no tap \"\(tap)\" (known: \(known.joined(separator: ", ")))"
        case .badInput(let reason): "bad backbone input: \(reason)"
        case .badWeights(let path, let reason): "\(path): \(reason)"
        }
    }
}

/// Backbones by name. Built-ins are EfficientNet-Lite0/1/2; plugins may register more.
public enum BackboneRegistry {
    /// Builds a backbone from an optional weights file (nil: the backbone finds its default weights).
    public typealias Factory = @Sendable (_ weightsPath: String?) throws -> any Backbone

    private static let factories = Mutex<[String: Factory]>(
        Dictionary(uniqueKeysWithValues: EfficientNetLite.variants.map { variant in
            (variant, { path in try EfficientNetLite(name: variant, weightsPath: path) } as Factory)
        }))

    /// Registers (or replaces) the backbone called `name`.
    public static func register(_ name: String, factory: @escaping Factory) {
        factories.withLock { $0[name] = factory }
    }

    /// Names of all registered backbones, sorted.
    public static var names: [String] { factories.withLock { $0.keys.sorted() } }

    /// Builds the backbone called `name`, loading `weightsPath` or its default weights.
    public static func make(_ name: String, weightsPath: String? = nil) throws -> any Backbone {
        guard let factory = factories.withLock({ $0[name] }) else {
            throw BackboneError.unknownBackbone(name, known: names)
        }
        return try factory(weightsPath)
    }
}
