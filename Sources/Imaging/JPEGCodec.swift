import CTurboJPEG
import Foundation

/// JPEG decoding through TurboJPEG (classic libjpeg's default error handler would exit the process).
enum JPEGCodec {
    static let signature: [UInt8] = [0xFF, 0xD8, 0xFF]

    /// Decodes baseline or progressive JPEG bytes to gray or RGB (accurate DCT, fancy upsampling, as PIL).
    ///
    /// Warnings (such as a truncated file) are errors: a partial image would silently poison a dataset.
    static func decode(_ data: Data, path: String) throws -> Image {
        guard let handle = tjInitDecompress() else {
            throw ImageError.corrupt(path: path, reason: "cannot start the JPEG decoder")
        }
        defer { tjDestroy(handle) }
        return try data.withUnsafeBytes { raw -> Image in
            let source = raw.bindMemory(to: UInt8.self).baseAddress
            var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
            guard tjDecompressHeader3(handle, source, UInt(raw.count), &width, &height, &subsampling, &colorspace) == 0 else {
                throw ImageError.corrupt(path: path, reason: "corrupt or truncated JPEG (\(errorText(handle)))")
            }
            try checkDecodableSize(width: Int(width), height: Int(height), path: path)
            let channels: Int
            let format: TJPF
            switch colorspace {
            case Int32(TJCS_GRAY.rawValue): channels = 1; format = TJPF_GRAY
            case Int32(TJCS_CMYK.rawValue), Int32(TJCS_YCCK.rawValue):
                throw ImageError.corrupt(path: path, reason: "CMYK JPEG files are not supported")
            default: channels = 3; format = TJPF_RGB
            }
            var pixels = [UInt8](repeating: 0, count: Int(width) * Int(height) * channels)
            // LIMITSCANS: a progressive file with hundreds of scans is refused instead of decoded for seconds
            // (libjpeg-turbo's guard; the libFuzzer jpeg campaign met a 10 s input).
            let status = pixels.withUnsafeMutableBufferPointer { out in
                tjDecompress2(handle, source, UInt(raw.count), out.baseAddress, width, Int32(Int(width) * channels),
                              height, Int32(format.rawValue), TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS)
            }
            guard status == 0 else { throw ImageError.corrupt(path: path, reason: "corrupt or truncated JPEG (\(errorText(handle)))") }
            return Image(validWidth: Int(width), height: Int(height), channels: channels, pixels: pixels)
        }
    }

    /// Encodes a gray or RGB image as baseline JPEG (4:2:0 chroma subsampling for RGB) at `quality` 1...100.
    static func encode(_ image: Image, quality: Int, path: String) throws -> Data {
        guard (1...100).contains(quality) else {
            throw ImageError.cannotEncode(path: path, reason: "JPEG quality \(quality) is outside 1...100")
        }
        guard let handle = tjInitCompress() else { throw ImageError.cannotEncode(path: path, reason: "cannot start the JPEG encoder") }
        defer { tjDestroy(handle) }
        let gray = image.channels == 1
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        defer { tjFree(output) }
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            tjCompress2(handle, pixels.baseAddress, Int32(image.width), Int32(image.width * image.channels), Int32(image.height),
                        Int32((gray ? TJPF_GRAY : TJPF_RGB).rawValue), &output, &size,
                        Int32((gray ? TJSAMP_GRAY : TJSAMP_420).rawValue), Int32(quality), TJFLAG_ACCURATEDCT)
        }
        guard status == 0, let output else { throw ImageError.cannotEncode(path: path, reason: errorText(handle)) }
        return Data(bytes: output, count: Int(size))
    }

    private static func errorText(_ handle: tjhandle) -> String {
        "TurboJPEG: " + (tjGetErrorStr2(handle).map { String(cString: $0) } ?? "no message")
    }
}
