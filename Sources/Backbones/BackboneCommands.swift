import Commands
import Foundation
import Tensors

/// `backbone …` commands: listing backbones and their taps, and extracting feature maps to .npy files.
public enum BackboneCommands {
    static let name = OptionSpec("name", .string, default: .string("efficientnet-lite0"),
                                 help: "Registered backbone (see `backbone list`).")
    static let weights = OptionSpec("weights", .path, default: .nil,
                                    help: "Weights file (.pth, .pt, .whl, .safetensors); default: the downloaded ones.",
                                    completion: .files(["pth", "pt", "whl", "safetensors"]))

    public static let commands: [CommandSpec] = [
        CommandSpec(
            path: ["backbone", "list"], abstract: "The registered backbones and where each came from (built in, or a plugin file).",
            examples: ["backbone list"],
            run: { _ in
                .list(BackboneRegistry.names.map { name in
                    .record(Record([("name", .string(name)),
                                    ("source", .string(Registries.backbones.provenance(of: name)?.description ?? "built in"))]))
                })
            }),
        CommandSpec(
            path: ["backbone", "taps"], abstract: "The feature maps a backbone offers: name, channels, stride.",
            options: [name, weights],
            examples: ["backbone taps --name efficientnet-lite1"],
            run: { inv in
                let backbone = try make(inv)
                return .list(backbone.taps.map { tap in
                    .record(Record([("name", .string(tap.name)), ("channels", .int(tap.channels)), ("stride", .int(tap.stride))]))
                })
            }),
        CommandSpec(
            path: ["backbone", "run"], abstract: "Feature maps of images, written as DIR/<tap>.npy ([N, C, h, w] float32).",
            discussion: "The input is [N, 3, H, W] (or one image [3, H, W]) RGB; with --scaling unit its values are "
                + "in [0, 1] and the backbone applies its own normalisation, with --scaling normalized they are "
                + "already normalised ((255 x - 127) / 128 for EfficientNet-Lite). Only the blocks the taps need run.",
            options: [
                name, weights,
                OptionSpec("input", short: "i", .tensor, help: "Images [N, 3, H, W] or [3, H, W] (a .npy file from the shell)."),
                OptionSpec("out", short: "o", .path, help: "Folder for <tap>.npy (created if missing).", completion: .directories),
                OptionSpec("taps", .list(.string), default: .list([.string("s8"), .string("s16")]),
                           help: "Taps to write (see `backbone taps`)."),
                OptionSpec("scaling", .choice(["unit", "normalized"]), default: .string("unit"),
                           help: "unit: values in [0, 1]; normalized: already normalised for the backbone."),
            ],
            examples: ["backbone run --input images.npy --out features --taps s8,s16",
                       "backbone run --name efficientnet-lite2 --input image.npy --out f --taps s32wide --scaling normalized"],
            run: { inv in
                let backbone = try make(inv)
                var images = try inv.tensor("input")
                if images.rank == 3 { images = images.unsqueezed(0) }
                guard images.rank == 4, images.shape[1] == 3 else {
                    throw CommandError.badArgument(name: "--input", reason: "expected images [N, 3, H, W] or [3, H, W], got \(images.shape)")
                }
                let taps = try inv.list("taps").map { value -> String in
                    guard case .string(let tap) = value, backbone.taps.contains(where: { $0.name == tap }) else {
                        throw CommandError.badArgument(name: "--taps", reason: "\(value) is not a tap of \(backbone.name) (known: \(backbone.taps.map(\.name).joined(separator: ", ")))")
                    }
                    return tap
                }
                let scaling: ImageScaling = try inv.string("scaling") == "unit" ? .unitRange : .normalized
                let maps = try backbone.features(images, taps: taps, scaling: scaling)
                let folder = try inv.path("out")
                do {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                } catch {
                    throw CommandError.badArgument(name: "--out", reason: "cannot create folder \(folder)")
                }
                var written: [(String, Value)] = []
                for tap in taps {
                    let file = (folder as NSString).appendingPathComponent(tap + ".npy")
                    try NPY.write(maps[tap]!, to: file)
                    written.append((tap, .string(file)))
                }
                return .record(Record(written))
            }),
    ]

    /// The backbone named by `--name`, with `--weights` when given.
    private static func make(_ inv: Invocation) throws -> any Backbone {
        let name = try inv.string("name")
        guard BackboneRegistry.names.contains(name) else {
            throw CommandError.badArgument(name: "--name", reason: "unknown backbone \(name) (known: \(BackboneRegistry.names.joined(separator: ", ")))")
        }
        return try BackboneRegistry.make(name, weightsPath: inv.has("weights") ? try inv.path("weights") : nil)
    }
}
