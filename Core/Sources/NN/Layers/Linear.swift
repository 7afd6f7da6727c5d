import Kernels
import Tensors

/// `y = x Wᵀ + b` over the last axis; weight `[out, in]` (PyTorch layout), PyTorch's default init.
public final class Linear: Module {
    @Parameter public var weight: Tensor
    public let bias: Parameter?

    public init(_ inputSize: Int, _ outputSize: Int, bias: Bool = true, generator: inout RandomGenerator) {
        let bound = Initializer.defaultBound(fanIn: inputSize)
        _weight = Parameter(wrappedValue: Initializer.uniform([outputSize, inputSize], bound: bound, generator: &generator))
        self.bias = bias ? Parameter(wrappedValue: Initializer.uniform([outputSize], bound: bound, generator: &generator)) : nil
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.linear(weight: weight, bias: bias?.value) }
}

/// 2-D convolution layer, weight `[out, in/groups, kh, kw]`, PyTorch's default init.
public final class Conv2d: Module {
    @Parameter public var weight: Tensor
    public let bias: Parameter?
    public let stride: (Int, Int), padding: Padding2D, dilation: (Int, Int), groups: Int

    public init(_ inputChannels: Int, _ outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, groups: Int = 1, bias: Bool = true, generator: inout RandomGenerator) {
        let shape = [outputChannels, inputChannels / groups, kernelSize, kernelSize]
        let bound = Initializer.defaultBound(fanIn: inputChannels / groups * kernelSize * kernelSize)
        _weight = Parameter(wrappedValue: Initializer.uniform(shape, bound: bound, generator: &generator))
        self.bias = bias ? Parameter(wrappedValue: Initializer.uniform([outputChannels], bound: bound, generator: &generator)) : nil
        self.stride = (stride, stride); self.padding = Padding2D(padding); self.dilation = (dilation, dilation); self.groups = groups
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.conv2d(weight, bias: bias?.value, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}

/// Layer normalisation over the last axis with learnable scale (ones) and shift (zeros).
public final class LayerNorm: Module {
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor
    public let epsilon: Float

    public init(_ size: Int, epsilon: Float = 1e-5) {
        _weight = Parameter(wrappedValue: Tensor.ones([size]))
        _bias = Parameter(wrappedValue: Tensor.zeros([size]))
        self.epsilon = epsilon
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.layerNorm(weight: weight, bias: bias, epsilon: epsilon) }
}

/// Two linear layers with GELU between: `[.., D] -> [.., hidden] -> [.., D]`.
public final class MLP: Module {
    public let first: Linear
    public let second: Linear

    public init(_ size: Int, hidden: Int, generator: inout RandomGenerator) {
        first = Linear(size, hidden, generator: &generator)
        second = Linear(hidden, size, generator: &generator)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { second(first(x).gelu()) }
}
