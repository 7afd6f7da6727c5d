import Commands

/// The plugin API version. A plugin runs only in a host with the version it was built against;
/// it changes whenever a contract in RLRCore changes.
public enum PluginAPI {
    /// The version of this RLRCore (the host's, at run time).
    public static let version: UInt32 = 1

    /// The version a plugin was compiled against: emitted into the plugin itself, so a plugin built
    /// against another RLRCore reports that one's number.
    @_alwaysEmitIntoClient
    public static var builtVersion: UInt32 { 1 }

    /// The C symbol every plugin exports.
    public static let entryPointName = "rlr_plugin_init"
}

/// The C entry point `rlr_plugin_init(hostAPIVersion, registrar)`: returns 0 when it registered,
/// its own API version (> 0) when it refuses the host's, and -1 when registration threw (the reason
/// is left in the registrar). Write it with `PluginRegistrar.initialize`.
public typealias PluginEntryPoint = @convention(c) (_ hostAPIVersion: UInt32, _ registrar: UnsafeMutableRawPointer) -> Int32

/// What a plugin's entry point registers; nothing takes effect until the entry point returns 0 and
/// the host has checked every name (all or nothing).
public final class PluginRegistrar {
    public private(set) var name = ""
    public private(set) var version = ""
    var backbones: [(String, BackboneFactory)] = []
    var blocks: [(String, AttentionBlockDefinition)] = []
    var commandLibraries: [(String, [CommandSpec])] = []
    var failure: String?

    init() {}

    /// The body of `rlr_plugin_init`: checks the API version, then lets `register` declare the
    /// plugin's name, version and contributions.
    ///
    /// ```swift
    /// @_cdecl("rlr_plugin_init")
    /// public func rlrPluginInit(_ host: UInt32, _ registrar: UnsafeMutableRawPointer) -> Int32 {
    ///     PluginRegistrar.initialize(host, registrar, name: "mine", version: "1.0.0") { r in
    ///         r.attentionBlock("my-block", AttentionBlockDefinition(summary: "...") { geometry in ... })
    ///     }
    /// }
    /// ```
    public static func initialize(_ hostAPIVersion: UInt32, _ pointer: UnsafeMutableRawPointer,
                                  name: String, version: String, builtAgainst: UInt32 = PluginAPI.builtVersion,
                                  _ register: (PluginRegistrar) throws -> Void) -> Int32 {
        guard hostAPIVersion == builtAgainst else { return Int32(builtAgainst) }
        let registrar = Unmanaged<PluginRegistrar>.fromOpaque(pointer).takeUnretainedValue()
        registrar.name = name
        registrar.version = version
        do {
            try register(registrar)
            return 0
        } catch {
            registrar.failure = String(describing: error)
            return -1
        }
    }

    /// Registers a backbone (used by `model train --backbone NAME`).
    public func backbone(_ name: String, _ factory: @escaping BackboneFactory) {
        backbones.append((name, factory))
    }

    /// Registers an attention block (used by `model train --blocks NAME:WEIGHT,...`).
    public func attentionBlock(_ name: String, _ definition: AttentionBlockDefinition) {
        blocks.append((name, definition))
    }

    /// Registers a command library (a noun and its verbs), declared like the built-in ones.
    public func commands(_ library: String, _ specs: [CommandSpec]) {
        commandLibraries.append((library, specs))
    }
}
