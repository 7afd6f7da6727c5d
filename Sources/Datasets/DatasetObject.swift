import Commands

/// A dataset held in a script variable (`set d [data open --root ...]`).
public final class DatasetObject: ScriptObject {
    public let dataset: Dataset

    public init(_ dataset: Dataset) { self.dataset = dataset }

    public var typeName: String { "dataset" }

    public var summary: String {
        "\(dataset.layout) dataset at \(dataset.root): \(dataset.count) images, categories \(dataset.categories.joined(separator: ", "))"
    }

    public func member(_ name: String) -> Value? {
        switch name {
        case "count": return .int(dataset.count)
        case "root": return .string(dataset.root)
        case "layout": return .string(dataset.layout)
        case "categories": return .list(dataset.categories.map { .string($0) })
        case "warnings": return .list(dataset.warnings.map { .string($0) })
        default: return nil
        }
    }

    public var memberNames: [String] { ["count", "root", "layout", "categories", "warnings"] }
}
