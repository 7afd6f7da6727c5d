import Foundation
import Tensors

/// Reads PyTorch checkpoints holding a state dict: the legacy format (a sequence of pickles followed by
/// raw storages) and the zip format of current torch (`<name>/data.pkl` + `<name>/data/<key>`).
enum TorchCheckpoint {
    /// The magic number opening a legacy checkpoint.
    static let legacyMagic: [UInt8] = [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]

    /// Reads a legacy (non-zip) checkpoint.
    static func readLegacy(_ data: Data, path: String) throws -> NamedWeights {
        let bytes = [UInt8](data)
        var storages: [String: StorageReference] = [:]
        func unpickler(at offset: Int) -> RestrictedUnpickler {
            RestrictedUnpickler(bytes: bytes, offset: offset, path: path) { pid in
                let storage = try storageReference(pid, path: path)
                storages[storage.key] = storage
                return .storage(storage)
            }
        }
        var reader = unpickler(at: 0)
        defer { reader.releaseValues() }
        guard case .bigInt(let magic) = try reader.load(), magic == legacyMagic else {
            throw WeightsError(.malformed, path, "not a PyTorch checkpoint (wrong magic number)")
        }
        guard case .int(1001) = try reader.load() else {
            throw WeightsError(.unsupported, path, "legacy checkpoint protocol version is not 1001")
        }
        guard case .dict(let systemInfo) = try reader.load() else {
            throw WeightsError(.malformed, path, "legacy checkpoint has no system-info dict")
        }
        if case .bool(false) = systemInfo.values["little_endian"] {
            throw WeightsError(.unsupported, path, "big-endian checkpoints are not supported")
        }
        let stateDict = try reader.load()
        guard case .list(let keyList) = try reader.load() else {
            throw WeightsError(.malformed, path, "legacy checkpoint has no storage key list")
        }
        // Raw storages follow, in key-list order: int64 element count, then the little-endian elements.
        let byteReader = ByteReader(data: data, path: path)
        var offsets: [String: Int] = [:]
        var position = reader.position
        for item in keyList.items {
            guard case .string(let key) = item, let storage = storages[key] else {
                throw WeightsError(.malformed, path, "storage key list names a storage no tensor uses")
            }
            let count = Int(truncatingIfNeeded: try byteReader.u64(position))
            guard count == storage.count else {
                throw WeightsError(.malformed, path, "storage \(key) holds \(count) elements, the pickle says \(storage.count)")
            }
            guard let size = SizeArithmetic.product(count, storage.type.byteWidth) else {
                throw WeightsError(.malformed, path, "storage \(key) of \(count) elements is too large to address")
            }
            offsets[key] = position + 8
            _ = try byteReader.bytes(position + 8, size)  // bounds check: now position + 8 + size <= data.count
            position += 8 + size
        }
        return try collect(stateDict, path: path) { view in
            guard let start = offsets[view.storage.key] else {
                throw WeightsError(.malformed, path, "storage \(view.storage.key) has no data record")
            }
            return data.withUnsafeBytes { materialize($0.baseAddress! + start, view) }
        }
    }

    /// Reads a zip-format checkpoint from an open archive.
    static func readZip(_ archive: ZipArchive) throws -> NamedWeights {
        let path = archive.path
        guard let pickle = archive.entries.first(where: { $0.name.hasSuffix("data.pkl") }) else {
            throw WeightsError(.malformed, path, "zip archive has no data.pkl (not a torch checkpoint)")
        }
        let prefix = String(pickle.name.dropLast("data.pkl".count))
        if let order = archive.entries.first(where: { $0.name == prefix + "byteorder" }),
           String(decoding: try archive.contents(of: order), as: UTF8.self) != "little" {
            throw WeightsError(.unsupported, path, "big-endian checkpoints are not supported")
        }
        var reader = RestrictedUnpickler(bytes: [UInt8](try archive.contents(of: pickle)), path: path) { pid in
            .storage(try storageReference(pid, path: path))
        }
        defer { reader.releaseValues() }
        let stateDict = try reader.load()
        let byName = Dictionary(archive.entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var blobs: [String: Data] = [:]
        let tensors = try tensorDict(stateDict, path: path)
        for case .tensor(let tensor)? in tensors.keys.map({ tensors.values[$0] }) where blobs[tensor.storage.key] == nil {
            let key = tensor.storage.key
            guard let entry = byName[prefix + "data/" + key] else {
                throw WeightsError(.malformed, path, "zip archive lacks the storage \(prefix)data/\(key)")
            }
            let blob = try archive.contents(of: entry)
            guard let size = SizeArithmetic.product(tensor.storage.count, tensor.storage.type.byteWidth), blob.count >= size else {
                throw WeightsError(.malformed, path, "storage \(key) is shorter than its \(tensor.storage.count) elements")
            }
            blobs[key] = blob
        }
        return try collect(stateDict, path: path) { view in
            blobs[view.storage.key]!.withUnsafeBytes { materialize($0.baseAddress!, view) }
        }
    }

    /// Turns a persistent id `('storage', torch.XStorage, key, location, numel, ...)` into a reference.
    private static func storageReference(_ pid: PickleValue, path: String) throws -> StorageReference {
        guard case .tuple(let fields) = pid, fields.count >= 5, case .string("storage") = fields[0],
              case .global(.storageType(let type)) = fields[1], case .string(let key) = fields[2],
              case .int(let count) = fields[4], count >= 0 else {
            throw WeightsError(.malformed, path, "persistent id is not a torch storage record")
        }
        if fields.count > 5, case .tuple = fields[5] {
            throw WeightsError(.unsupported, path, "storage views (pre-1.0 torch checkpoints) are not supported")
        }
        return StorageReference(key: key, type: type, count: count)
    }

    /// The dict of tensors: the pickled dict itself, or the dict it wraps under "state_dict".
    private static func tensorDict(_ stateDict: PickleValue, path: String) throws -> PickleDict {
        guard case .dict(let dict) = stateDict else {
            throw WeightsError(.malformed, path, "checkpoint does not hold a dict of tensors")
        }
        if case .dict(let inner)? = dict.values["state_dict"] { return inner }
        return dict
    }

    /// Materialises every tensor of the state dict with `build`, in dict order.
    private static func collect(_ stateDict: PickleValue, path: String,
                                build: (TensorReference) throws -> Tensor) throws -> NamedWeights {
        let dict = try tensorDict(stateDict, path: path)
        var names: [String] = []
        var entries: [String: WeightEntry] = [:]
        for name in dict.keys {
            guard case .tensor(let t) = dict.values[name]! else { continue }  // e.g. _metadata or numbers
            names.append(name)
            entries[name] = WeightEntry(type: t.storage.type, tensor: try build(t))
        }
        guard !names.isEmpty else { throw WeightsError(.malformed, path, "checkpoint holds no tensors") }
        return NamedWeights(path: path, names: names, entries: entries)
    }
}
