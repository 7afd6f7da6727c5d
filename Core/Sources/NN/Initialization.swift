import Kernels
import Tensors

/// Weight initialisers matching torch.nn.init (fan_in = shape[1] * receptive field, fan_out = shape[0] * receptive field).
public enum Initializer {
    static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape.count > 1 ? shape[1] * receptive : shape[0], shape[0] * receptive)
    }

    /// Kaiming (He) normal, mode fan_in, gain sqrt(2) (ReLU / leaky ReLU with slope 0): std = sqrt(2 / fan_in).
    public static func kaimingNormal(_ shape: [Int], generator: inout RandomGenerator) -> Tensor {
        let std = (2 / Float(fans(shape).fanIn)).squareRoot()
        return Tensor.randn(shape, generator: &generator) * std
    }

    /// Xavier (Glorot) uniform: U(±sqrt(6 / (fan_in + fan_out))).
    public static func xavierUniform(_ shape: [Int], generator: inout RandomGenerator) -> Tensor {
        let (fanIn, fanOut) = fans(shape)
        let bound = (6 / Float(fanIn + fanOut)).squareRoot()
        return Tensor.rand(shape, low: -bound, high: bound, generator: &generator)
    }

    /// U(±bound).
    public static func uniform(_ shape: [Int], bound: Float, generator: inout RandomGenerator) -> Tensor {
        Tensor.rand(shape, low: -bound, high: bound, generator: &generator)
    }

    /// PyTorch's default for Linear/Conv weights and biases: U(±1/sqrt(fan_in)) (kaiming_uniform with a = sqrt(5)).
    public static func defaultBound(fanIn: Int) -> Float { 1 / Float(Swift.max(fanIn, 1)).squareRoot() }
}
