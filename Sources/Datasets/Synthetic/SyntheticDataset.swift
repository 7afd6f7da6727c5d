import Dispatch
import Foundation
import Imaging
import Kernels

/// A small MVTec-layout dataset drawn from a seed: the project's built-in data (no downloads).
///
/// Categories: "granite" (speckled stone) and "weave" (woven fabric) are textures; "washer" is an object
/// (a metal ring seen from above, fixed pose). Test images carry painted defects (scratches, holes,
/// stains, missing parts) with exact masks: a mask pixel is set where the defect covers at least half
/// of the pixel. The same seed gives the same files on every machine.
public enum SyntheticDataset {
    /// The categories that can be generated, sorted.
    public static let categoryNames = ["granite", "washer", "weave"]

    /// The defect types of `category` (test folder names).
    public static func defectNames(of category: String) -> [String] {
        defects(of: category).map(\.rawValue)
    }

    static func defects(of category: String) -> [SyntheticDefect] {
        switch category {
        case "washer": return [.missing, .scratch, .stain]
        default: return [.hole, .scratch, .stain]
        }
    }

    /// Writes `<root>/<category>/{train/good, test/good, test/<defect>, ground_truth/<defect>}` as PNG files.
    ///
    /// - Parameters:
    ///   - categories: a subset of `categoryNames` (nil: all); each category's images do not depend on the others chosen.
    ///   - trainPerCategory: normal training images per category.
    ///   - testGoodPerCategory: normal test images per category.
    ///   - testPerDefect: anomalous test images per defect type.
    ///   - size: image side in pixels (images are square).
    /// - Throws: `DatasetError.badArgument` for invalid counts or categories, `ImageError` when a file cannot be written.
    public static func write(to root: String, seed: UInt64 = 0, categories: [String]? = nil, trainPerCategory: Int = 24,
                             testGoodPerCategory: Int = 8, testPerDefect: Int = 4, size: Int = 256) throws {
        let chosen = categories ?? categoryNames
        let unknown = chosen.filter { !categoryNames.contains($0) }
        guard !chosen.isEmpty, unknown.isEmpty else {
            throw DatasetError.badArgument(name: "categories", reason: "\(unknown.isEmpty ? "none chosen" : "unknown \(unknown.joined(separator: ", "))"); available: \(categoryNames.joined(separator: ", "))")
        }
        for (name, value, minimum) in [("train count", trainPerCategory, 1), ("test good count", testGoodPerCategory, 0),
                                       ("test count per defect", testPerDefect, 0), ("size", size, 16)] where value < minimum {
            throw DatasetError.badArgument(name: name, reason: "\(value) is below \(minimum)")
        }
        var jobs = [Job]()
        for category in Set(chosen).sorted() {
            jobs += (0..<trainPerCategory).map { Job(category: category, split: "train", defect: nil, index: $0) }
            jobs += (0..<testGoodPerCategory).map { Job(category: category, split: "test", defect: nil, index: $0) }
            for defect in defects(of: category) {
                jobs += (0..<testPerDefect).map { Job(category: category, split: "test", defect: defect, index: $0) }
            }
        }
        for folder in Set(jobs.flatMap(\.folders)) {
            do { try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true) } catch {
                throw ImageError.cannotEncode(path: root + "/" + folder, reason: "cannot create the folder: \(error.localizedDescription)")
            }
        }
        let failures = IndexedLog<Error>()
        let work = jobs
        DispatchQueue.concurrentPerform(iterations: work.count) { i in
            do { try work[i].run(root: root, seed: seed, size: size) } catch { failures.record(i, error) }
        }
        if let first = failures.values().first { throw first }
    }

    /// One image (and its mask, for a defect) to draw and write.
    private struct Job: Sendable {
        let category: String
        let split: String
        let defect: SyntheticDefect?
        let index: Int

        var folder: String { "\(category)/\(split)/\(defect?.rawValue ?? "good")" }
        var maskFolder: String? { defect.map { "\(category)/ground_truth/\($0.rawValue)" } }
        var folders: [String] { [folder] + (maskFolder.map { [$0] } ?? []) }
        var name: String { String(format: "%03d", index) }

        func run(root: String, seed: UInt64, size: Int) throws {
            var generator = RandomGenerator(seed: fnv1a("\(seed)/\(folder)/\(index)"))
            let scene: SyntheticScene
            switch category {
            case "washer": scene = WasherScene(size: size, generator: &generator)
            case "weave": scene = WeaveScene(size: size, generator: &generator)
            default: scene = GraniteScene(size: size, generator: &generator)
            }
            var canvas = scene.render(size: size)
            if let defect, let maskFolder {
                let mask = defect.paint(on: &canvas, scene: scene, generator: &generator)
                let maskImage = try Image(width: size, height: size, channels: 1, pixels: mask.map { $0 ? 255 : 0 })
                try maskImage.writePNG(to: "\(root)/\(maskFolder)/\(name)_mask.png", fast: true)
            }
            try canvas.image().writePNG(to: "\(root)/\(folder)/\(name).png", fast: true)
        }
    }
}

/// FNV-1a hash of a string's UTF-8 bytes (stable across runs and machines, unlike `Hasher`).
private func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    return hash
}
