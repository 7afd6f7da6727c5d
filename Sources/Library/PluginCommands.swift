import Backbones
import Commands
import Foundation
import Plugins
import RLRModel

/// `plugin …` commands: loading plugins, listing them, and writing a new plugin package.
public enum PluginCommands {
    public static let commands: [CommandSpec] = [
        CommandSpec(
            path: ["plugin", "load"], abstract: "Loads a plugin (a shared library built against this rlr's Core), or every .so in a folder.",
            discussion: "Its backbones, attention blocks and commands are available at once. A file that is not a plugin, "
                + "one built against another plugin API version, a name already registered or a failing registration is "
                + "refused with the reason; nothing of it is registered then. Plugins are never unloaded. Returns the "
                + "loaded plugins (as `plugin list` shows them); with a folder, loading stops at the first refusal. Example: "
                + "`plugin load plugins/dilated-attention/.build/release/libDilatedAttention.so`.",
            arguments: [ArgumentSpec("path", .path, help: "The plugin's .so file, or a folder of them.", completion: .files(["so"]))],
            examples: ["plugin load plugins"],
            run: { inv in
                guard let host = inv.context.host as? any CommandRegistryHost else {
                    throw CommandError.failed("plugin load needs an interpreter to add the plugin's commands to")
                }
                let path = try inv.path("path")
                let files = PluginHost.isFolder(path) ? PluginHost.libraries(in: path) : [path]
                return .list(try files.map { record(try load($0, into: host.registry)) })
            }),
        CommandSpec(
            path: ["plugin", "list"], abstract: "Loaded plugins: name, version, file and what each registered.",
            examples: ["plugin list"],
            run: { _ in .list(PluginHost.loaded.map(record)) }),
        CommandSpec(
            path: ["plugin", "new"], abstract: "Writes a plugin package (SwiftPM) that builds against this checkout's Core as written.",
            discussion: "Build it with `swift build -c release` in --out, then load .build/release/lib<Name>.so with "
                + "`rlr --plugin` or `plugin load`. It must be built by the same Swift toolchain as rlr (docs/plugins.md).",
            arguments: [ArgumentSpec("name", .string, help: "Plugin name, kebab-case (e.g. my-block): the block, backbone or noun it registers.")],
            options: [
                OptionSpec("kind", .choice(["backbone", "attention", "command"]), default: .string("attention"),
                           help: "What the scaffold registers."),
                OptionSpec("out", short: "o", .path, help: "Folder to create (must not exist yet).", completion: .directories),
                OptionSpec("core", .path, default: .nil, help: "The Core package to build against (default: this checkout's).",
                           completion: .directories),
            ],
            examples: ["plugin new my-block --kind attention --out my-block"],
            run: { inv in
                let name = try inv.string("name")
                let core = inv.has("core") ? try inv.path("core") : PluginScaffold.checkoutCore
                let files = try PluginScaffold.write(name: name, kind: try inv.string("kind"), out: try inv.path("out"), core: core)
                return .list(files.map { .string($0) })
            }),
    ]

    /// Registers the built-in backbones and attention blocks (before any plugin, so a plugin cannot take their names).
    public static func registerBuiltIns() {
        BackboneRegistry.registerBuiltIns()
        BuiltInAttentionBlocks.register()
    }

    /// Loads a plugin after the built-ins are in place; refusals become `CommandError.failed` with the file and reason.
    @discardableResult
    public static func load(_ path: String, into registry: CommandRegistry) throws -> LoadedPlugin {
        registerBuiltIns()
        do { return try PluginHost.load(path, commands: registry) } catch let error as PluginError {
            throw CommandError.failed(error.description)
        }
    }

    private static func record(_ plugin: LoadedPlugin) -> Value {
        func strings(_ items: [String]) -> Value { .list(items.map { .string($0) }) }
        return .record(Record([
            ("name", .string(plugin.info.name)), ("version", .string(plugin.info.version)), ("file", .string(plugin.info.file)),
            ("backbones", strings(plugin.backbones)), ("attention", strings(plugin.attentionBlocks)),
            ("commands", strings(plugin.commands)),
        ]))
    }
}
