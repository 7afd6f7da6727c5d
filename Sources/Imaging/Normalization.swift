/// How 0...255 pixel values become network inputs.
public enum Normalization: String, Sendable, CaseIterable {
    /// Raw byte values, 0...255.
    case byte
    /// `x / 255`, in 0...1 (torchvision's `ToTensor`).
    case unit
    /// ImageNet statistics on 0...1 values: `(x / 255 - mean) / std`, mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225).
    case imagenet
    /// EfficientNet-Lite's TensorFlow convention: `(x01 * 255 - 127) / 128`, i.e. `(x - 127) / 128` on bytes.
    case tf

    /// `(scale, shift)` such that the normalised value of byte `x` in RGB channel `channel` is `x * scale + shift`.
    public func affine(channel: Int) -> (scale: Float, shift: Float) {
        switch self {
        case .byte: return (1, 0)
        case .unit: return (1 / 255, 0)
        case .imagenet:
            let mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225]
            return (1 / (255 * std[channel]), -mean[channel] / std[channel])
        case .tf: return (1 / 128, -127 / 128)
        }
    }
}
