import Commands
import Foundation
import Library
import Plugins

/// Plugins loaded when rlr starts: `--plugin PATH` (repeatable, before everything else), then every
/// library in `$RLR_PLUGIN_PATH` and `${XDG_CONFIG_HOME:-~/.config}/rlr/plugins/`.
enum PluginStartup {
    /// Splits the leading `--plugin PATH` / `--plugin=PATH` words off the arguments.
    static func split(_ arguments: [String]) -> (plugins: [String], rest: [String]) {
        var plugins: [String] = []
        var rest = arguments[...]
        while let first = rest.first {
            if first == "--plugin", rest.count >= 2 {
                plugins.append(rest[rest.startIndex + 1])
                rest = rest.dropFirst(2)
            } else if first.hasPrefix("--plugin=") {
                plugins.append(String(first.dropFirst("--plugin=".count)))
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        return (plugins, Array(rest))
    }

    /// Loads the plugins; a refusal is printed (file and reason) and the others still load.
    static func load(_ explicit: [String], into registry: CommandRegistry) {
        for path in explicit + PluginHost.startupPaths() {
            do { try PluginCommands.load(path, into: registry) } catch { App.printError("rlr: \(error)") }
        }
    }
}
