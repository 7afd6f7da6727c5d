import Foundation

extension Dataset {
    /// The images directly inside `path` (for prediction): split test, label unknown, category = the folder's name.
    public static func folder(_ path: String) throws -> Dataset {
        guard ImageFolder.exists(path) else { throw DatasetError.missingFolder(path) }
        let category = URL(fileURLWithPath: path).lastPathComponent
        let samples = ImageFolder.imageNames(in: path).map {
            Sample(path: path + "/" + $0, category: category, split: .test, defect: "unknown", label: .unknown)
        }
        guard !samples.isEmpty else { throw DatasetError.empty(path) }
        return Dataset(root: path, layout: "folder", samples: samples)
    }

    /// Images sorted into `<root>/good` and `<root>/bad` folders: split test, image-level labels only.
    public static func goodBad(root: String) throws -> Dataset {
        guard ImageFolder.exists(root) else { throw DatasetError.missingFolder(root) }
        let category = URL(fileURLWithPath: root).lastPathComponent
        var samples = [Sample]()
        for (folder, label) in [("good", Label.normal), ("bad", Label.anomalous)] {
            samples += ImageFolder.imageNames(in: root + "/" + folder).map {
                Sample(path: "\(root)/\(folder)/\($0)", category: category, split: .test, defect: folder, label: label)
            }
        }
        guard !samples.isEmpty else { throw DatasetError.empty("\(root)/good and \(root)/bad") }
        return Dataset(root: root, layout: "good/bad", samples: samples)
    }
}
