import CPNG
import Foundation

/// PNG decoding and encoding through libpng's simplified API (the classic API needs setjmp).
enum PNGCodec {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    // Format flags (the composite PNG_FORMAT_* macros do not import): gray = 0, RGB = color, RGBA = color | alpha.
    private static let colorFlag = png_uint_32(PNG_FORMAT_FLAG_COLOR)
    private static let alphaFlag = png_uint_32(PNG_FORMAT_FLAG_ALPHA)

    /// Decodes 8- or 16-bit gray, gray+alpha, RGB, RGBA or palette PNG bytes; alpha is dropped.
    ///
    /// 16-bit files without gamma information are taken as sRGB (not linear), so they come out as
    /// their 8-bit values rather than gamma-encoded ones.
    static func decode(_ data: Data, path: String) throws -> Image {
        try data.withUnsafeBytes { raw -> Image in
            var png = png_image()
            png.version = png_uint_32(PNG_IMAGE_VERSION)
            defer { png_image_free(&png) }
            guard png_image_begin_read_from_memory(&png, raw.baseAddress, raw.count) != 0 else {
                throw ImageError.corrupt(path: path, reason: "corrupt or truncated PNG (\(message(of: png)))")
            }
            png.flags |= png_uint_32(PNG_IMAGE_FLAG_16BIT_sRGB)
            let width = Int(png.width), height = Int(png.height)
            try checkDecodableSize(width: width, height: height, path: path)
            let isColor = png.format & colorFlag != 0
            // Read with alpha, then drop it ourselves: PIL's convert("RGB") drops alpha without compositing.
            png.format = isColor ? colorFlag | alphaFlag : alphaFlag
            let stored = isColor ? 4 : 2
            var buffer = [UInt8](repeating: 0, count: width * height * stored)
            let finished = buffer.withUnsafeMutableBytes { out in
                png_image_finish_read(&png, nil, out.baseAddress, png_int_32(width * stored), nil)
            }
            guard finished != 0 else { throw ImageError.corrupt(path: path, reason: "corrupt or truncated PNG (\(message(of: png)))") }
            let channels = stored - 1
            var pixels = [UInt8](repeating: 0, count: width * height * channels)
            for i in 0..<(width * height) {
                for c in 0..<channels { pixels[i * channels + c] = buffer[i * stored + c] }
            }
            return Image(validWidth: width, height: height, channels: channels, pixels: pixels)
        }
    }

    /// Encodes an 8-bit gray or RGB image as PNG bytes; `fast` trades file size for speed (about 25% larger).
    static func encode(_ image: Image, path: String, fast: Bool = false) throws -> Data {
        var png = png_image()
        png.version = png_uint_32(PNG_IMAGE_VERSION)
        png.width = png_uint_32(image.width)
        png.height = png_uint_32(image.height)
        png.format = image.channels == 3 ? colorFlag : 0
        if fast { png.flags = png_uint_32(PNG_IMAGE_FLAG_FAST) }
        defer { png_image_free(&png) }
        let rawBytes = image.pixels.count + image.height
        // zlib's deflateBound (PNG_ZLIB_MAX_SIZE in png.h) plus room for the header chunks.
        var capacity = rawBytes + (rawBytes + 7) / 8 + (rawBytes + 63) / 64 + 11 + 1024
        for _ in 0..<2 {
            var output = Data(count: capacity)
            var written = png_alloc_size_t(capacity)
            let ok = output.withUnsafeMutableBytes { out in
                image.pixels.withUnsafeBytes { pixels in
                    png_image_write_to_memory(&png, out.baseAddress, &written, 0, pixels.baseAddress,
                                              png_int_32(image.width * image.channels), nil)
                }
            }
            if ok != 0 { return output.prefix(Int(written)) }
            guard Int(written) > capacity else { break }
            capacity = Int(written)
            png.warning_or_error = 0
        }
        throw ImageError.cannotEncode(path: path, reason: message(of: png))
    }

    /// libpng's message (a char[64] imported as a tuple).
    private static func message(of png: png_image) -> String {
        let text = withUnsafeBytes(of: png.message) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        return "libpng: " + (text.isEmpty ? "no message" : text)
    }
}

/// Rejects headers whose sizes would need an absurd allocation (a corrupt or hostile file).
func checkDecodableSize(width: Int, height: Int, path: String) throws {
    let maximumPixels = 1 << 28
    guard width > 0, height > 0, width <= maximumPixels / height else {
        throw ImageError.corrupt(path: path, reason: "implausible size \(width)x\(height) in the header")
    }
}
