import Tensors

extension Image {
    /// Writes the image as planar RGB floats [3, H, W] at `destination` (gray is replicated to 3 channels).
    public func writeRGB(into destination: UnsafeMutablePointer<Float>, normalization: Normalization) {
        let plane = width * height
        pixels.withUnsafeBufferPointer { source in
            for c in 0..<3 {
                let (scale, shift) = normalization.affine(channel: c)
                let sourceChannel = channels == 3 ? c : 0
                let target = destination + c * plane
                for i in 0..<plane {
                    target[i] = Float(source[i * channels + sourceChannel]) * scale + shift
                }
            }
        }
    }

    /// Writes the first channel as a binary mask [H, W] at `destination`: 1 where the value exceeds `threshold`, else 0.
    ///
    /// The default 127 is `mask / 255 > 0.5` on 0/255 masks, the evaluation protocol's rule.
    public func writeMask(into destination: UnsafeMutablePointer<Float>, threshold: UInt8 = 127) {
        pixels.withUnsafeBufferPointer { source in
            for i in 0..<(width * height) {
                destination[i] = source[i * channels] > threshold ? 1 : 0
            }
        }
    }

    /// The image as an RGB tensor [3, H, W] (values per `normalization`: `.byte` 0...255, `.unit` 0...1, ...).
    public func tensor(normalization: Normalization = .unit) -> Tensor {
        Tensor(shape: [3, height, width]) { writeRGB(into: $0.baseAddress!, normalization: normalization) }
    }

    /// The image as a binary mask tensor [1, H, W] with values in {0, 1} (1 where the first channel exceeds `threshold`).
    public func maskTensor(threshold: UInt8 = 127) -> Tensor {
        Tensor(shape: [1, height, width]) { writeMask(into: $0.baseAddress!, threshold: threshold) }
    }

    /// An image from a tensor [3, H, W], [1, H, W] or [H, W], undoing `normalization` (rounded, clamped to 0...255).
    public init(tensor: Tensor, normalization: Normalization = .unit) throws {
        let shape = tensor.shape
        let (channels, height, width): (Int, Int, Int)
        switch shape.count {
        case 2: (channels, height, width) = (1, shape[0], shape[1])
        case 3 where shape[0] == 1 || shape[0] == 3: (channels, height, width) = (shape[0], shape[1], shape[2])
        default: throw ImageError.invalidSize(width: shape.last ?? 0, height: shape.count > 1 ? shape[shape.count - 2] : 0,
                                              channels: shape.count == 3 ? shape[0] : 0)
        }
        guard width > 0, height > 0 else { throw ImageError.invalidSize(width: width, height: height, channels: channels) }
        let plane = width * height
        var pixels = [UInt8](repeating: 0, count: plane * channels)
        tensor.withContiguousBuffer { values in
            for c in 0..<channels {
                let (scale, shift) = normalization.affine(channel: channels == 3 ? c : 0)
                for i in 0..<plane {
                    let byte = ((values[c * plane + i] - shift) / scale).rounded()
                    pixels[i * channels + c] = UInt8(min(max(byte, 0), 255))
                }
            }
        }
        self.init(validWidth: width, height: height, channels: channels, pixels: pixels)
    }
}
