import Commands
import NN
import Plugins
import Tensors

/// The entry point rlr looks up (C ABI): checks the plugin API version, then registers the block and the command.
@_cdecl("rlr_plugin_init")
public func rlrPluginInit(_ hostAPIVersion: UInt32, _ registrar: UnsafeMutableRawPointer) -> Int32 {
    PluginRegistrar.initialize(hostAPIVersion, registrar, name: "dilated-attention", version: "1.0.0") { r in
        r.attentionBlock("dlca", AttentionBlockDefinition(
            summary: "dilated local cross attention: Q = X, K = V = R over k x k tokens spaced \(DilatedWindow.dilation) apart (same cost as lca, wider field)"
        ) { geometry in
            let table = DilatedWindow.table(side: geometry.side, size: geometry.size, dilation: DilatedWindow.dilation)
            return { attention, queries, reference in attention(query: queries, key: reference, value: reference, neighbors: table) }
        })
        r.commands("dilated", [
            CommandSpec(
                path: ["dilated", "window"], abstract: "The tokens a dilated window covers around one token of a side x side grid.",
                discussion: "Tokens are row-major; positions outside the grid are left out. Dilation 1 is lca's window.",
                options: [
                    OptionSpec("side", .int(1...), help: "Token grid side."),
                    OptionSpec("size", .int(1...), default: .int(5), help: "Window size k (odd)."),
                    OptionSpec("dilation", .int(1...), default: .int(DilatedWindow.dilation), help: "Spacing of the window's taps."),
                    OptionSpec("token", .int(0...), default: .int(0), help: "The centre token (row-major index)."),
                ],
                examples: ["dilated window --side 8 --size 3 --token 27"],
                run: { inv in
                    let side = try inv.int("side"), size = try inv.int("size"), token = try inv.int("token")
                    guard size % 2 == 1 else { throw CommandError.badArgument(name: "--size", reason: "window size \(size) must be odd") }
                    guard token < side * side else {
                        throw CommandError.badArgument(name: "--token", reason: "token \(token) is outside a \(side)x\(side) grid")
                    }
                    let table = DilatedWindow.table(side: side, size: size, dilation: try inv.int("dilation"))
                    return .list(table.neighbors(of: token).map { .int($0) })
                }),
        ])
    }
}

/// The dilated k x k window: taps at offsets (dy d, dx d) for dy, dx in -k/2...k/2.
public enum DilatedWindow {
    /// The dilation of the `dlca` block.
    public static let dilation = 2

    /// Neighbour table of every token of a side x side grid (-1 where a tap falls outside).
    public static func table(side: Int, size k: Int, dilation d: Int) -> NeighborTable {
        let r = k / 2
        var indices: [Int32] = []
        indices.reserveCapacity(side * side * k * k)
        for y in 0..<side {
            for x in 0..<side {
                for dy in -r...r {
                    for dx in -r...r {
                        let (yy, xx) = (y + dy * d, x + dx * d)
                        indices.append(yy >= 0 && yy < side && xx >= 0 && xx < side ? Int32(yy * side + xx) : -1)
                    }
                }
            }
        }
        return NeighborTable(queries: side * side, width: k * k, indices: indices)
    }
}
