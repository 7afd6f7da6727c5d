import Commands
import Foundation
import Tensors

/// `image …` commands: read an image file as a tensor, write a tensor as an image file.
public enum ImageCommands {
    /// The `--normalization` option, shared with the `data` commands.
    public static let normalization = OptionSpec(
        "normalization", .choice(Normalization.allCases.map(\.rawValue)), default: .string(Normalization.unit.rawValue),
        help: "Pixel values: byte 0...255, unit 0...1, imagenet (mean/std), tf ((x - 127) / 128 on bytes).")

    public static let commands: [CommandSpec] = [
        CommandSpec(
            path: ["image", "load"], abstract: "Reads a PNG or JPEG file as an RGB tensor [3, H, W] (or a mask [1, H, W]).",
            discussion: "Resizing follows PIL's Image.resize (antialiased); masks are resized NEAREST and binarised (> 127).",
            arguments: [ArgumentSpec("file", .path, help: "The PNG or JPEG file.", completion: .files(["png", "jpg", "jpeg"]))],
            options: [
                OptionSpec("size", .int(0...), default: .int(0), help: "Resize to size x size pixels; 0 keeps the file's size."),
                OptionSpec("filter", .choice(ResampleFilter.allCases.map(\.rawValue)), default: .string("bilinear"),
                           help: "Resampling filter for images (masks always use nearest)."),
                normalization,
                OptionSpec("mask", .bool, default: .bool(false), help: "Read the first channel as a binary mask [1, H, W]."),
            ],
            examples: ["image load synthetic/washer/test/stain/000.png --size 224 --normalization tf",
                       "image load synthetic/washer/ground_truth/stain/000_mask.png --size 224 --mask"],
            run: { inv in
                let image = try Image(contentsOf: try inv.path("file"))
                let size = try inv.int("size")
                if try inv.bool("mask") {
                    let mask = image.firstChannel()
                    return .tensor(try (size > 0 ? mask.resized(width: size, height: size, filter: .nearest) : mask).maskTensor())
                }
                let filter = try inv.choice("filter", as: ResampleFilter.self)
                let resized = size > 0 ? try image.resized(width: size, height: size, filter: filter) : image
                return .tensor(resized.tensor(normalization: try inv.choice("normalization", as: Normalization.self)))
            }),
        CommandSpec(
            path: ["image", "save"], abstract: "Writes a tensor [3, H, W], [1, H, W] or [H, W] as a PNG or JPEG file, atomically.",
            discussion: "The format follows the extension (.png, .jpg, .jpeg); values are de-normalised, rounded and clamped to 0...255.",
            arguments: [ArgumentSpec("tensor", .tensor, help: "The image tensor."),
                        ArgumentSpec("file", .path, help: "The output file (.png, .jpg or .jpeg).", completion: .files(["png", "jpg", "jpeg"]))],
            options: [normalization,
                      OptionSpec("quality", .int(1...100), default: .int(90), help: "JPEG quality (ignored for PNG).")],
            examples: ["image save (image load synthetic/washer/train/good/000.png --size 128) washer-small.png"],
            run: { inv in
                let path = try inv.path("file")
                let image = try Image(tensor: try inv.tensor("tensor"),
                                      normalization: try inv.choice("normalization", as: Normalization.self))
                switch URL(fileURLWithPath: path).pathExtension.lowercased() {
                case "png": try image.writePNG(to: path)
                case "jpg", "jpeg":
                    do { try AtomicFile.write(try image.jpegData(quality: try inv.int("quality")), to: path) } catch let error as FileError {
                        throw ImageError.cannotEncode(path: path, reason: "\(error)")
                    }
                default: throw CommandError.badArgument(name: "file", reason: "\(path) does not end in .png, .jpg or .jpeg")
                }
                return .string(path)
            }),
    ]
}
