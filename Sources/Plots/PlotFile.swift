import Commands

/// A plot written to disk, as commands return it: `$p.path`, `$p.width`, `$p.height`, `$p.kind`.
public final class PlotFile: ScriptObject {
    /// The PNG file.
    public let path: String
    public let width: Int
    public let height: Int
    /// What was drawn: "overlay", "panel", "map", "roc", "pr", "loss", "histogram".
    public let kind: String

    public init(path: String, width: Int, height: Int, kind: String) {
        self.path = path
        self.width = width
        self.height = height
        self.kind = kind
    }

    public var typeName: String { "plot" }
    public var summary: String { "\(kind) \(path) (\(width)x\(height) PNG)" }

    public func member(_ name: String) -> Value? {
        switch name {
        case "path": .string(path)
        case "width": .int(width)
        case "height": .int(height)
        case "kind": .string(kind)
        default: nil
        }
    }

    public var memberNames: [String] { ["path", "width", "height", "kind"] }
}
