/// Why an image could not be read, written or built; descriptions name the file involved.
public enum ImageError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read from disk.
    case unreadable(path: String, reason: String)
    /// The file is empty.
    case empty(path: String)
    /// The bytes are neither PNG nor JPEG.
    case unknownFormat(path: String)
    /// The PNG or JPEG decoder rejected the file (corrupt or truncated data).
    case corrupt(path: String, reason: String)
    /// The encoder failed.
    case cannotEncode(path: String, reason: String)
    /// Width, height or channel count out of range.
    case invalidSize(width: Int, height: Int, channels: Int)
    /// A pixel buffer of the wrong length.
    case pixelCount(expected: Int, got: Int)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "cannot read image \(path): \(reason)"
        case let .empty(path): return "cannot read image \(path): the file is empty"
        case let .unknownFormat(path): return "cannot read image \(path): not a PNG or JPEG file"
        case let .corrupt(path, reason): return "cannot decode image \(path): \(reason)"
        case let .cannotEncode(path, reason): return "cannot write image \(path): \(reason)"
        case let .invalidSize(width, height, channels):
            return "invalid image size \(width)x\(height) with \(channels) channels (need positive sizes and 1 or 3 channels)"
        case let .pixelCount(expected, got): return "image needs \(expected) pixel values, got \(got)"
        }
    }
}
