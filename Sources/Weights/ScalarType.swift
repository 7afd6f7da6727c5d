/// Element types a checkpoint may store; values are converted to `Float` when loaded.
public enum ScalarType: String, Sendable, CaseIterable {
    case float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8, bool

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .float16, .bfloat16, .int16: 2
        case .int8, .uint8, .bool: 1
        }
    }

    /// The type named by a legacy torch storage class (`torch.FloatStorage` -> `FloatStorage`).
    init?(torchStorage name: String) {
        let table: [String: ScalarType] = [
            "FloatStorage": .float32, "DoubleStorage": .float64, "HalfStorage": .float16,
            "BFloat16Storage": .bfloat16, "LongStorage": .int64, "IntStorage": .int32,
            "ShortStorage": .int16, "CharStorage": .int8, "ByteStorage": .uint8, "BoolStorage": .bool,
        ]
        guard let type = table[name] else { return nil }
        self = type
    }

    /// The type named by a safetensors header dtype (`F32`, `BF16`, `I64`, ...).
    init?(safetensors name: String) {
        let table: [String: ScalarType] = [
            "F32": .float32, "F64": .float64, "F16": .float16, "BF16": .bfloat16, "I64": .int64,
            "I32": .int32, "I16": .int16, "I8": .int8, "U8": .uint8, "BOOL": .bool,
        ]
        guard let type = table[name] else { return nil }
        self = type
    }

    /// Reads element `index` of little-endian raw data as a `Float`.
    @inline(__always)
    func load(_ base: UnsafeRawPointer, _ index: Int) -> Float {
        let p = base + index * byteWidth
        switch self {
        case .float32: return Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
        case .float64: return Float(Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))))
        case .float16: return Float(Float16(bitPattern: UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))))
        case .bfloat16:
            return Float(bitPattern: UInt32(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))) << 16)
        case .int64: return Float(Int64(littleEndian: p.loadUnaligned(as: Int64.self)))
        case .int32: return Float(Int32(littleEndian: p.loadUnaligned(as: Int32.self)))
        case .int16: return Float(Int16(littleEndian: p.loadUnaligned(as: Int16.self)))
        case .int8: return Float(p.load(as: Int8.self))
        case .uint8, .bool: return Float(p.load(as: UInt8.self))
        }
    }
}
