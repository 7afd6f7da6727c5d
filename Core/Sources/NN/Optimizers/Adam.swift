import Foundation
import Kernels
import Tensors

/// Adam (Kingma & Ba) with bias correction, exactly as torch.optim.Adam computes it (single-tensor
/// path): `denom = sqrt(v) / sqrt(1 - β2^t) + eps`, `p -= lr / (1 - β1^t) * m / denom`.
/// `weightDecay` adds `wd * p` to the gradient (L2, Adam); with `decoupled`, it shrinks `p` by
/// `lr * wd` before the step instead (AdamW). The arithmetic is Kernels' `adamUpdate` (vectorised,
/// the same bits on every CPU and thread count).
public final class Adam {
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float, decoupled: Bool
    /// The parameters updated, by dotted key.
    public let parameters: [(key: String, parameter: Parameter)]
    /// Steps taken so far.
    public private(set) var step = 0
    private var moments: [String: (m: Tensor, v: Tensor)] = [:]

    /// Optimises the trainable parameters of `module`.
    public convenience init(_ module: some Module, learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                            epsilon: Float = 1e-8, weightDecay: Float = 0, decoupled: Bool = false) {
        self.init(module.namedParameters().filter { $0.parameter.isTrainable }, learningRate: learningRate, beta1: beta1,
                  beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, decoupled: decoupled)
    }

    public init(_ parameters: [(key: String, parameter: Parameter)], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0, decoupled: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        self.weightDecay = weightDecay; self.decoupled = decoupled
    }

    /// AdamW: Adam with decoupled weight decay (PyTorch's default decay 1e-2).
    public static func adamW(_ module: some Module, learningRate: Float = 1e-3, weightDecay: Float = 1e-2) -> Adam {
        Adam(module, learningRate: learningRate, weightDecay: weightDecay, decoupled: true)
    }

    /// Applies one update from the accumulated gradients, then clears them.
    public func update() {
        step += 1
        let correction1 = Float(1 - pow(Double(beta1), Double(step)))
        let correction2Root = Float(1 - pow(Double(beta2), Double(step))).squareRoot()
        let stepSize = learningRate / correction1
        for (key, parameter) in parameters where parameter.isTrainable {
            guard let grad = parameter.value.grad?.contiguous() else { continue }
            let p = parameter.value
            precondition(p.isContiguous, "Adam updates contiguous parameters in place")
            let state = moments[key] ?? (Tensor.zeros(p.shape), Tensor.zeros(p.shape))
            moments[key] = state
            let (pp, pg, pm, pv) = (SendablePointer(p.pointer), SendableConstPointer(UnsafePointer(grad.pointer)),
                                    SendablePointer(state.m.pointer), SendablePointer(state.v.pointer))
            let (b1, b2, eps, wd, decoupled, lr) = (beta1, beta2, epsilon, weightDecay, decoupled, learningRate)
            Parallel.forEachChunk(p.count, grain: 65_536) { range in
                let first = range.lowerBound
                adamUpdate(pp.base + first, gradient: pg.base + first, m: pm.base + first, v: pv.base + first, count: range.count,
                           beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd, decoupled: decoupled, learningRate: lr,
                           stepSize: stepSize, correction2Root: correction2Root)
            }
            parameter.value.grad = nil
        }
    }

    /// Moments (`<key>.exp_avg`, `<key>.exp_avg_sq`) and the step count, for checkpoints.
    public func stateDict() -> [String: Tensor] {
        var result: [String: Tensor] = ["step": Tensor(Float(step))]
        for (key, state) in moments {
            result[key + ".exp_avg"] = state.m
            result[key + ".exp_avg_sq"] = state.v
        }
        return result
    }

    /// Restores what `stateDict()` saved (to resume training).
    public func load(stateDict: [String: Tensor]) throws {
        guard let savedStep = stateDict["step"] else { throw StateDictError(problems: ["optimizer state lacks step"]) }
        var restored: [String: (m: Tensor, v: Tensor)] = [:]
        var problems: [String] = []
        for (key, parameter) in parameters {
            guard let m = stateDict[key + ".exp_avg"], let v = stateDict[key + ".exp_avg_sq"] else { continue }
            guard m.shape == parameter.value.shape, v.shape == parameter.value.shape else {
                problems.append("\(key): optimizer moments have shape \(m.shape), parameter \(parameter.value.shape)")
                continue
            }
            restored[key] = (m.contiguous().detached().copied(), v.contiguous().detached().copied())
        }
        if !problems.isEmpty { throw StateDictError(problems: problems) }
        moments = restored
        step = Int(savedStep.item)
    }
}
