// A plugin whose registration throws after declaring a block: nothing of it may be registered.
import Plugins

struct MissingTable: Error, CustomStringConvertible {
    var description: String { "lookup table tables.bin not found" }
}

@_cdecl("rlr_plugin_init")
public func rlrPluginInit(_ hostAPIVersion: UInt32, _ registrar: UnsafeMutableRawPointer) -> Int32 {
    PluginRegistrar.initialize(hostAPIVersion, registrar, name: "throwing", version: "0.1.0") { r in
        r.attentionBlock("half-registered", AttentionBlockDefinition(summary: "unused") { _ in { a, x, r in a(query: x, key: r, value: r) } })
        throw MissingTable()
    }
}
