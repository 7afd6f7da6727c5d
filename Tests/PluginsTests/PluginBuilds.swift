import Foundation
import Synchronization
import TestSupport
import XCTest

/// Builds what the plugin tests load, once per test run: plugin packages with `swift build -c release`
/// in their folder, and the fixture plugins with `swiftc` against the host's own build.
enum PluginBuilds {
    /// The checkout (three levels above this file).
    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The host's build folder: where the test bundle, `rlr` and libRLRCore.so are.
    static var hostBuild: URL { Executable.buildFolder }

    private static let built = Mutex<[String: String]>([:])

    /// `swift build -c release` in `folder` (once per run); the path of its `lib<product>.so`.
    static func package(_ folder: URL, product: String) throws -> String {
        try once(folder.path) {
            try run("swift", ["build", "-c", "release"], in: folder)
            return folder.appendingPathComponent(".build/release/lib\(product).so").path
        }
    }

    /// The example plugin in plugins/<name>.
    static func example(_ name: String, product: String) throws -> String {
        try package(checkout.appendingPathComponent("plugins/\(name)"), product: product)
    }

    /// Fixtures/<name>.swift compiled into a plugin against the host's modules and libRLRCore.so (once per run).
    static func fixture(_ name: String) throws -> String {
        try once("fixture " + name) {
            try compile(checkout.appendingPathComponent("Tests/PluginsTests/Fixtures/\(name).swift").path, module: name)
        }
    }

    /// One Swift file compiled with `swiftc` into a plugin against the host's modules and libRLRCore.so
    /// (the out-of-tree build of docs/plugins.md); returns the library's path.
    static func compile(_ source: String, module: String) throws -> String {
        let build = hostBuild.path
        let out = NSTemporaryDirectory() + "rlr-plugin-fixtures-\(getpid())"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let library = "\(out)/lib\(module).so"
        try run("swiftc", ["-emit-library", "-module-name", module, "-I", build + "/Modules",
                           "-Xcc", "-fmodule-map-file=\(build)/CVectorMath.build/module.modulemap",
                           "-L", build, "-lRLRCore", "-Xlinker", "-rpath", "-Xlinker", build, source, "-o", library],
            in: checkout)
        return library
    }

    private static func once(_ key: String, _ make: () throws -> String) throws -> String {
        if let path = built.withLock({ $0[key] }) { return path }
        let path = try make()
        built.withLock { $0[key] = path }
        return path
    }

    /// Runs a tool; throws with its output when it fails.
    static func run(_ tool: String, _ arguments: [String], in folder: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.currentDirectoryURL = folder
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BuildFailure(command: ([tool] + arguments).joined(separator: " "), output: text)
        }
    }

    struct BuildFailure: Error, CustomStringConvertible {
        let command: String
        let output: String
        var description: String { "\(command) failed:\n\(output.suffix(4000))" }
    }
}

/// Runs the built `rlr` with arguments and stdin text, with no plugins from the user's own configuration.
enum RLR {
    typealias Result = Executable.Result

    static func run(_ arguments: [String], stdin: String = "", in folder: URL? = nil,
                    environment: [String: String] = [:]) throws -> Result {
        try Executable.run(arguments, stdin: stdin, in: folder, environment: [
            "RLR_PLUGIN_PATH": "", "XDG_CONFIG_HOME": NSTemporaryDirectory() + "rlr-no-config",
        ].merging(environment) { $1 })
    }
}
