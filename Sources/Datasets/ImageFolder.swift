import Foundation

/// Listing of image files inside folders, in sorted order.
enum ImageFolder {
    /// File name extensions read as images (PNG and JPEG; matched case-insensitively).
    static let extensions: Set<String> = ["png", "jpg", "jpeg"]

    static func isImageName(_ name: String) -> Bool {
        guard !name.hasPrefix("."), let dot = name.lastIndex(of: ".") else { return false }
        return extensions.contains(name[name.index(after: dot)...].lowercased())
    }

    static func exists(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Names of the visible subfolders of `path`, sorted (empty when `path` is not a folder).
    static func subfolders(of path: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { !$0.hasPrefix(".") && exists(path + "/" + $0) }.sorted()
    }

    /// Names of the image files directly inside `path`, sorted.
    static func imageNames(in path: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter(isImageName).sorted()
    }

    /// `name` without its extension.
    static func stem(_ name: String) -> String {
        guard let dot = name.lastIndex(of: ".") else { return name }
        return String(name[..<dot])
    }
}
