import Foundation
import NN
import Plugins
import Tensors

/// Which feature extractor produced the tokens a model was trained on; a checkpoint only scores
/// features from the same one.
public struct BackboneIdentity: Codable, Equatable, Sendable {
    public var name: String
    public var taps: [String]
    public var channels: [Int]
    public var sides: [Int]
    public var imageSize: Int
    public var normalization: String

    public init(name: String, taps: [String], channels: [Int], sides: [Int], imageSize: Int, normalization: String) {
        self.name = name; self.taps = taps; self.channels = channels; self.sides = sides
        self.imageSize = imageSize; self.normalization = normalization
    }
}

/// A plugin a checkpoint needs: what it provided (backbone and attention block names) when the
/// checkpoint was written.
public struct PluginRequirement: Codable, Equatable, Sendable {
    public var name: String
    public var version: String
    /// The file it was loaded from when training (a hint; any build of the plugin will do).
    public var file: String
    public var provides: [String]

    /// The plugins that provided `backbone` or any of `blocks` in this process.
    public static func current(backbone: String, blocks: [AttentionBlock]) -> [PluginRequirement] {
        var requirements: [PluginRequirement] = []
        let used = [(Registries.backbones.provenance(of: backbone), backbone)]
            + blocks.map { (Registries.attentionBlocks.provenance(of: $0.kind.rawValue), $0.kind.rawValue) }
        for case let (.plugin(info)?, name) in used {
            if let i = requirements.firstIndex(where: { $0.name == info.name }) {
                if !requirements[i].provides.contains(name) { requirements[i].provides.append(name) }
            } else {
                requirements.append(PluginRequirement(name: info.name, version: info.version, file: info.file, provides: [name]))
            }
        }
        return requirements
    }
}

/// A trained (or partly trained) model in one safetensors file: network parameters (`model.*`),
/// Adam state (`optimizer.*`, for resuming) and the per-epoch loss history (`history.loss`, and
/// `history.validation_loss` when images were held out); the
/// configuration, backbone identity, categories, the plugins it needs (`plugins`: name, version,
/// what they provided) and the optional calibration are JSON in the metadata. Written atomically.
public struct Checkpoint {
    public static let format = "rlr-checkpoint/1"

    public var config: RLRConfig
    public var backbone: BackboneIdentity
    public var categories: [String]
    public var network: RLRNetwork
    public var lossHistory: [Float]
    public var validationHistory: [Float]
    public var optimizerState: [String: Tensor]
    /// Operating points from held-out normal images (`model calibrate`); nil until calibrated.
    public var calibration: Calibration?

    public init(config: RLRConfig, backbone: BackboneIdentity, categories: [String], network: RLRNetwork,
                lossHistory: [Float], validationHistory: [Float] = [], optimizerState: [String: Tensor] = [:],
                calibration: Calibration? = nil) {
        self.config = config; self.backbone = backbone; self.categories = categories; self.network = network
        self.lossHistory = lossHistory; self.validationHistory = validationHistory; self.optimizerState = optimizerState
        self.calibration = calibration
    }

    /// Writes the checkpoint atomically (temp file + rename): a crash or a full disk never leaves a half-written file.
    public func save(to path: String) throws {
        try AtomicFile.write(try encoded(), to: path)
    }

