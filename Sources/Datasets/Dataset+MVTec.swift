import Foundation

extension Dataset {
    /// Reads the MVTec AD layout `<root>/<category>/{train/good, test/<defect>, ground_truth/<defect>/<name>_mask.png}`.
    ///
    /// Test images in `test/good` are normal (all-zero masks); other `test/<defect>` folders are anomalous.
    /// An anomalous image without a mask is kept with image-level ground truth only, and reported once per
    /// defect folder in `warnings`. `categories` nil or empty means all.
    ///
    /// `root` may also be a collection of such datasets (`<root>/<dataset>/<category>/...`, like
    /// `../shared/data`): then the categories of all of them are read together, named by their folder,
    /// or `<dataset>/<category>` where two datasets share a category name.
    public static func mvtec(root: String, categories requested: [String]? = nil) throws -> Dataset {
        guard ImageFolder.exists(root) else { throw DatasetError.missingFolder(root) }
        let folders = mvtecCategoryFolders(root: root)
        guard !folders.isEmpty else { throw DatasetError.noCategories(root: root, layout: "MVTec AD") }
        var samples = [Sample]()
        var warnings = [String]()
        for category in try choose(requested, from: Array(folders.keys).sorted(), root: root) {
            let folder = folders[category]!
            for defect in ImageFolder.subfolders(of: folder + "/train") {
                let label: Label = defect == "good" ? .normal : .anomalous
                for name in ImageFolder.imageNames(in: folder + "/train/" + defect) {
                    samples.append(Sample(path: "\(folder)/train/\(defect)/\(name)", category: category, split: .train,
                                          defect: defect, label: label))
                }
            }
            for defect in ImageFolder.subfolders(of: folder + "/test") {
                let names = ImageFolder.imageNames(in: folder + "/test/" + defect)
                if defect == "good" {
                    samples += names.map {
                        Sample(path: "\(folder)/test/good/\($0)", category: category, split: .test, defect: defect, label: .normal)
                    }
                    continue
                }
                var missing = [String]()
                for name in names {
                    let mask = mvtecMaskPath(folder: "\(folder)/ground_truth/\(defect)", imageName: name)
                    if mask == nil { missing.append(name) }
                    samples.append(Sample(path: "\(folder)/test/\(defect)/\(name)", category: category, split: .test,
                                          defect: defect, label: .anomalous, maskPath: mask))
                }
                if !missing.isEmpty {
                    warnings.append("\(category)/test/\(defect): \(missing.count) of \(names.count) anomalous images have no mask "
                        + "in ground_truth/\(defect) (first: \(missing[0])); they count for image-level metrics only")
                }
            }
        }
        return Dataset(root: root, layout: "MVTec AD", samples: samples, warnings: warnings)
    }

    /// The category folders under `root` by category name: its subfolders that hold `train` or `test`,
    /// or, when there are none, those of each of its subfolders (a collection of datasets).
    static func mvtecCategoryFolders(root: String) -> [String: String] {
        func categories(_ folder: String) -> [String] {
            ImageFolder.subfolders(of: folder).filter {
                ImageFolder.exists("\(folder)/\($0)/train") || ImageFolder.exists("\(folder)/\($0)/test")
            }
        }
        let direct = categories(root)
        if !direct.isEmpty { return Dictionary(uniqueKeysWithValues: direct.map { ($0, root + "/" + $0) }) }
        let nested = ImageFolder.subfolders(of: root).flatMap { dataset in categories(root + "/" + dataset).map { (dataset, $0) } }
        let shared = Dictionary(grouping: nested.map(\.1), by: { $0 }).filter { $0.value.count > 1 }
        return Dictionary(uniqueKeysWithValues: nested.map { dataset, category in
            (shared[category] == nil ? category : dataset + "/" + category, "\(root)/\(dataset)/\(category)")
        })
    }

    /// `<name>_mask.png` (MVTec's naming) or `<name>.png` in `folder`, when present.
    static func mvtecMaskPath(folder: String, imageName: String) -> String? {
        let stem = ImageFolder.stem(imageName)
        return [stem + "_mask.png", stem + ".png"].map { folder + "/" + $0 }.first {
            FileManager.default.fileExists(atPath: $0)
        }
    }
}
