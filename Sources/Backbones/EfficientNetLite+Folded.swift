import Tensors

extension EfficientNetLite {
    /// A convolution with its BatchNorm folded in, in PyTorch layout: what an exporter writes out.
    public struct FoldedConvolution: Sendable {
        /// `[Cout, Cin/groups, k, k]`.
        public let weight: Tensor
        /// `[Cout]`.
        public let bias: Tensor
        public let stride: Int
        /// 1, or the channel count for a depthwise convolution.
        public let groups: Int
        public var kernel: Int { weight.shape[2] }
    }

    /// An MBConv block: [expand 1x1 -> ReLU6] -> depthwise -> ReLU6 -> project 1x1 (+ input when `residual`).
    public struct FoldedBlock: Sendable {
        public let expand: FoldedConvolution?
        public let depthwise: FoldedConvolution
        public let project: FoldedConvolution
        public let residual: Bool
    }

    /// The whole network as the forward pass computes it: `x * inputScale + inputShift` for [0, 1]
    /// input, stem -> ReLU6, blocks, head -> ReLU6; every convolution with TensorFlow "SAME" padding
    /// (`ConvGeometry.same`).
    public struct FoldedNetwork: Sendable {
        public let inputScale: Float, inputShift: Float
        public let stem: FoldedConvolution
        public let blocks: [FoldedBlock]
        public let head: FoldedConvolution
    }

    /// The folded weights in PyTorch layout (unpacked from the channels-last compute layout).
    public var folded: FoldedNetwork {
        FoldedNetwork(inputScale: Self.unitRangeScale, inputShift: Self.unitRangeShift, stem: stem.folded(depthwise: false),
                      blocks: blocks.map { block in
                          FoldedBlock(expand: block.expand?.folded(depthwise: false), depthwise: block.depthwise.folded(depthwise: true),
                                      project: block.project.folded(depthwise: false), residual: block.residual)
                      },
                      head: head.folded(depthwise: false))
    }

    /// Where the tap called `name` is read, or nil if there is no such tap.
    public func tapPoint(_ name: String) -> TapPoint? { tapPoints[name] }
}

extension EfficientNetLite.Convolution {
    /// This convolution in PyTorch layout: packed `[k, k, C]` (depthwise) or `[(Cin, ky, kx), Cout]` back to `[Cout, Cin/g, k, k]`.
    func folded(depthwise: Bool) -> EfficientNetLite.FoldedConvolution {
        let (k, outputs) = (kernel, outputChannels), inputs = depthwise ? 1 : inputChannels
        let packed = weights.toArray()
        let weight = Tensor(shape: [outputs, inputs, k, k]) { out in
            for o in 0..<outputs {
                for i in 0..<inputs {
                    for t in 0..<(k * k) {
                        out[(o * inputs + i) * k * k + t] = packed[depthwise ? t * outputs + o : (i * k * k + t) * outputs + o]
                    }
                }
            }
        }
        return EfficientNetLite.FoldedConvolution(weight: weight, bias: bias, stride: stride, groups: depthwise ? outputs : 1)
    }
}
