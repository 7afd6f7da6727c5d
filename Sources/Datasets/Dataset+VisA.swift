import Foundation

extension Dataset {
    /// Reads VisA through its split file `<root>/split_csv/1cls.csv` (columns object, split, label, image, mask).
    ///
    /// Paths in the file are relative to `root`. Labels are "normal" or "anomaly"; VisA names no defect types,
    /// so anomalous samples get the defect type "anomaly" and normal ones "good". VisA masks store class indices,
    /// so any non-zero mask pixel is anomalous. Listed images missing on disk are skipped and reported once.
    public static func visa(root: String, categories requested: [String]? = nil,
                            splitFile: String = "split_csv/1cls.csv") throws -> Dataset {
        guard ImageFolder.exists(root) else { throw DatasetError.missingFolder(root) }
        let csvPath = root + "/" + splitFile
        let text: String
        do { text = try String(contentsOfFile: csvPath, encoding: .utf8) } catch {
            throw DatasetError.malformedSplitFile(path: csvPath, line: 0, reason: "cannot read the VisA split file")
        }
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) else {
            throw DatasetError.malformedSplitFile(path: csvPath, line: 1, reason: "empty file")
        }
        var column = [String: Int]()
        for name in ["object", "split", "label", "image", "mask"] {
            guard let index = header.firstIndex(of: name) else {
                throw DatasetError.malformedSplitFile(path: csvPath, line: 1, reason: "header lacks column '\(name)' (has \(header.joined(separator: ",")))")
            }
            column[name] = index
        }
        var rows = [(line: Int, fields: [String])]()
        for (offset, line) in lines.enumerated().dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= header.count else {
                throw DatasetError.malformedSplitFile(path: csvPath, line: offset + 1, reason: "\(fields.count) fields, expected \(header.count)")
            }
            rows.append((offset + 1, fields))
        }
        let available = Array(Set(rows.map { $0.fields[column["object"]!] })).sorted()
        guard !available.isEmpty else { throw DatasetError.empty(csvPath) }
        let chosen = Set(try choose(requested, from: available, root: root))
        var samples = [Sample]()
        var missingImages = [String](), missingMasks = [String]()
        for (line, fields) in rows where chosen.contains(fields[column["object"]!]) {
            let field = { (name: String) in fields[column[name]!] }
            guard let split = Split(rawValue: field("split")) else {
                throw DatasetError.malformedSplitFile(path: csvPath, line: line, reason: "split '\(field("split"))' is not train or test")
            }
            let label: Label
            switch field("label") {
            case "normal": label = .normal
            case "anomaly": label = .anomalous
            default: throw DatasetError.malformedSplitFile(path: csvPath, line: line, reason: "label '\(field("label"))' is not normal or anomaly")
            }
            let path = root + "/" + field("image")
            guard FileManager.default.fileExists(atPath: path) else { missingImages.append(field("image")); continue }
            var maskPath: String? = nil
            if label == .anomalous {
                let candidate = root + "/" + field("mask")
                if !field("mask").isEmpty && FileManager.default.fileExists(atPath: candidate) {
                    maskPath = candidate
                } else {
                    missingMasks.append(field("image"))
                }
            }
            samples.append(Sample(path: path, category: field("object"), split: split,
                                  defect: label == .normal ? "good" : "anomaly", label: label, maskPath: maskPath))
        }
        var warnings = [String]()
        if !missingImages.isEmpty {
            warnings.append("\(missingImages.count) images listed in \(csvPath) are missing and were skipped (first: \(missingImages[0]))")
        }
        if !missingMasks.isEmpty {
            warnings.append("\(missingMasks.count) anomalous images have no mask (first: \(missingMasks[0])); they count for image-level metrics only")
        }
        return Dataset(root: root, layout: "VisA", samples: samples, warnings: warnings, maskThreshold: 0)
    }
}
