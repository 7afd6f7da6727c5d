import Foundation
import Tensors

extension Image {
    /// Reads a PNG or JPEG file (format from its first bytes, not its extension).
    ///
    /// - Throws: `ImageError` naming `path` for missing, empty, unknown, corrupt or truncated files.
    public init(contentsOf path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ImageError.unreadable(path: path, reason: Image.readFailureReason(path))
        }
        try self.init(encoded: data, path: path)
    }

    /// Decodes PNG or JPEG bytes; `path` only names the source in errors.
    public init(encoded data: Data, path: String = "<memory>") throws {
        if data.isEmpty { throw ImageError.empty(path: path) }
        if data.starts(with: PNGCodec.signature) {
            self = try PNGCodec.decode(data, path: path)
        } else if data.starts(with: JPEGCodec.signature) {
            self = try JPEGCodec.decode(data, path: path)
        } else {
            throw ImageError.unknownFormat(path: path)
        }
    }

    /// PNG bytes of this image; `fast` compresses less (files about 25% larger, written several times faster).
    public func pngData(fast: Bool = false) throws -> Data {
        try PNGCodec.encode(self, path: "<memory>", fast: fast)
    }

    /// Writes this image as PNG, atomically (temp file + rename); `fast` as in `pngData`.
    public func writePNG(to path: String, fast: Bool = false) throws {
        let data = try PNGCodec.encode(self, path: path, fast: fast)
        do { try AtomicFile.write(data, to: path) } catch {
            throw ImageError.cannotEncode(path: path, reason: "\(error)")
        }
    }

    /// JPEG bytes of this image at `quality` 1...100 (4:2:0 chroma subsampling for RGB).
    public func jpegData(quality: Int = 90) throws -> Data {
        try JPEGCodec.encode(self, quality: quality, path: "<memory>")
    }

    private static func readFailureReason(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such file" }
        return isDirectory.boolValue ? "is a folder" : "permission denied or I/O error"
    }
}
