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
                throw ImageError.corrupt(path: path, reason: errorText(handle))
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
            let status = pixels.withUnsafeMutableBufferPointer { out in
                tjDecompress2(handle, source, UInt(raw.count), out.baseAddress, width, Int32(Int(width) * channels),
                              height, Int32(format.rawValue), TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING)
            }
            guard status == 0 else { throw ImageError.corrupt(path: path, reason: errorText(handle)) }
            return Image(validWidth: Int(width), height: Int(height), channels: channels, pixels: pixels)
        }
    }

    private static func errorText(_ handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "TurboJPEG failed without a message" }
        return String(cString: text)
    }
}
