import Foundation

/// NumPy `.npy` files (format 1.0/2.0/3.0): little-endian float32 is read and written; float64,
/// float16, integer and bool arrays are read and converted to float32.
public enum NPY {
    /// Reads an array as a tensor. Fortran-ordered arrays are transposed into row-major order.
    public static func read(_ path: String) throws -> Tensor {
        let data = try FileError.read(path)
        return try decode(data, path: path)
    }

    /// Writes a tensor as a float32 `.npy` file, atomically.
    public static func write(_ tensor: Tensor, to path: String) throws {
        try AtomicFile.write(encode(tensor), to: path)
    }

    public static func encode(_ tensor: Tensor) -> Data {
        let shapeText = tensor.shape.isEmpty ? "()" :
            tensor.shape.count == 1 ? "(\(tensor.shape[0]),)" : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        tensor.withContiguousBuffer { data.append(UnsafeBufferPointer(start: UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: UInt8.self), count: $0.count * 4)) }
        return data
    }

    public static func decode(_ data: Data, path: String = "<npy>") throws -> Tensor {
        let bytes = [UInt8](data)
        func fail(_ reason: String) -> FileError { .malformed(path, reason: "not a valid .npy file: " + reason) }
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else { throw fail("bad magic") }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1: headerLength = Int(bytes[8]) | Int(bytes[9]) << 8; headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default: throw fail("unsupported version \(major)")
        }
        guard bytes.count - headerStart >= headerLength,
              let header = String(bytes: bytes[headerStart..<headerStart + headerLength], encoding: .utf8) else {
            throw fail("truncated header")
        }
        guard let descr = field("descr", in: header), let shapeText = field("shape", in: header) else {
            throw fail("header lacks descr or shape: \(header)")
        }
        let fortran = field("fortran_order", in: header) == "True"
        let shape = try shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "()"))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .map { text -> Int in
                guard let n = Int(text), n >= 0 else { throw fail("bad shape \(shapeText)") }
                return n
            }
        let payload = headerStart + headerLength
        let kind = descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        guard let converter = Converter(descr: kind) else { throw fail("unsupported dtype \(kind)") }
        guard let count = SizeArithmetic.elementCount(shape), let needed = SizeArithmetic.product(count, converter.size) else {
            throw fail("shape \(shape) of \(kind) is too large to address")
        }
        guard bytes.count - payload >= needed else {
            throw fail("data holds \(bytes.count - payload) bytes, shape \(shape) of \(kind) needs \(needed)")
        }
        let storageShape = fortran ? Array(shape.reversed()) : shape
        let tensor = bytes.withUnsafeBufferPointer { buffer in
            Tensor(shape: storageShape) { out in
                for i in 0..<count { out[i] = converter.value(buffer.baseAddress! + payload + i * converter.size) }
            }
        }
        return fortran && shape.count > 1 ? tensor.permuted(Array((0..<shape.count).reversed())).contiguous() : tensor
    }

    private static func field(_ name: String, in header: String) -> String? {
        guard let range = header.range(of: "'\(name)':") else { return nil }
        let rest = header[range.upperBound...].drop { $0 == " " }
        if rest.first == "(" { return rest.firstIndex(of: ")").map { String(rest[...$0]) } }
        let end = rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex
        return String(rest[..<end]).trimmingCharacters(in: .whitespaces)
    }

    /// Reads one little-endian element of a NumPy dtype as Float.
    private struct Converter {
        let size: Int
        let value: (UnsafePointer<UInt8>) -> Float

        init?(descr: String) {
            let raw: (UnsafePointer<UInt8>, Int) -> UInt64 = { p, n in
                var v: UInt64 = 0
                for i in 0..<n { v |= UInt64(p[i]) << (8 * UInt64(i)) }
                return v
            }
            switch descr {
            case "<f4", "f4": size = 4; value = { Float(bitPattern: UInt32(raw($0, 4))) }
            case "<f8", "f8": size = 8; value = { Float(Double(bitPattern: raw($0, 8))) }
            case "<f2", "f2": size = 2; value = { Float(Float16(bitPattern: UInt16(raw($0, 2)))) }
            case "|u1", "u1", "<u1": size = 1; value = { Float($0[0]) }
            case "|b1", "b1": size = 1; value = { $0[0] != 0 ? 1 : 0 }
            case "|i1", "i1": size = 1; value = { Float(Int8(bitPattern: $0[0])) }
            case "<i4", "i4": size = 4; value = { Float(Int32(truncatingIfNeeded: raw($0, 4))) }
            case "<i8", "i8": size = 8; value = { Float(Int64(bitPattern: raw($0, 8))) }
            case "<u2": size = 2; value = { Float(UInt16(raw($0, 2))) }
            case "<i2": size = 2; value = { Float(Int16(truncatingIfNeeded: raw($0, 2))) }
            default: return nil
            }
        }
    }
}
