@_exported import Plugins
import Tensors
import Weights

// The backbone contract (Backbone, FeatureTap, ImageScaling) lives in RLRCore's Plugins module, which
// plugins share; this module re-exports it.

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

/// Backbones by name (`Registries.backbones`), with the built-in EfficientNet-Lite0/1/2 registered first.
public enum BackboneRegistry {
    /// Registers the built-ins through the same call as plugins (and gives plugins the weights reader); runs once.
    private static let builtIns: Void = {
        HostServices.install { path in try Weights.load(path: path).entries.mapValues(\.tensor) }
        for variant in EfficientNetLite.variants {
            try? Registries.backbones.register(variant) { path in try EfficientNetLite(name: variant, weightsPath: path) }
        }
    }()

    /// Registers the built-in backbones (idempotent); done before any plugin loads.
    public static func registerBuiltIns() { builtIns }

    /// Names of all registered backbones, sorted.
    public static var names: [String] {
        registerBuiltIns()
        return Registries.backbones.names
    }

    /// Builds the backbone called `name`, loading `weightsPath` or its default weights.
    public static func make(_ name: String, weightsPath: String? = nil) throws -> any Backbone {
        registerBuiltIns()
        guard let factory = Registries.backbones.entry(name) else {
            throw BackboneError.unknownBackbone(name, known: names)
        }
        return try factory(weightsPath)
    }
}
