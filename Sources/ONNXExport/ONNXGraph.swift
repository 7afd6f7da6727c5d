import Foundation
import NN
import SwiftProtobuf
import Tensors

/// An attribute value of an ONNX node.
public enum ONNXAttribute: Sendable {
    case int(Int)
    case ints([Int])
    case float(Float)
    case string(String)
}

/// A dimension of a graph input or output: fixed, or named (dynamic, e.g. the batch "N").
public enum ONNXDimension: Sendable, Equatable {
    case fixed(Int)
    case named(String)
}

/// The element type of a graph output.
public enum ONNXElementType: Sendable {
    case float
    case bool

    var proto: Onnx_TensorProto.DataType {
        switch self {
        case .float: .float
        case .bool: .bool
        }
    }
}

/// Builds one ONNX graph node by node: float32 constants from tensors, nodes with generated unique
/// value names (prefixed by the current `scope`, so the graph reads like the model), and the
/// opset-dependent forms of a few operators. The protobuf types stay inside this module; block and
/// backbone forms (`ONNXForms`) only see names and tensors.
public final class ONNXGraph {
    /// The default ONNX opset ("ai.onnx" domain) and the range the exporter writes.
    public static let defaultOpset = 17
    public static let supportedOpsets = 17...21

    public let opset: Int
    var graph = Onnx_GraphProto()
    private var scopes: [String] = []
    private var counter = 0
    private var constants: [String: String] = [:]

    public init(opset: Int = ONNXGraph.defaultOpset) throws {
        guard Self.supportedOpsets.contains(opset) else {
            throw ONNXExportError.unsupported("opset \(opset) (the exporter writes opsets \(Self.supportedOpsets.lowerBound)-\(Self.supportedOpsets.upperBound))")
        }
        self.opset = opset
    }

