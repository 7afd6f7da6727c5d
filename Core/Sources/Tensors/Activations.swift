import Kernels

extension Tensor {
    /// Applies a unary primitive; its gradient is `g * f'(x)` from the same kernel table.
    func applyUnary(_ op: UnaryOp) -> Tensor {
        let input = contiguous().detached()
        let output = Tensor(shape: shape) { unary(op, input.pointer, count: count, into: $0.baseAddress!) }
        let outputValue = output.detached()  // the closure must not capture `output` itself (a cycle)
        return Tensor.record(output, inputs: [self]) { g in
            let gradient = g.contiguous()
            return [Tensor(shape: input.shape) {
                unaryBackward(op, x: input.pointer, y: outputValue.pointer, gradient: gradient.pointer,
                              count: input.count, into: $0.baseAddress!)
            }]
        }
    }

    public func exp() -> Tensor { applyUnary(.exp) }
    public func log() -> Tensor { applyUnary(.log) }
    public func sqrt() -> Tensor { applyUnary(.sqrt) }
    public func abs() -> Tensor { applyUnary(.abs) }
    public func tanh() -> Tensor { applyUnary(.tanh) }
    public func sigmoid() -> Tensor { applyUnary(.sigmoid) }
    public func relu() -> Tensor { applyUnary(.relu) }
    public func relu6() -> Tensor { applyUnary(.relu6) }
    /// GELU, exact form `x * Φ(x)` with the error function (PyTorch's default).
    public func gelu() -> Tensor { applyUnary(.gelu) }
    public func silu() -> Tensor { applyUnary(.silu) }
    public func sin() -> Tensor { applyUnary(.sin) }
    public func cos() -> Tensor { applyUnary(.cos) }

    /// `x^exponent` elementwise for a scalar exponent.
    public func pow(_ exponent: Float) -> Tensor {
        if exponent == 2 { return self * self }
        let result = applyBinary(.power, Tensor(exponent))
        return Tensor.record(result, inputs: [self]) { [detachedSelf = detached()] g in
            [g * detachedSelf.applyBinary(.power, Tensor(exponent - 1)) * exponent]
        }
    }

    /// Elementwise power with a tensor exponent (broadcasting); differentiable in both.
    public func pow(_ exponent: Tensor) -> Tensor {
        let result = applyBinary(.power, exponent)
        let (sa, sb) = (shape, exponent.shape)
        return Tensor.record(result, inputs: [self, exponent]) { [base = detached(), e = exponent.detached(), value = result.detached()] g in
            [self.requiresGrad ? (g * e * base.applyBinary(.power, e - 1)).sumToShape(sa) : nil,
             exponent.requiresGrad ? (g * value * base.log()).sumToShape(sb) : nil]
        }
    }

    /// Elementwise maximum (gradient to the larger input; ties split evenly).
    public func maximum(_ other: Tensor) -> Tensor { selectBinary(.maximum, other) }
    /// Elementwise minimum (gradient to the smaller input; ties split evenly).
    public func minimum(_ other: Tensor) -> Tensor { selectBinary(.minimum, other) }

    private func selectBinary(_ op: BinaryOp, _ other: Tensor) -> Tensor {
        let result = applyBinary(op, other)
        let (sa, sb) = (shape, other.shape)
        return Tensor.record(result, inputs: [self, other]) { [a = detached(), b = other.detached()] g in
            let wins = op == .maximum ? a.applyBinary(.greater, b) : a.applyBinary(.less, b)
            let ties = a.applyBinary(.equal, b) * 0.5
            let share = wins + ties
            return [(g * share).sumToShape(sa), (g * (1 - share)).sumToShape(sb)]
        }
    }

    /// Clamps into `[low, high]` (gradient passes where the input is inside the range).
    public func clamped(min low: Float? = nil, max high: Float? = nil) -> Tensor {
        var result = self
        if let low { result = result.maximum(Tensor(low)) }
        if let high { result = result.minimum(Tensor(high)) }
        return result
    }

    // MARK: Comparisons (not differentiable): 1 where true, 0 where false.

    public static func .< (a: Tensor, b: Tensor) -> Tensor { a.applyBinary(.less, b) }
    public static func .<= (a: Tensor, b: Tensor) -> Tensor { a.applyBinary(.lessEqual, b) }
    public static func .> (a: Tensor, b: Tensor) -> Tensor { a.applyBinary(.greater, b) }
    public static func .>= (a: Tensor, b: Tensor) -> Tensor { a.applyBinary(.greaterEqual, b) }
    public static func .== (a: Tensor, b: Tensor) -> Tensor { a.applyBinary(.equal, b) }
    public static func .!= (a: Tensor, b: Tensor) -> Tensor { a.applyBinary(.notEqual, b) }
    public static func .< (a: Tensor, b: Float) -> Tensor { a.applyBinary(.less, Tensor(b)) }
    public static func .> (a: Tensor, b: Float) -> Tensor { a.applyBinary(.greater, Tensor(b)) }
    public static func .== (a: Tensor, b: Float) -> Tensor { a.applyBinary(.equal, Tensor(b)) }

    /// `condition ? self : other` elementwise with broadcasting (condition nonzero = true); exact for
    /// infinite values (no arithmetic blending).
    public func selecting(_ condition: Tensor, else other: Tensor) -> Tensor {
        guard let outShape = [shape, condition.shape, other.shape].dropFirst().reduce(Optional(shape), { partial, next in
            partial.flatMap { Tensor.broadcastShape($0, next) }
        }) else {
            preconditionFailure("selecting: shapes \(shape), \(condition.shape), \(other.shape) do not broadcast")
        }
        let (a, c, b) = (expanded(outShape).copied(), condition.expanded(outShape).copied(), other.expanded(outShape).copied())
        let result = Tensor(shape: outShape) { out in
            for i in 0..<out.count { out[i] = c.pointer[i] != 0 ? a.pointer[i] : b.pointer[i] }
        }
        let (sa, sb) = (shape, other.shape)
        return Tensor.record(result, inputs: [self, other]) { g in
            let mask = c .!= Tensor(0)
            return [(g * mask).sumToShape(sa), (g * (1 - mask)).sumToShape(sb)]
        }
    }

    /// Replaces elements where `mask` is nonzero with `value` (gradient flows to the others).
    public func maskedFill(_ mask: Tensor, _ value: Float) -> Tensor {
        Tensor(value).selecting(mask, else: self)
    }
}
