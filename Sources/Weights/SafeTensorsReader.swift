import Foundation
import Tensors

/// Reads a safetensors file: u64 little-endian header length, a JSON header
/// `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}`, then the raw data.
///
/// Minimal and internal; the lead's Tensors serialization will own the general reader and writer.
enum SafeTensorsReader {
    static func read(_ data: Data, path: String) throws -> NamedWeights {
        let bytes = ByteReader(data: data, path: path)
        let headerLength = Int(truncatingIfNeeded: try bytes.u64(0))
        guard headerLength > 0, headerLength <= data.count - 8 else {
            throw WeightsError(.malformed, path, "safetensors header length \(headerLength) exceeds the file")
        }
        let json = try bytes.bytes(8, headerLength)
        guard let header = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw WeightsError(.malformed, path, "safetensors header is not a JSON object")
        }
        let dataStart = 8 + headerLength
        var records: [(name: String, begin: Int, tensor: WeightEntry)] = []
        for (name, value) in header where name != "__metadata__" {
            guard let field = value as? [String: Any], let dtype = field["dtype"] as? String,
                  let shape = field["shape"] as? [Int], let offsets = field["data_offsets"] as? [Int],
                  offsets.count == 2 else {
                throw WeightsError(.malformed, path, "safetensors entry \(name) lacks dtype, shape or data_offsets")
            }
            guard let type = ScalarType(safetensors: dtype) else {
                throw WeightsError(.unsupported, path, "safetensors entry \(name) has unsupported dtype \(dtype)")
            }
            guard let byteCount = SizeArithmetic.byteCount(shape, width: type.byteWidth) else {
                throw WeightsError(.malformed, path, "safetensors entry \(name): shape \(shape) is negative or too large to address")
            }
            guard offsets[0] >= 0, offsets[1] >= offsets[0], offsets[1] - offsets[0] == byteCount,
                  offsets[1] <= data.count - dataStart else {
                throw WeightsError(.malformed, path, "safetensors entry \(name): data_offsets \(offsets) do not fit shape \(shape) of \(dtype) in the file")
            }
            let strides = Tensor.contiguousStrides(shape)
            let tensor = data.withUnsafeBytes { raw in
                materialize(raw.baseAddress! + dataStart + offsets[0], type: type, offset: 0, shape: shape, strides: strides)
            }
            records.append((name, offsets[0], WeightEntry(type: type, tensor: tensor)))
        }
        // JSON objects are unordered: list tensors in data order, as the file stores them.
        records.sort { ($0.begin, $0.name) < ($1.begin, $1.name) }
        return NamedWeights(path: path, names: records.map(\.name),
                            entries: Dictionary(uniqueKeysWithValues: records.map { ($0.name, $0.tensor) }))
    }
}
