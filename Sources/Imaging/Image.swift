/// An 8-bit image with interleaved channels, row-major [H, W, C]: 1 channel (gray) or 3 (RGB).
///
/// Alpha is dropped on decoding, as PIL's `convert("RGB")` does (no compositing).
public struct Image: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// 1 (gray) or 3 (RGB).
    public let channels: Int
    /// `height * width * channels` bytes, rows top to bottom, channels interleaved.
    public var pixels: [UInt8]

    /// An image over existing pixels; `pixels.count` must be `width * height * channels`.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0, channels == 1 || channels == 3 else {
            throw ImageError.invalidSize(width: width, height: height, channels: channels)
        }
        guard pixels.count == width * height * channels else {
            throw ImageError.pixelCount(expected: width * height * channels, got: pixels.count)
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// A black image (or one filled with `value` in every channel).
    public init(width: Int, height: Int, channels: Int, value: UInt8 = 0) throws {
        try self.init(width: width, height: height, channels: channels,
                      pixels: [UInt8](repeating: value, count: max(0, width * height * channels)))
    }

    /// Internal initialiser for sizes already validated by the caller.
    init(validWidth width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// The value of channel `channel` at column `x`, row `y`.
    public subscript(x: Int, y: Int, channel: Int) -> UInt8 {
        get { pixels[(y * width + x) * channels + channel] }
        set { pixels[(y * width + x) * channels + channel] = newValue }
    }

    /// This image with 3 channels (gray replicated, as PIL's `convert("RGB")`).
    public func rgb() -> Image {
        if channels == 3 { return self }
        var out = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            let v = pixels[i]
            out[3 * i] = v
            out[3 * i + 1] = v
            out[3 * i + 2] = v
        }
        return Image(validWidth: width, height: height, channels: 3, pixels: out)
    }

    /// The first channel only: the gray level of a mask, the red channel of a colour image.
    ///
    /// Masks are gray PNGs; a colour mask is read through its first channel, which is how
    /// 0/255 masks saved as RGB keep their meaning.
    public func firstChannel() -> Image {
        if channels == 1 { return self }
        var out = [UInt8](repeating: 0, count: width * height)
        for i in 0..<(width * height) { out[i] = pixels[i * channels] }
        return Image(validWidth: width, height: height, channels: 1, pixels: out)
    }
}
