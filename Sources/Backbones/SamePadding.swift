import Kernels

extension ConvGeometry {
    /// TensorFlow "SAME" geometry for a square kernel: output ceil(H/s) x ceil(W/s), padding
    /// total = max((out - 1) * s + k - size, 0), split with the smaller half on top/left.
    public static func same(channels: Int, height: Int, width: Int, kernel: Int, stride: Int) -> ConvGeometry {
        func padding(_ size: Int) -> (Int, Int) {
            let output = (size + stride - 1) / stride
            let total = max((output - 1) * stride + kernel - size, 0)
            return (total / 2, total - total / 2)
        }
        let (top, bottom) = padding(height), (left, right) = padding(width)
        return ConvGeometry(channels: channels, height: height, width: width, kernelHeight: kernel, kernelWidth: kernel,
                            strideY: stride, strideX: stride, padTop: top, padBottom: bottom, padLeft: left, padRight: right)
    }
}
