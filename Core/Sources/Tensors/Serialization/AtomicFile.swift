import Foundation

/// Writes files so that a crash mid-write never leaves a truncated file: temp file in the same
/// folder, fsync, then rename over the destination. A failed write (full disk, read-only folder,
/// file-size limit) throws naming the file and the system's reason, and removes the temp file.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FileError.missingFolder(folder, for: path)
        }
        let temporary = folder + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        func failure(_ step: String) -> FileError {
            .cannotWrite(path, reason: "\(step) \(temporary): \(String(cString: strerror(errno)))")
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot create") }
        // From here on any failure (a full disk, a file-size limit, an I/O error) removes the temporary file.
        var error: FileError? = nil
        data.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { error = failure("cannot write"); return }
                written += n
            }
        }
        if error == nil, fsync(fd) != 0 { error = failure("cannot flush") }
        if close(fd) != 0, error == nil { error = failure("cannot close") }
        if error == nil, rename(temporary, path) != 0 { error = .cannotWrite(path, reason: String(cString: strerror(errno))) }
        if let error {
            unlink(temporary)
            throw error
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
