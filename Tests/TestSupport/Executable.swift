import Foundation

/// Runs the built `rlr` executable (it sits next to the test bundle in the build folder), for the
/// test targets that drive the real binary.
public enum Executable {
    /// The build folder: where the test bundle, `rlr` and libRLRCore.so are.
    public static var buildFolder: URL {
        let bundle = Bundle(for: Marker.self).bundleURL
        return [bundle, bundle.deletingLastPathComponent()].first {
            FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("rlr").path)
        } ?? bundle
    }

    /// The `rlr` executable.
    public static var url: URL { buildFolder.appendingPathComponent("rlr") }

    final class Marker {}

    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status; self.stdout = stdout; self.stderr = stderr
        }
    }

    /// Runs rlr with arguments and stdin text in a folder.
    public static func run(_ arguments: [String], stdin: String = "", in folder: URL? = nil,
                           environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        input.fileHandleForWriting.write(stdin.data(using: .utf8)!)
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self))
    }

    /// A fresh temporary folder, removed by the caller.
    public static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rlr-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
