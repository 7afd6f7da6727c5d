// A plugin registering a name the host already has (the built-in block "lca") next to a new one.
import Plugins

@_cdecl("rlr_plugin_init")
public func rlrPluginInit(_ hostAPIVersion: UInt32, _ registrar: UnsafeMutableRawPointer) -> Int32 {
    PluginRegistrar.initialize(hostAPIVersion, registrar, name: "duplicate", version: "0.1.0") { r in
        r.attentionBlock("fresh-block", AttentionBlockDefinition(summary: "unused") { _ in { a, x, r in a(query: x, key: r, value: r) } })
        r.attentionBlock("lca", AttentionBlockDefinition(summary: "an impostor") { _ in { a, x, r in a(query: x, key: r, value: r) } })
    }
}