    /// The checkpoint as safetensors bytes.
    public func encoded() throws -> Data {
        var tensors: [String: Tensor] = [:]
        for (key, value) in network.stateDict() { tensors["model." + key] = value }
        for (key, value) in optimizerState { tensors["optimizer." + key] = value }
        for (key, history) in [("history.loss", lossHistory), ("history.validation_loss", validationHistory)] where !history.isEmpty {
            tensors[key] = Tensor(shape: [history.count], data: history)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var metadata = [
            "format": Checkpoint.format,
            "config": String(decoding: try encoder.encode(config), as: UTF8.self),
            "backbone": String(decoding: try encoder.encode(backbone), as: UTF8.self),
            "categories": String(decoding: try encoder.encode(categories), as: UTF8.self),
            "epochs_done": String(lossHistory.count),
            "plugins": String(decoding: try encoder.encode(PluginRequirement.current(backbone: backbone.name, blocks: config.blocks)),
                              as: UTF8.self),
        ]
        if let calibration { metadata["calibration"] = String(decoding: try encoder.encode(calibration), as: UTF8.self) }
        return SafeTensors.encode(.init(tensors: tensors, metadata: metadata))
    }

    /// Loads a checkpoint; when `expectedBackbone` is given, refuses one trained on other features
    /// and says what differs.
    public static func load(_ path: String, expectedBackbone: BackboneIdentity? = nil) throws -> Checkpoint {
        try decode(FileError.read(path), path: path, expectedBackbone: expectedBackbone)
    }

    /// Decodes checkpoint bytes; `path` names the file in errors.
    public static func decode(_ data: Data, path: String, expectedBackbone: BackboneIdentity? = nil) throws -> Checkpoint {
        let contents = try SafeTensors.decode(data, path: path)
        func fail(_ reason: String) -> RLRError { .incompatibleCheckpoint("\(path): \(reason)") }
        guard contents.metadata["format"] == format else {
            throw fail("not an rlr checkpoint (metadata format is \(contents.metadata["format"] ?? "missing"), expected \(format))")
        }
        let decoder = JSONDecoder()
        func decode<T: Decodable>(_ type: T.Type, _ key: String) throws -> T {
            guard let text = contents.metadata[key], let value = try? decoder.decode(T.self, from: Data(text.utf8)) else {
                throw fail("metadata '\(key)' is missing or malformed")
            }
            return value
        }
        let config = try decode(RLRConfig.self, "config")
        let backbone = try decode(BackboneIdentity.self, "backbone")
        let categories = try decode([String].self, "categories")
        let calibration = contents.metadata["calibration"] == nil ? nil : try decode(Calibration.self, "calibration")
        let plugins = contents.metadata["plugins"] == nil ? [] : try decode([PluginRequirement].self, "plugins")
        BuiltInAttentionBlocks.register()
        for plugin in plugins {
            let missing = plugin.provides.filter {
                Registries.backbones.entry($0) == nil && Registries.attentionBlocks.entry($0) == nil
            }
            if !missing.isEmpty {
                throw fail("it was trained with \(missing.joined(separator: ", ")) from plugin \(plugin.name) \(plugin.version); "
                           + "load that plugin first (`plugin load \(plugin.file)` or `rlr --plugin \(plugin.file)`)")
            }
        }
        if let expected = expectedBackbone, expected != backbone {
            throw fail("trained on \(describe(backbone)), but the features come from \(describe(expected))")
        }
        // The metadata must not make us allocate a network the file cannot hold (found by the checkpoint campaign:
        // dims [65536] asked for 17 GB). Every valid checkpoint holds at least this many model parameters.
        let held = contents.tensors.filter { $0.key.hasPrefix("model.") }.reduce(0) { $0 + $1.value.count }
        guard let needed = minimumParameters(config, backbone), needed <= held else {
            throw fail("metadata asks for a network (dims \(config.dims), \(config.layers) layers, channels \(backbone.channels), "
                       + "sides \(backbone.sides)) larger than the \(held) model parameters the file holds")
        }
        let network = try RLRNetwork(channels: backbone.channels, sides: backbone.sides, config: config)
        var model: [String: Tensor] = [:], optimizer: [String: Tensor] = [:]
        for (key, value) in contents.tensors {
            if key.hasPrefix("model.") { model[String(key.dropFirst(6))] = value }
            if key.hasPrefix("optimizer.") { optimizer[String(key.dropFirst(10))] = value }
        }
        do { try network.load(stateDict: model) } catch { throw fail(String(describing: error)) }
        return Checkpoint(config: config, backbone: backbone, categories: categories, network: network,
                          lossHistory: contents.tensors["history.loss"]?.toArray() ?? [],
                          validationHistory: contents.tensors["history.validation_loss"]?.toArray() ?? [], optimizerState: optimizer,
                          calibration: calibration)
    }

    /// A lower bound of the parameters of the network `config` builds over `backbone` (per level: the
    /// C x D embeddings and projection, the N x C reference, and per layer a D x D attention output and
    /// the D x (ffn D) feed-forward pair); nil when a size is not positive or the arithmetic overflows.
    static func minimumParameters(_ config: RLRConfig, _ backbone: BackboneIdentity) -> Int? {
        guard backbone.channels.count == backbone.sides.count, config.dims.count == backbone.channels.count,
              config.layers > 0, config.ffnMultiplier > 0 else { return nil }
        var total = 0
        for ((c, side), d) in zip(zip(backbone.channels, backbone.sides), config.dims) {
            guard c > 0, side > 0, d > 0, let n = SizeArithmetic.product(side, side), let cd = SizeArithmetic.product(c, d),
                  let nc = SizeArithmetic.product(n, c), let dd = SizeArithmetic.product(d, d),
                  let ffn = SizeArithmetic.product(2 * config.ffnMultiplier + 1, dd), let layers = SizeArithmetic.product(config.layers, ffn),
                  let level = SizeArithmetic.product(3, cd).flatMap({ SizeArithmetic.sum($0, nc) }).flatMap({ SizeArithmetic.sum($0, layers) }),
                  let sum = SizeArithmetic.sum(total, level) else { return nil }
            total = sum
        }
        return total
    }

    private static func describe(_ b: BackboneIdentity) -> String {
        "\(b.name) taps \(b.taps.joined(separator: ",")) (\(b.channels) channels, \(b.sides) sides) at \(b.imageSize)px, \(b.normalization) normalisation"
    }
}
