import Commands
import Foundation
import Synchronization

/// A plugin that could not be loaded: the file and the reason.
public struct PluginError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let reason: String
    public var description: String { "cannot load plugin \(file): \(reason)" }
}

/// A loaded plugin and what it registered.
public struct LoadedPlugin: Sendable {
    public let info: PluginInfo
    public let backbones: [String]
    public let attentionBlocks: [String]
    /// Command paths ("noun verb").
    public let commands: [String]
}

/// Loads plugins (dlopen RTLD_NOW | RTLD_LOCAL, dlsym `rlr_plugin_init`) into the process-wide
/// registries. A plugin is never unloaded: Swift code cannot be safely unmapped.
public enum PluginHost {
    private static let plugins = Mutex<[LoadedPlugin]>([])

    /// Plugins loaded so far, in load order.
    public static var loaded: [LoadedPlugin] { plugins.withLock { $0 } }

    /// Loads the plugin at `path`; its command libraries go into `commands`. Throws `PluginError`
    /// naming the file and the reason (nothing is registered then).
    @discardableResult
    public static func load(_ path: String, commands: CommandRegistry) throws -> LoadedPlugin {
        func refuse(_ reason: String) -> PluginError { PluginError(file: path, reason: reason) }
        guard FileManager.default.fileExists(atPath: path) else { throw refuse("no such file") }
        let file = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        if let twin = loaded.first(where: { $0.info.file == file }) {
            throw refuse("already loaded (plugin \(twin.info.name) \(twin.info.version))")
        }
        guard let handle = dlopen(file, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            throw refuse("not a loadable shared library (\(reason))")
        }
        guard let symbol = dlsym(handle, PluginAPI.entryPointName) else {
            throw refuse("no entry point \(PluginAPI.entryPointName) (is it an rlr plugin? see `rlr plugin new`)")
        }
        let entry = unsafeBitCast(symbol, to: PluginEntryPoint.self)
        let registrar = PluginRegistrar()
        let status = withExtendedLifetime(registrar) {
            entry(PluginAPI.version, Unmanaged.passUnretained(registrar).toOpaque())
        }
        if status > 0 {
            throw refuse("built against plugin API version \(status), this rlr has version \(PluginAPI.version); rebuild it against this checkout's Core")
        }
        if status < 0 {
            throw refuse("its registration failed: \(registrar.failure ?? "unknown error")")
        }
        guard !registrar.name.isEmpty else { throw refuse("it declared no name") }
        if let other = loaded.first(where: { $0.info.name == registrar.name }) {
            throw refuse("a plugin named \(registrar.name) is already loaded from \(other.info.file)")
        }
        let info = PluginInfo(name: registrar.name, version: registrar.version, file: file)
        let provenance = Provenance.plugin(info)
        do {
            try Registries.backbones.checkFree(registrar.backbones.map(\.0))
            try Registries.attentionBlocks.checkFree(registrar.blocks.map(\.0))
            for names in [registrar.backbones.map(\.0), registrar.blocks.map(\.0)] where Set(names).count != names.count {
                throw CommandError.failed("it registers a name twice: \(names.sorted().joined(separator: ", "))")
            }
            for (library, specs) in registrar.commandLibraries { try commands.register(specs, library: library) }
            for (name, factory) in registrar.backbones { try Registries.backbones.register(name, factory, provenance: provenance) }
            for (name, block) in registrar.blocks { try Registries.attentionBlocks.register(name, block, provenance: provenance) }
        } catch {
            throw refuse("\(error)")
        }
        let plugin = LoadedPlugin(info: info, backbones: registrar.backbones.map(\.0), attentionBlocks: registrar.blocks.map(\.0),
                                  commands: registrar.commandLibraries.flatMap { $0.1.map(\.name) })
        plugins.withLock { $0.append(plugin) }
        return plugin
    }

    /// Plugin files to load at start: every shared library in `$RLR_PLUGIN_PATH` (colon separated,
    /// files or folders) and in `${XDG_CONFIG_HOME:-~/.config}/rlr/plugins/`, each folder sorted by name.
    public static func startupPaths(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var entries = (environment["RLR_PLUGIN_PATH"] ?? "").split(separator: ":").map(String.init)
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.config")
        entries.append(config + "/rlr/plugins")
        return entries.flatMap { entry in isFolder(entry) ? libraries(in: entry) : FileManager.default.fileExists(atPath: entry) ? [entry] : [] }
    }

    /// Whether `path` is a folder.
    public static func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }

    /// The shared libraries (`*.so`) directly in `folder`, sorted by name.
    public static func libraries(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".so") }.sorted().map { (folder as NSString).appendingPathComponent($0) }
    }
}
