import Foundation

extension Tensor: CustomStringConvertible {
    /// `Tensor[2, 3] (grad) mean=… std=… min=… max=…` followed by the values, abbreviated
    /// with `…` beyond `edgeItems` per axis (like NumPy's summarised print).
    public var description: String {
        var header = "Tensor\(shape)"
        if requiresGrad { header += " (grad)" }
        let values = toArray()
        if values.isEmpty { return header + " []" }
        if values.count > 1 {
            let finite = values.filter(\.isFinite)
            if !finite.isEmpty {
                let mean = finite.reduce(0, +) / Float(finite.count)
                let std = (finite.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(finite.count)).squareRoot()
                header += " mean=\(Tensor.format(mean)) std=\(Tensor.format(std)) min=\(Tensor.format(finite.min()!)) max=\(Tensor.format(finite.max()!))"
            }
        }
        return header + "\n" + Tensor.render(values, shape: shape, offset: 0, axis: 0, edgeItems: 3)
    }

    private static func format(_ value: Float) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded() && Swift.abs(value) < 1e6 { return String(Int(value)) }
        let magnitude = Swift.abs(value)
        return magnitude >= 1e4 || magnitude < 1e-3 ? String(format: "%.4e", value) : String(format: "%.4f", value)
    }

    private static func render(_ values: [Float], shape: [Int], offset: Int, axis: Int, edgeItems: Int) -> String {
        if shape.isEmpty { return format(values[0]) }
        let size = shape[axis]
        let stride = shape[(axis + 1)...].reduce(1, *)
        let shown: [Int?] = size > 2 * edgeItems ? Array(0..<edgeItems) + [nil] + Array((size - edgeItems)..<size) : Array(0..<size)
        let parts = shown.map { index -> String in
            guard let index else { return "…" }
            if axis == shape.count - 1 { return format(values[offset + index]) }
            return render(values, shape: shape, offset: offset + index * stride, axis: axis + 1, edgeItems: edgeItems)
        }
        let separator = axis == shape.count - 1 ? ", " : ",\n" + String(repeating: " ", count: axis + 1)
        return "[" + parts.joined(separator: separator) + "]"
    }
}
