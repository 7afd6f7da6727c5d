import Tensors

/// Images and masks of some samples, decoded and resized.
public struct Batch: Sendable {
    public let samples: [Sample]
    /// RGB images [N, 3, S, S], normalised as requested.
    public let images: Tensor
    /// Binary masks [N, 1, S, S] (all zero for normal images and images without a mask).
    public let masks: Tensor

    public var count: Int { samples.count }
    /// Image-level ground truth [N].
    public var labels: [Label] { samples.map(\.label) }
}
