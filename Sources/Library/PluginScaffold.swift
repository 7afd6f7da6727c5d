import Commands
import Foundation

/// The package `plugin new` writes: Package.swift (depending on Core by path) and one source file
/// registering a backbone, an attention block or a command library.
enum PluginScaffold {
    /// This checkout's Core package (where rlr was built from).
    static var checkoutCore: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Core").path
    }

    /// Writes the package into `out` (which must not exist); returns the files written.
    static func write(name: String, kind: String, out: String, core: String) throws -> [String] {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first),
              name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
            throw CommandError.badArgument(name: "<name>", reason: "\"\(name)\" must be kebab-case (a-z, 0-9, '-'), starting with a letter")
        }
        guard !FileManager.default.fileExists(atPath: out) else {
            throw CommandError.badArgument(name: "--out", reason: "\(out) already exists")
        }
        guard FileManager.default.fileExists(atPath: core + "/Package.swift") else {
            throw CommandError.badArgument(name: "--core", reason: "\(core) is not the Core package (no Package.swift)")
        }
        let module = name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        let coreURL = URL(fileURLWithPath: core).standardizedFileURL
        let files = [
            ("Package.swift", package(module: module, core: coreURL.path, coreName: coreURL.lastPathComponent)),
            ("Sources/\(module)/Plugin.swift", source(name: name, kind: kind)),
            (".gitignore", ".build/\n"),
        ]
        var written: [String] = []
        for (relative, text) in files {
            let path = (out as NSString).appendingPathComponent(relative)
            do {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw CommandError.badArgument(name: "--out", reason: "cannot write \(path): \(error.localizedDescription)")
            }
            written.append(path)
        }
        return written
    }

    private static func package(module: String, core: String, coreName: String) -> String {
        """
        // swift-tools-version:6.0
        // An rlr plugin. Build: swift build -c release; load: rlr --plugin .build/release/lib\(module).so
        // Build it with the same Swift toolchain as rlr, against the same Core (docs/plugins.md).
        import PackageDescription

        let package = Package(
            name: "\(module)",
            products: [.library(name: "\(module)", type: .dynamic, targets: ["\(module)"])],
            dependencies: [.package(path: "\(core)")],
            targets: [.target(name: "\(module)", dependencies: [.product(name: "RLRCore", package: "\(coreName)")])]
        )

        """
    }

    private static func source(name: String, kind: String) -> String {
        let registration: String
        switch kind {
        case "backbone":
            registration = """
                    r.backbone("\(name)") { _ in PatchBackbone() }
                """
        case "command":
            registration = """
                    r.commands("\(name)", [
                        CommandSpec(path: ["\(name)", "hello"], abstract: "Greets someone (replace with your command).",
                                    arguments: [ArgumentSpec("who", .string, default: .string("world"), help: "Who to greet.")],
                                    examples: ["\(name) hello"],
                                    run: { inv in .string("hello, \\(try inv.string("who"))") }),
                    ])
                """
        default:
            registration = """
                    r.attentionBlock("\(name)", AttentionBlockDefinition(summary: "local cross attention over the k x k window (replace with yours)") { geometry in
                        { attention, queries, reference in
                            attention(query: queries, key: reference, value: reference, neighbors: geometry.window)
                        }
                    })
                """
        }
        let backbone = kind != "backbone" ? "" : """

            /// Average colour of 4x4 and 8x8 patches (replace with a real feature extractor).
            final class PatchBackbone: Backbone {
                let name = "\(name)"
                let taps = [FeatureTap(name: "p4", channels: 3, stride: 4), FeatureTap(name: "p8", channels: 3, stride: 8)]

                func features(_ images: Tensor, taps requested: [String], scaling: ImageScaling) throws -> [String: Tensor] {
                    var maps: [String: Tensor] = [:]
                    for name in requested {
                        guard let tap = taps.first(where: { $0.name == name }) else { throw CommandError.failed("no tap \\(name)") }
                        maps[name] = images.avgPool2d(kernel: tap.stride, stride: tap.stride, padding: 0)
                    }
                    return maps
                }
            }

            """
        return """
            import Commands
            import NN
            import Plugins
            import Tensors

            /// The entry point rlr looks up (C ABI): checks the plugin API version, then registers.
            @_cdecl("rlr_plugin_init")
            public func rlrPluginInit(_ hostAPIVersion: UInt32, _ registrar: UnsafeMutableRawPointer) -> Int32 {
                PluginRegistrar.initialize(hostAPIVersion, registrar, name: "\(name)", version: "0.1.0") { r in
            \(registration)
                }
            }
            \(backbone)
            """
    }
}