    /// Runs `body` with value names prefixed by `name/`.
    public func scope<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        scopes.append(name)
        defer { scopes.removeLast() }
        return try body()
    }

    private func fresh(_ hint: String) -> String {
        counter += 1
        return (scopes + ["\(hint)_\(counter)"]).joined(separator: "/")
    }

    // MARK: Inputs, outputs, constants

    /// Declares a float32 graph input.
    public func input(_ name: String, shape: [ONNXDimension]) {
        graph.input.append(Self.valueInfo(name, shape: shape))
    }

    /// Declares `value` as the graph output `name` of element type `type` (an Identity node gives it that name).
    public func output(_ value: String, as name: String, shape: [ONNXDimension], type: ONNXElementType = .float) {
        var node = Onnx_NodeProto()
        node.opType = "Identity"; node.name = name; node.input = [value]; node.output = [name]
        graph.node.append(node)
        graph.output.append(Self.valueInfo(name, shape: shape, type: type))
    }

    private static func valueInfo(_ name: String, shape: [ONNXDimension], type: ONNXElementType = .float) -> Onnx_ValueInfoProto {
        var info = Onnx_ValueInfoProto()
        info.name = name
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = Int32(type.proto.rawValue)
        tensor.shape.dim = shape.map { dimension in
            var d = Onnx_TensorShapeProto.Dimension()
            switch dimension {
            case .fixed(let value): d.dimValue = Int64(value)
            case .named(let name): d.dimParam = name
            }
            return d
        }
        info.type.tensorType = tensor
        return info
    }

    /// A float32 initializer holding `tensor` (row-major, its shape).
    public func constant(_ tensor: Tensor, name hint: String = "const") -> String {
        let values = tensor.contiguous().toArray()
        return initializer(hint, type: .float, dims: tensor.shape,
                           raw: values.withUnsafeBufferPointer { Data(buffer: $0) })
    }

    /// The value `make` creates, made once per `key` (e.g. a level's window mask, shared by its layers).
    public func shared(_ key: String, _ make: () -> String) -> String {
        if let name = constants["shared:" + key] { return name }
        let name = make()
        constants["shared:" + key] = name
        return name
    }

    /// A float32 scalar initializer (shared by every use of the same value).
    public func scalar(_ value: Float) -> String {
        let key = "f\(value.bitPattern)"
        if let name = constants[key] { return name }
        let name = initializer("scalar", type: .float, dims: [], raw: withUnsafeBytes(of: value) { Data($0) })
        constants[key] = name
        return name
    }

    /// An int64 initializer `[values.count]` (or of `shape`), e.g. a shape for Reshape or Gather indices.
    public func int64s(_ values: [Int], shape: [Int]? = nil, name hint: String = "ints") -> String {
        // Short ones (shapes, axes) are shared by every use of the same values.
        let key = values.count <= 8 ? "i\(shape ?? [values.count])\(values)" : nil
        if let key, let name = constants[key] { return name }
        let wide = values.map(Int64.init)
        let name = initializer(hint, type: .int64, dims: shape ?? [values.count], raw: wide.withUnsafeBufferPointer { Data(buffer: $0) })
        if let key { constants[key] = name }
        return name
    }

    private func initializer(_ hint: String, type: Onnx_TensorProto.DataType, dims: [Int], raw: Data) -> String {
        var proto = Onnx_TensorProto()
        proto.name = fresh(hint)
        proto.dataType = Int32(type.rawValue)
        proto.dims = dims.map(Int64.init)
        proto.rawData = raw  // little-endian, as ONNX requires (every platform rlr builds on)
        graph.initializer.append(proto)
        return proto.name
    }

    // MARK: Nodes

    /// Appends a node with one output; returns the output's name. An empty input name is an omitted optional input.
    @discardableResult
    public func node(_ op: String, _ inputs: [String], _ attributes: [String: ONNXAttribute] = [:]) -> String {
        var node = Onnx_NodeProto()
        node.opType = op
        let output = fresh(op)
        node.name = output
        node.input = inputs
        node.output = [output]
        node.attribute = attributes.sorted { $0.key < $1.key }.map { name, value in
            var a = Onnx_AttributeProto()
            a.name = name
            switch value {
            case .int(let v): a.type = .int; a.i = Int64(v)
            case .ints(let v): a.type = .ints; a.ints = v.map(Int64.init)
            case .float(let v): a.type = .float; a.f = v
            case .string(let v): a.type = .string; a.s = Data(v.utf8)
            }
            return a
        }
        graph.node.append(node)
        return output
    }

    /// ReduceSum/ReduceMean/ReduceMax over `axes` (attribute before opset 18 except ReduceSum, an input from then on).
    public func reduce(_ op: String, _ x: String, axes: [Int], keepDims: Bool) -> String {
        let keep: [String: ONNXAttribute] = ["keepdims": .int(keepDims ? 1 : 0)]
        if op == "ReduceSum" || opset >= 18 {
            return node(op, [x, int64s(axes)], keep)
        }
        return node(op, [x], keep.merging(["axes": .ints(axes)]) { a, _ in a })
    }

    /// `x Wᵀ + b` over the last axis for an rlr `Linear` (weight stored transposed, `[in, out]`).
    public func linear(_ x: String, _ layer: Linear) -> String {
        let product = node("MatMul", [x, constant(layer.weight.transposed().contiguous(), name: "weight")])
        guard let bias = layer.bias?.value else { return product }
        return node("Add", [product, constant(bias, name: "bias")])
    }

    /// LayerNormalization over the last axis.
    public func layerNorm(_ x: String, _ layer: LayerNorm) -> String {
        node("LayerNormalization", [x, constant(layer.weight, name: "gamma"), constant(layer.bias, name: "beta")],
             ["axis": .int(-1), "epsilon": .float(layer.epsilon)])
    }

    /// The exact (erf) GELU: `0.5 x (1 + erf(x / sqrt 2))`.
    public func gelu(_ x: String) -> String {
        let erf = node("Erf", [node("Mul", [x, scalar(Float(0.5).squareRoot())])])
        return node("Mul", [node("Mul", [x, scalar(0.5)]), node("Add", [erf, scalar(1)])])
    }

    /// `min(max(x, 0), 6)`.
    public func relu6(_ x: String) -> String {
        node("Clip", [x, scalar(0), scalar(6)])
    }

    // MARK: The model

    /// The serialised ModelProto around this graph.
    func model(name: String, metadata: [(String, String)], producerVersion: String) throws -> Data {
        var model = Onnx_ModelProto()
        // IR versions as ONNX pairs them with opsets (ONNX 1.13: IR 8 / opset 18, 1.15: 9 / 20, 1.16: 10 / 21).
        model.irVersion = opset <= 18 ? 8 : opset <= 20 ? 9 : 10
        var opsetImport = Onnx_OperatorSetIdProto()
        opsetImport.domain = ""
        opsetImport.version = Int64(opset)
        model.opsetImport = [opsetImport]
        model.producerName = "rlr"
        model.producerVersion = producerVersion
        model.domain = "rlr"
        model.modelVersion = 1
        var graph = self.graph
        graph.name = name
        model.graph = graph
        model.metadataProps = metadata.map { key, value in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key; entry.value = value
            return entry
        }
        return try model.serializedData()
    }
}

/// What stops a detector from being exported, named.
public enum ONNXExportError: Error, CustomStringConvertible, Equatable {
    case unsupported(String)

    public var description: String {
        switch self {
        case .unsupported(let what): "cannot export to ONNX: \(what)"
        }
    }
}
