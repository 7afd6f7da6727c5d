import Kernels
import Tensors

/// One stored tensor: its element type on disk and its values as a contiguous `Float` tensor.
public struct WeightEntry {
    /// The element type in the file (values are converted to `Float`).
    public let type: ScalarType
    public let tensor: Tensor
}

/// The named tensors of one weights file, in file order.
public struct NamedWeights {
    /// The file they were read from (for error messages).
    public let path: String
    /// Tensor names in the order the file lists them.
    public let names: [String]
    public let entries: [String: WeightEntry]

    init(path: String, names: [String], entries: [String: WeightEntry]) {
        self.path = path
        self.names = names
        self.entries = entries
    }

    /// The tensor called `name`, or nil.
    public subscript(name: String) -> Tensor? { entries[name]?.tensor }

    /// The tensor called `name`, checked against `shape` when given; throws naming the file otherwise.
    public func tensor(_ name: String, shape: [Int]? = nil) throws -> Tensor {
        guard let tensor = entries[name]?.tensor else {
            throw WeightsError(.missingTensor, path, "has no tensor named \(name)")
        }
        if let shape, tensor.shape != shape {
            throw WeightsError(.missingTensor, path, "tensor \(name) has shape \(tensor.shape), expected \(shape)")
        }
        return tensor
    }
}

/// Copies a strided view of raw little-endian storage into a new contiguous `Float` tensor.
///
/// `offset` and `strides` count elements of `type`; the caller has checked that the view fits.
func materialize(_ raw: UnsafeRawPointer, type: ScalarType, offset: Int, shape: [Int], strides: [Int]) -> Tensor {
    Tensor(shape: shape) { out in
        if out.isEmpty { return }
        if shape.isEmpty { out[0] = type.load(raw, offset); return }
        let last = shape.count - 1
        var walk = StridedRows(shape: shape, strides: [strides])
        for i in stride(from: 0, to: out.count, by: shape[last]) {
            let source = offset + walk.offsets[0]
            for j in 0..<shape[last] { out[i + j] = type.load(raw, source + j * strides[last]) }
            walk.advance()
        }
    }
}

/// Copies a pickled tensor view out of the raw bytes of its storage.
func materialize(_ storage: UnsafeRawPointer, _ view: TensorReference) -> Tensor {
    materialize(storage, type: view.storage.type, offset: view.offset, shape: view.shape, strides: view.strides)
}
