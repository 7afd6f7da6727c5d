/// Why a dataset could not be listed or loaded; descriptions name the folder, file or argument.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    case missingFolder(String)
    case noCategories(root: String, layout: String)
    case unknownCategories([String], root: String, available: [String])
    case malformedSplitFile(path: String, line: Int, reason: String)
    case empty(String)
    case badArgument(name: String, reason: String)
    /// Some images of a batch failed to load: the first failure (by sample order) and how many failed.
    case loadFailed(first: String, failures: Int)

    public var description: String {
        switch self {
        case let .missingFolder(path): return "dataset folder \(path) does not exist"
        case let .noCategories(root, layout):
            return "no \(layout) categories under \(root) (expected <category>/train/good and <category>/test/<defect>)"
        case let .unknownCategories(names, root, available):
            return "unknown categories \(names.joined(separator: ", ")) under \(root); available: \(available.joined(separator: ", "))"
        case let .malformedSplitFile(path, line, reason): return "\(path):\(line): \(reason)"
        case let .empty(what): return "\(what) contains no images"
        case let .badArgument(name, reason): return "invalid \(name): \(reason)"
        case let .loadFailed(first, failures):
            return failures == 1 ? first : "\(first) (and \(failures - 1) more images failed to load)"
        }
    }
}
