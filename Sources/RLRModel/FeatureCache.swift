import Datasets
import Foundation
import Tensors

/// Extracted tokens on disk, keyed by everything that determines them: the backbone identity and
/// each image's path, size and modification time. A changed file or backbone gives a new key.
public struct FeatureCache {
    public let folder: String

    /// `$RLR_CACHE/features`, else `$XDG_CACHE_HOME/rlr/features`, else `~/.cache/rlr/features`.
    public static var defaultFolder: String {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["RLR_CACHE"] ?? ((environment["XDG_CACHE_HOME"] ?? (NSHomeDirectory() + "/.cache")) + "/rlr")
        return base + "/features"
    }

    public init(folder: String = FeatureCache.defaultFolder) {
        self.folder = folder
    }

    /// The cache key of `samples` seen through `identity` (FNV-1a 64 over a canonical description).
    public func key(identity: BackboneIdentity, samples: [Sample]) -> String {
        var text = "\(identity)"
        for sample in samples {
            let attributes = try? FileManager.default.attributesOfItem(atPath: sample.path)
            let size = (attributes?[.size] as? NSNumber)?.intValue ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
            text += "\n\(sample.path)|\(size)|\(modified)"
        }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01B3
        }
        return String(hash, radix: 16)
    }

    private func path(_ key: String) -> String { folder + "/" + key + ".safetensors" }

    /// The cached tokens, or nil when absent or unreadable (a damaged entry is simply recomputed).
    public func load(_ key: String, levels: Int) -> [Tensor]? {
        guard let contents = try? SafeTensors.read(path(key)) else { return nil }
        let tokens = (0..<levels).compactMap { contents.tensors["level\($0)"] }
        return tokens.count == levels ? tokens : nil
    }

    public func store(_ key: String, tokens: [Tensor]) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let tensors = Dictionary(uniqueKeysWithValues: tokens.enumerated().map { ("level\($0.offset)", $0.element) })
        try SafeTensors.write(.init(tensors: tensors, metadata: ["format": "rlr-features/1"]), to: path(key))
    }
}
