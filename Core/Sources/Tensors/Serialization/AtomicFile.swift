import Foundation

/// Writes files so that a crash mid-write never leaves a truncated file: temp file in the same
/// folder, fsync, then rename over the destination.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FileError.missingFolder(folder, for: path)
        }
        let temporary = folder + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw FileError.cannotWrite(path, reason: "cannot create \(temporary)")
        }
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            if rename(temporary, path) != 0 {
                throw FileError.cannotWrite(path, reason: String(cString: strerror(errno)))
            }
        } catch {
            unlink(temporary)
            if error is FileError { throw error }
            throw FileError.cannotWrite(path, reason: error.localizedDescription)
        }
    }
}

/// File-system errors that name the file involved.
public enum FileError: Error, CustomStringConvertible, Equatable {
    case missingFolder(String, for: String)
    case cannotWrite(String, reason: String)
    case cannotRead(String, reason: String)
    case malformed(String, reason: String)

    public var description: String {
        switch self {
        case let .missingFolder(folder, path): return "cannot write \(path): folder \(folder) does not exist"
        case let .cannotWrite(path, reason): return "cannot write \(path): \(reason)"
        case let .cannotRead(path, reason): return "cannot read \(path): \(reason)"
        case let .malformed(path, reason): return "\(path): \(reason)"
        }
    }

    /// Reads a whole file, turning Foundation's errors into one that names the path.
    public static func read(_ path: String) throws -> Data {
        guard FileManager.default.fileExists(atPath: path) else { throw FileError.cannotRead(path, reason: "no such file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError.cannotRead(path, reason: "not a readable file")
        }
        return data
    }
}
