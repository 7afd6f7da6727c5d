import Foundation

extension Dataset {
    /// Reads the MVTec AD layout `<root>/<category>/{train/good, test/<defect>, ground_truth/<defect>/<name>_mask.png}`.
    ///
    /// Test images in `test/good` are normal (all-zero masks); other `test/<defect>` folders are anomalous.
    /// An anomalous image without a mask is kept with image-level ground truth only, and reported once per
    /// defect folder in `warnings`. `categories` nil or empty means all.
    public static func mvtec(root: String, categories requested: [String]? = nil) throws -> Dataset {
        guard ImageFolder.exists(root) else { throw DatasetError.missingFolder(root) }
        let available = mvtecCategories(root: root)
        guard !available.isEmpty else { throw DatasetError.noCategories(root: root, layout: "MVTec AD") }
        var samples = [Sample]()
        var warnings = [String]()
        for category in try choose(requested, from: available, root: root) {
            let folder = root + "/" + category
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

    /// Subfolders of `root` that hold `train` or `test`, sorted.
    static func mvtecCategories(root: String) -> [String] {
        ImageFolder.subfolders(of: root).filter {
            ImageFolder.exists("\(root)/\($0)/train") || ImageFolder.exists("\(root)/\($0)/test")
        }
    }

    /// `<name>_mask.png` (MVTec's naming) or `<name>.png` in `folder`, when present.
    static func mvtecMaskPath(folder: String, imageName: String) -> String? {
        let stem = ImageFolder.stem(imageName)
        return [stem + "_mask.png", stem + ".png"].map { folder + "/" + $0 }.first {
            FileManager.default.fileExists(atPath: $0)
        }
    }
}
