// A plugin built against a plugin API version this rlr does not have.
import Plugins

@_cdecl("rlr_plugin_init")
public func rlrPluginInit(_ hostAPIVersion: UInt32, _ registrar: UnsafeMutableRawPointer) -> Int32 {
    PluginRegistrar.initialize(hostAPIVersion, registrar, name: "wrong-version", version: "1.0.0",
                               builtAgainst: PluginAPI.builtVersion + 41) { r in
        r.attentionBlock("never-registered", AttentionBlockDefinition(summary: "unused") { _ in { a, x, r in a(query: x, key: r, value: r) } })
    }
}
