import CZlib
import Foundation
import Tensors

/// A read-only zip archive (stored and deflated entries, zip64 sizes): enough for wheels and torch files.
struct ZipArchive {
    struct Entry {
        let name: String
        let method: UInt16
        let compressedSize: Int
        let size: Int
        let localHeaderOffset: Int
    }

    let path: String
    let data: Data
    /// Entries in central-directory order.
    let entries: [Entry]

    /// True when `data` starts like a zip file (a local file header).
    static func looksLikeZip(_ data: Data) -> Bool {
        data.count >= 4 && data.prefix(4).elementsEqual([0x50, 0x4b, 0x03, 0x04])
    }

    init(data: Data, path: String) throws {
        self.path = path
        self.data = data
        let reader = ByteReader(data: data, path: path)
        // The end-of-central-directory record sits in the last 22 + 65535 bytes.
        let eocdSignature: UInt32 = 0x0605_4b50
        var eocd = -1
        var position = data.count - 22
        let lowest = max(0, data.count - 22 - 65_535)
        while position >= lowest {
            if try reader.u32(position) == eocdSignature { eocd = position; break }
            position -= 1
        }
        guard eocd >= 0 else { throw WeightsError(.malformed, path, "not a zip archive (no end of central directory)") }
        var count = Int(try reader.u16(eocd + 10))
        var directoryOffset = Int(try reader.u32(eocd + 16))
        // Zip64: the locator just before the record points at the zip64 end record.
        if eocd >= 20, try reader.u32(eocd - 20) == 0x0706_4b50 {
            let record = try reader.size(eocd - 20 + 8, "zip64 end record offset")
            guard try reader.u32(record) == 0x0606_4b50 else {
                throw WeightsError(.malformed, path, "zip64 end of central directory record is missing")
            }
            count = try reader.size(record + 32, "zip64 entry count")
            directoryOffset = try reader.size(record + 48, "zip64 central directory offset")
        }
        // A central directory record takes at least 46 bytes: a larger count cannot be true.
        guard count <= data.count / 46 else {
            throw WeightsError(.malformed, path, "zip claims \(count) entries, more than its \(data.count) bytes can hold")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        var offset = directoryOffset
        for _ in 0..<count {
            guard try reader.u32(offset) == 0x0201_4b50 else {
                throw WeightsError(.malformed, path, "corrupt zip central directory at byte \(offset)")
            }
            let method = try reader.u16(offset + 10)
            var compressed = Int(try reader.u32(offset + 20))
            var size = Int(try reader.u32(offset + 24))
            let nameLength = Int(try reader.u16(offset + 28))
            let extraLength = Int(try reader.u16(offset + 30))
            let commentLength = Int(try reader.u16(offset + 32))
            var local = Int(try reader.u32(offset + 42))
            let name = String(decoding: try reader.bytes(offset + 46, nameLength), as: UTF8.self)
            // Zip64 extended information: the 64-bit values replace the saturated 32-bit ones, in order.
            var extra = offset + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let tag = try reader.u16(extra), length = Int(try reader.u16(extra + 2))
                if tag == 0x0001 {
                    var field = extra + 4
                    if size == 0xFFFF_FFFF { size = try reader.size(field, "zip64 size of \(name)"); field += 8 }
                    if compressed == 0xFFFF_FFFF { compressed = try reader.size(field, "zip64 compressed size of \(name)"); field += 8 }
                    if local == 0xFFFF_FFFF { local = try reader.size(field, "zip64 header offset of \(name)") }
                }
                extra += 4 + length
            }
            entries.append(Entry(name: name, method: method, compressedSize: compressed, size: size,
                                 localHeaderOffset: local))
            offset = extraEnd + commentLength
        }
        self.entries = entries
    }

    /// The uncompressed bytes of `entry`.
    func contents(of entry: Entry) throws -> Data {
        let reader = ByteReader(data: data, path: path)
        let local = entry.localHeaderOffset
        guard try reader.u32(local) == 0x0403_4b50 else {
            throw WeightsError(.malformed, path, "zip entry \(entry.name) has no local header")
        }
        let start = local + 30 + Int(try reader.u16(local + 26)) + Int(try reader.u16(local + 28))
        let compressed = try reader.bytes(start, entry.compressedSize)
        switch entry.method {
        case 0:
            return compressed
        case 8:
            return try inflate(compressed, expectedSize: entry.size, name: entry.name)
        default:
            throw WeightsError(.unsupported, path, "zip entry \(entry.name) uses compression method \(entry.method) (only stored and deflate are supported)")
        }
    }

    private func inflate(_ input: Data, expectedSize: Int, name: String) throws -> Data {
        // Deflate expands at most 1032:1; a larger claimed size is corrupt (and must not be allocated).
        guard expectedSize <= input.count * 1032 + 1024 else {
            throw WeightsError(.malformed, path, "zip entry \(name) claims \(expectedSize) bytes from \(input.count) compressed ones")
        }
        var output = Data(count: expectedSize)
        var stream = z_stream()
        // Negative window bits: raw deflate data, as stored in zip entries.
        guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw WeightsError(.malformed, path, "zlib could not start inflating \(name)")
        }
        defer { inflateEnd(&stream) }
        let status: Int32 = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                stream.next_in = UnsafeMutablePointer(mutating: source.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = target.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(target.count)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == expectedSize else {
            throw WeightsError(.malformed, path, "zip entry \(name) is corrupt (zlib status \(status), \(stream.total_out) of \(expectedSize) bytes)")
        }
        return output
    }
}

/// Bounds-checked little-endian reads from a byte buffer; out-of-range reads throw naming the file.
struct ByteReader {
    let data: Data
    let path: String

    func bytes(_ offset: Int, _ count: Int) throws -> Data {
        guard offset >= 0, count >= 0, offset <= data.count - count else {
            throw WeightsError(.malformed, path, "truncated: needs \(count) bytes at byte \(offset) of \(data.count)")
        }
        let start = data.startIndex + offset
        return data[start..<start + count]
    }

    func u16(_ offset: Int) throws -> UInt16 { UInt16(truncatingIfNeeded: try integer(offset, 2)) }
    func u32(_ offset: Int) throws -> UInt32 { UInt32(truncatingIfNeeded: try integer(offset, 4)) }
    func u64(_ offset: Int) throws -> UInt64 { try integer(offset, 8) }

    /// A 64-bit size or offset; one beyond `Int` is an error naming `field`.
    func size(_ offset: Int, _ field: String) throws -> Int {
        guard let value = SizeArithmetic.int(try u64(offset)) else {
            throw WeightsError(.malformed, path, "\(field) \(try u64(offset)) is too large")
        }
        return value
    }

    private func integer(_ offset: Int, _ width: Int) throws -> UInt64 {
        let slice = try bytes(offset, width)
        var value: UInt64 = 0
        for (i, byte) in slice.enumerated() { value |= UInt64(byte) << (8 * UInt64(i)) }
        return value
    }
}
