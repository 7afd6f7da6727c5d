/// How a tensor was computed: its inputs and the rule mapping the output gradient to input gradients.
final class GradFn {
    let inputs: [Tensor]
    let backward: (Tensor) -> [Tensor?]

    init(inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) {
        self.inputs = inputs
        self.backward = backward
    }
}

/// Whether operations are recorded for autograd in the current task.
public enum GradMode {
    @TaskLocal public static var isEnabled = true
}

/// Runs `body` without recording operations for autograd (inference, optimizer steps).
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(false, operation: body)
}

extension Tensor {
    /// Attaches a gradient rule to `output` when recording is on and some input needs gradients.
    ///
    /// `backward` receives the gradient of the output and returns one gradient per input (nil where
    /// an input needs none); each must have its input's shape.
    static func record(_ output: Tensor, inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return output }
        output.requiresGrad = true
        output.gradFn = GradFn(inputs: inputs, backward: backward)
        return output
    }

    /// Marks this tensor as a leaf that accumulates gradients; returns it for chaining.
    @discardableResult
    public func requiringGrad(_ flag: Bool = true) -> Tensor {
        requiresGrad = flag
        return self
    }

    /// The same values cut from the autograd graph.
    public func detached() -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset)
    }

    /// Back-propagates from this tensor and accumulates `grad` into every leaf that requires it.
    ///
    /// - Parameter seed: gradient of the final objective w.r.t. this tensor; ones when omitted
    ///   (so a scalar loss needs none).
    public func backward(_ seed: Tensor? = nil) {
        precondition(requiresGrad, "backward() on a tensor that does not require gradients")
        let start = seed ?? Tensor.full(shape, 1)
        precondition(start.shape == shape, "seed gradient shape \(start.shape) does not match \(shape)")

        // Topological order by iterative depth-first search (graphs can be deep).
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for input in node.gradFn?.inputs ?? [] where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }

        var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): start]
        withNoGrad {
            for node in order.reversed() {
                guard let grad = grads.removeValue(forKey: ObjectIdentifier(node)) else { continue }
                guard let fn = node.gradFn else {
                    node.grad = node.grad.map { $0 + grad } ?? grad.contiguous()
                    continue
                }
                for (input, inputGrad) in zip(fn.inputs, fn.backward(grad)) where input.requiresGrad {
                    guard let inputGrad else { continue }
                    precondition(inputGrad.shape == input.shape,
                                 "gradient shape \(inputGrad.shape) does not match input shape \(input.shape)")
                    let key = ObjectIdentifier(input)
                    grads[key] = grads[key].map { $0 + inputGrad } ?? inputGrad
                }
            }
        }
    }
}
