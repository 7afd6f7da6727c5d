import Foundation

/// The safetensors format: u64 little-endian header length, a JSON header
/// `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}`, then raw
/// little-endian data. Writes float32; reads F32/F64/F16/BF16/integer/bool tensors as float32.
public enum SafeTensors {
    /// A file's tensors (by name) and its string metadata.
    public struct Contents {
        public var tensors: [String: Tensor]
        public var metadata: [String: String]

        public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
            self.tensors = tensors
            self.metadata = metadata
        }
    }

    public static func read(_ path: String) throws -> Contents {
        try decode(FileError.read(path), path: path)
    }

    /// Writes atomically (temp file + rename).
    public static func write(_ contents: Contents, to path: String) throws {
        try AtomicFile.write(encode(contents), to: path)
    }

    public static func encode(_ contents: Contents) -> Data {
        var header: [String: Any] = [:]
        var offset = 0
        let names = contents.tensors.keys.sorted()
        for name in names {
            let tensor = contents.tensors[name]!
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + tensor.count * 4]]
            offset += tensor.count * 4
        }
        if !contents.metadata.isEmpty { header["__metadata__"] = contents.metadata }
        var json = try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var data = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for name in names {
            contents.tensors[name]!.withContiguousBuffer { data.append(UnsafeBufferPointer(start: UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: UInt8.self), count: $0.count * 4)) }
        }
        return data
    }

    public static func decode(_ data: Data, path: String = "<safetensors>") throws -> Contents {
        func fail(_ reason: String) -> FileError { .malformed(path, reason: "not a valid safetensors file: " + reason) }
        guard data.count >= 8 else { throw fail("shorter than its 8-byte header length") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else { throw fail("header length \(headerLength) exceeds the file size \(data.count)") }
        let body = 8 + Int(headerLength)
        guard let header = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<body)) as? [String: Any] else {
            throw fail("header is not a JSON object")
        }
        var contents = Contents(tensors: [:])
        for (name, entry) in header {
            if name == "__metadata__" {
                contents.metadata = (entry as? [String: Any])?.compactMapValues { $0 as? String } ?? [:]
                continue
            }
            guard let info = entry as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = integers(info["shape"]), let offsets = integers(info["data_offsets"]), offsets.count == 2 else {
                throw fail("tensor '\(name)' has a malformed entry (needs dtype, shape and two data_offsets, all integers)")
            }
            guard let width = elementSize[dtype] else { throw fail("tensor '\(name)' has unsupported dtype \(dtype)") }
            guard let count = SizeArithmetic.elementCount(shape), let bytes = SizeArithmetic.product(count, width) else {
                throw fail("tensor '\(name)' has shape \(shape), too large to address")
            }
            guard offsets[0] >= 0, offsets[1] >= offsets[0], offsets[1] - offsets[0] == bytes, offsets[1] <= data.count - body else {
                throw fail("tensor '\(name)' (\(dtype) \(shape)) has data offsets \(offsets) that do not fit the file")
            }
            contents.tensors[name] = data.withUnsafeBytes { raw in
                let start = raw.baseAddress! + body + offsets[0]
                return Tensor(shape: shape) { out in
                    for i in 0..<count { out[i] = element(dtype, start + i * width) }
                }
            }
        }
        return contents
    }

    /// A JSON array of integers (sizes must be exact integers; anything else is nil).
    private static func integers(_ value: Any?) -> [Int]? {
        guard let items = value as? [Any] else { return nil }
        var result: [Int] = []
        for item in items {
            guard let number = item as? NSNumber, let integer = Int(exactly: number.doubleValue),
                  integer == number.int64Value else { return nil }
            result.append(integer)
        }
        return result
    }

    private static let elementSize: [String: Int] = ["F32": 4, "F64": 8, "F16": 2, "BF16": 2, "I64": 8, "I32": 4,
                                                     "I16": 2, "I8": 1, "U8": 1, "BOOL": 1]

    private static func element(_ dtype: String, _ p: UnsafeRawPointer) -> Float {
        switch dtype {
        case "F32": return Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
        case "F64": return Float(Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))))
        case "F16": return Float(Float16(bitPattern: UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))))
        case "BF16": return Float(bitPattern: UInt32(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))) << 16)
        case "I64": return Float(Int64(littleEndian: p.loadUnaligned(as: Int64.self)))
        case "I32": return Float(Int32(littleEndian: p.loadUnaligned(as: Int32.self)))
        case "I16": return Float(Int16(littleEndian: p.loadUnaligned(as: Int16.self)))
        case "I8": return Float(p.load(as: Int8.self))
        default: return Float(p.load(as: UInt8.self))   // U8, BOOL
        }
    }
}
