import Backbones
import Commands
import Datasets
import Imaging
import MetricsLibrary
import ONNXExport
import Plots
import RLRModel
import Weights

/// The command libraries of rlr (the role of Lua's linit.c): one table of specs per noun.
///
/// To add a library: declare `public enum XCommands { public static let commands: [CommandSpec] }` in your
/// module (see the Commands module's documentation), add the module to the `Library` target's
/// dependencies in Package.swift, and append `("x", XCommands.commands)` here. Nothing else registers.
public enum Library {
    /// Every library, by name, in registration order.
    public static let all: [(name: String, commands: [CommandSpec])] = [
        ("tensor", TensorCommands.commands),
        ("weights", WeightsCommands.commands),
        ("backbone", BackboneCommands.commands),
        ("image", ImageCommands.commands),
        ("data", DataCommands.commands),
        ("metric", MetricCommands.commands),
        ("plot", PlotCommands.commands),
        ("model", ModelCommands.commands),
        ("system", SystemCommands.commands),
        ("attention", AttentionCommands.commands),
        ("plugin", PluginCommands.commands),
        ("export", ExportCommands.commands),
    ]

    /// A registry holding every library's commands plus `extra` (builtins of the language).
    public static func makeRegistry(extra: [(name: String, commands: [CommandSpec])] = []) throws -> CommandRegistry {
        let registry = CommandRegistry()
        for (name, commands) in extra + all { try registry.register(commands, library: name) }
        return registry
    }
}
