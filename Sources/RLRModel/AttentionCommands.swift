import Commands
import Plugins

/// `attention …` commands: the attention blocks `model train --blocks` accepts.
public enum AttentionCommands {
    public static let commands: [CommandSpec] = [
        CommandSpec(
            path: ["attention", "list"], abstract: "The registered attention blocks and where each came from (built in, or a plugin file).",
            discussion: "Use a block in `model train --blocks NAME:WEIGHT,...`; each layer sums the weighted blocks.",
            examples: ["attention list"],
            run: { _ in
                BuiltInAttentionBlocks.register()
                return .list(Registries.attentionBlocks.names.map { name in
                    .record(Record([("name", .string(name)),
                                    ("summary", .string(Registries.attentionBlocks.entry(name)?.summary ?? "")),
                                    ("source", .string(Registries.attentionBlocks.provenance(of: name)?.description ?? "built in"))]))
                })
            }),
    ]
}
