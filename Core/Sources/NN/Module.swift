import Tensors

/// A trainable tensor owned by a module. The box is shared with optimizers, which update
/// `value` in place; `key` overrides the property name in state dicts.
@propertyWrapper
public final class Parameter: @unchecked Sendable {
    public var value: Tensor
    public let key: String?
    public var isTrainable: Bool

    public init(wrappedValue: Tensor, key: String? = nil, trainable: Bool = true) {
        value = wrappedValue.requiringGrad(trainable)
        self.key = key
        isTrainable = trainable
    }

    public var wrappedValue: Tensor {
        get { value }
        set { value = newValue.requiringGrad(isTrainable) }
    }
}

/// A layer or network: parameters, and child modules, discovered from stored properties.
///
/// Conformers are final classes holding `@Parameter var`s, child `Module`s, arrays of modules and
/// optionals of either; keys are the dotted property paths (`layers.0.attention.query.weight`).
public protocol Module: AnyObject {}

extension Module {
    /// Every parameter with its dotted key, in declaration order.
    public func namedParameters() -> [(key: String, parameter: Parameter)] {
        var result: [(String, Parameter)] = []
        collect(prefix: "", into: &result)
        return result.map { (key: $0.0, parameter: $0.1) }
    }

    private func collect(prefix: String, into result: inout [(String, Parameter)]) {
        for child in Mirror(reflecting: self).children {
            guard var label = child.label else { continue }
            if label.hasPrefix("_") { label.removeFirst() }
            Self.visit(child.value, prefix: prefix, label: label, into: &result)
        }
    }

    private static func visit(_ value: Any, prefix: String, label: String, into result: inout [(String, Parameter)]) {
        switch value {
        case let parameter as Parameter:
            result.append((prefix + (parameter.key ?? label), parameter))
        case let module as any Module:
            module.collect(prefix: prefix + label + ".", into: &result)
        case let array as [any Module]:
            for (i, module) in array.enumerated() { module.collect(prefix: "\(prefix)\(label).\(i).", into: &result) }
        default:
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional, let wrapped = mirror.children.first?.value {
                visit(wrapped, prefix: prefix, label: label, into: &result)
            }
        }
    }

    /// All parameters.
    public func parameters() -> [Parameter] { namedParameters().map(\.parameter) }

    /// Parameters that optimizers update.
    public func trainableParameters() -> [Parameter] { parameters().filter(\.isTrainable) }

    /// Total number of scalar parameters.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.value.count } }

    /// Stops or resumes gradient flow into every parameter (e.g. a frozen backbone).
    public func setTrainable(_ trainable: Bool) {
        for parameter in parameters() {
            parameter.isTrainable = trainable
            parameter.value = parameter.value.requiringGrad(trainable)
        }
    }

    /// Clears accumulated gradients.
    public func zeroGradients() {
        for parameter in parameters() { parameter.value.grad = nil }
    }

    /// Parameter values by dotted key.
    public func stateDict() -> [String: Tensor] {
        Dictionary(namedParameters().map { ($0.key, $0.parameter.value.detached()) }, uniquingKeysWith: { a, _ in a })
    }

    /// Copies values into the parameters. Every key must be present with the right shape; with
    /// `strict`, extra keys are errors too. Errors list every problem found.
    public func load(stateDict: [String: Tensor], strict: Bool = true) throws {
        var problems: [String] = []
        let named = namedParameters()
        for (key, parameter) in named {
            guard let tensor = stateDict[key] else { problems.append("missing \(key)"); continue }
            guard tensor.shape == parameter.value.shape else {
                problems.append("\(key): expected shape \(parameter.value.shape), got \(tensor.shape)")
                continue
            }
            parameter.value = Tensor(shape: tensor.shape, data: tensor.toArray()).requiringGrad(parameter.isTrainable)
        }
        if strict {
            let known = Set(named.map(\.key))
            problems += stateDict.keys.filter { !known.contains($0) }.sorted().map { "unexpected \($0)" }
        }
        if !problems.isEmpty { throw StateDictError(problems: problems) }
    }

    /// The parameter tree with shapes, one line per parameter.
    public func describe() -> String {
        let lines = namedParameters().map { "\($0.key) \($0.parameter.value.shape)\($0.parameter.isTrainable ? "" : " (frozen)")" }
        return "\(Self.self): \(parameterCount) parameters\n" + lines.map { "  " + $0 }.joined(separator: "\n")
    }
}

/// A state dict that does not fit a module; lists every mismatch.
public struct StateDictError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String { "state dict does not match the model: " + problems.joined(separator: "; ") }
}
