import Foundation
import Imaging
import XCTest
import Datasets

final class LayoutTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws { folder = try makeTemporaryFolder("layouts") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    private func writeImage(_ path: String, size: Int = 16, value: UInt8 = 100, channels: Int = 3, jpeg: Bool = false) throws {
        let image = try Image(width: size, height: size, channels: channels, value: value)
        try writeFile(jpeg ? image.jpegData() : image.pngData(), to: path)
    }

    /// A hand-made MVTec layout: order, labels, masks, the missing-mask warning and every kind of problem.
    func testMVTecLayoutAndInfoProblems() throws {
        let root = folder + "/mvtec"
        try writeImage("\(root)/nut/train/good/b.png")
        try writeImage("\(root)/nut/train/good/a.png")
        try writeFile(Data("not a png".utf8), to: "\(root)/nut/train/good/c.png")   // unreadable
        try writeImage("\(root)/nut/test/good/0.png")
        try writeImage("\(root)/nut/test/crack/0.png")
        try writeImage("\(root)/nut/test/crack/1.png")
        try writeImage("\(root)/nut/test/crack/2.png")
        try writeImage("\(root)/nut/ground_truth/crack/0_mask.png", value: 255, channels: 1)
        try writeImage("\(root)/nut/ground_truth/crack/1_mask.png", size: 8, value: 255, channels: 1)  // size mismatch
        try writeImage("\(root)/nut/ground_truth/crack/9_mask.png", value: 255, channels: 1)           // no image
        try writeImage("\(root)/nut/ground_truth/hole/0_mask.png", value: 0, channels: 1)              // no images at all
        try writeImage("\(root)/bolt/train/good/0.jpg", jpeg: true)
        try writeFile(Data("notes".utf8), to: "\(root)/bolt/train/good/readme.txt")                   // not an image: ignored
        try FileManager.default.createDirectory(atPath: "\(root)/not-a-category", withIntermediateDirectories: true)

        let dataset = try Dataset.mvtec(root: root)
        XCTAssertEqual(dataset.categories, ["bolt", "nut"])
        XCTAssertEqual(dataset.samples.map { "\($0.category)/\($0.split)/\($0.defect)/\($0.fileName)" }, [
            "bolt/train/good/0.jpg", "nut/train/good/a.png", "nut/train/good/b.png", "nut/train/good/c.png",
            "nut/test/crack/0.png", "nut/test/crack/1.png", "nut/test/crack/2.png", "nut/test/good/0.png",
        ])
        XCTAssertEqual(dataset.samples.map(\.label.rawValue), ["normal", "normal", "normal", "normal",
                                                               "anomalous", "anomalous", "anomalous", "normal"])
        XCTAssertEqual(dataset.samples[4].maskPath, "\(root)/nut/ground_truth/crack/0_mask.png")
        XCTAssertNil(dataset.samples[6].maskPath)
        XCTAssertEqual(dataset.warnings.count, 1)
        XCTAssertTrue(dataset.warnings[0].contains("nut/test/crack: 1 of 3") && dataset.warnings[0].contains("2.png"), dataset.warnings[0])

        let info = DatasetInfo.inspect(dataset)
        XCTAssertEqual(info.totals(), DatasetInfo.Totals(trainGood: 4, testGood: 1, testAnomalous: 3, masks: 2))
        XCTAssertEqual(info.totals(category: "bolt").trainGood, 1)
        let problems = info.problems.joined(separator: "\n")
        XCTAssertTrue(problems.contains("nut/ground_truth/crack: 1 masks without a test image (first: 9_mask.png)"), problems)
        XCTAssertTrue(problems.contains("nut/ground_truth/hole: 1 masks without a test image"), problems)
        XCTAssertTrue(problems.contains("\(root)/nut/train/good/c.png"), problems)
        XCTAssertTrue(problems.contains("1_mask.png: mask is 8x8 but its image is 16x16"), problems)
        XCTAssertEqual(info.problems.count, 4, problems)
        XCTAssertTrue(info.report.contains("total (2 categories): train good 4, test good 1, test anomalous 3, masks 2"), info.report)

        XCTAssertEqual(try Dataset.mvtec(root: root, categories: ["nut"]).categories, ["nut"])
        XCTAssertThrowsError(try Dataset.mvtec(root: root, categories: ["screw"])) {
            XCTAssertTrue("\($0)".contains("screw") && "\($0)".contains("bolt, nut"), "\($0)")
        }
        XCTAssertThrowsError(try Dataset.mvtec(root: folder + "/none")) { XCTAssertTrue("\($0)".contains(self.folder + "/none")) }
        XCTAssertThrowsError(try Dataset.mvtec(root: "\(root)/nut/train")) { XCTAssertTrue("\($0)".contains("no MVTec AD categories")) }
    }

    /// A folder of MVTec-layout datasets reads as one dataset; shared category names get their dataset's name.
    func testCollectionOfDatasets() throws {
        let root = folder + "/collection"
        for (dataset, category) in [("mvtec", "nut"), ("mvtec", "plate"), ("kolektor", "kos"), ("mpdd", "plate")] {
            try writeImage("\(root)/\(dataset)/\(category)/train/good/0.png")
            try writeImage("\(root)/\(dataset)/\(category)/test/good/0.png")
        }
        try writeFile(Data("notes".utf8), to: "\(root)/MANIFEST.tsv")
        let dataset = try Dataset.mvtec(root: root)
        XCTAssertEqual(dataset.categories, ["kos", "mpdd/plate", "mvtec/plate", "nut"])
        XCTAssertEqual(dataset.samples.first { $0.category == "mpdd/plate" && $0.split == .test }?.path, "\(root)/mpdd/plate/test/good/0.png")
        XCTAssertEqual(try Dataset.mvtec(root: root, categories: ["nut", "kos"]).trainingSet.count, 2)
        XCTAssertThrowsError(try Dataset.mvtec(root: root, categories: ["plate"])) {
            XCTAssertTrue("\($0)".contains("mpdd/plate, mvtec/plate"), "\($0)")
        }
    }

    func testUnifiedTrainingSetKeepsCategories() throws {
        let root = folder + "/mvtec"
        for category in ["a", "b", "c"] {
            for i in 0..<2 { try writeImage("\(root)/\(category)/train/good/\(i).png") }
            try writeImage("\(root)/\(category)/test/good/0.png")
        }
        let training = try Dataset.mvtec(root: root, categories: ["c", "a"]).trainingSet
        XCTAssertEqual(training.categories, ["a", "c"])
        XCTAssertEqual(training.count, 4)
        XCTAssertEqual(training.categoryIndices, [0, 0, 1, 1])
        XCTAssertTrue(training.samples.allSatisfy { $0.split == .train && $0.label == .normal })
    }

    func testHoldOutIsPerCategoryDisjointAndSeeded() throws {
        let root = folder + "/mvtec"
        for (category, count) in [("a", 10), ("b", 3), ("c", 1)] {
            for i in 0..<count { try writeImage("\(root)/\(category)/train/good/\(i).png") }
        }
        let dataset = try Dataset.mvtec(root: root)
        let (training, validation) = try dataset.holdingOut(fraction: 0.2, seed: 4)
        XCTAssertEqual(validation.samples.map(\.category), ["a", "a", "b"])
        XCTAssertEqual(training.count, 11)
        XCTAssertEqual(Set(training.samples.map(\.path)).union(validation.samples.map(\.path)), Set(dataset.samples.map(\.path)))
        XCTAssertTrue(Set(training.samples.map(\.path)).isDisjoint(with: validation.samples.map(\.path)))
        XCTAssertEqual(try dataset.holdingOut(fraction: 0.2, seed: 4).validation.samples, validation.samples)
        XCTAssertNotEqual(try dataset.holdingOut(fraction: 0.2, seed: 5).validation.samples.map(\.path),
                          validation.samples.map(\.path))
        XCTAssertThrowsError(try dataset.holdingOut(fraction: 1, seed: 0))
    }

    /// VisA's split file: columns found by name, JPEG images, class-index masks (any non-zero pixel is anomalous).
    func testVisALayout() throws {
        let root = folder + "/visa"
        try writeImage("\(root)/candle/Data/Images/Normal/0000.JPG", jpeg: true)
        try writeImage("\(root)/candle/Data/Images/Normal/0001.JPG", jpeg: true)
        try writeImage("\(root)/candle/Data/Images/Anomaly/000.JPG", jpeg: true)
        try writeImage("\(root)/candle/Data/Images/Anomaly/001.JPG", jpeg: true)
        try writeImage("\(root)/candle/Data/Masks/Anomaly/000.png", value: 3, channels: 1)
        try writeImage("\(root)/pcb1/Data/Images/Normal/0000.JPG", jpeg: true)
        let csv = """
        object,split,label,image,mask
        candle,train,normal,candle/Data/Images/Normal/0000.JPG,
        candle,test,normal,candle/Data/Images/Normal/0001.JPG,
        candle,test,anomaly,candle/Data/Images/Anomaly/000.JPG,candle/Data/Masks/Anomaly/000.png
        candle,test,anomaly,candle/Data/Images/Anomaly/001.JPG,candle/Data/Masks/Anomaly/001.png
        candle,test,anomaly,candle/Data/Images/Anomaly/404.JPG,candle/Data/Masks/Anomaly/404.png
        pcb1,train,normal,pcb1/Data/Images/Normal/0000.JPG,

        """
        try writeFile(Data(csv.replacingOccurrences(of: "\n", with: "\r\n").utf8), to: "\(root)/split_csv/1cls.csv")
        let dataset = try Dataset.visa(root: root)
        XCTAssertEqual(dataset.categories, ["candle", "pcb1"])
        XCTAssertEqual(dataset.count, 5)
        XCTAssertEqual(dataset.warnings.count, 2, "\(dataset.warnings)")
        let candleTest = try Dataset.visa(root: root, categories: ["candle"]).subset(split: .test)
        XCTAssertEqual(candleTest.samples.map(\.defect), ["anomaly", "anomaly", "good"])
        let batch = try candleTest.load(size: 8)
        XCTAssertEqual(batch.images.shape, [3, 3, 8, 8])
        XCTAssertEqual(batch.masks.toArray().reduce(0, +), 64, "the class-index mask (value 3) is all anomalous")

        try writeFile(Data("object,split,image\ncandle,train,x.JPG\n".utf8), to: "\(root)/split_csv/1cls.csv")
        XCTAssertThrowsError(try Dataset.visa(root: root)) { XCTAssertTrue("\($0)".contains("1cls.csv:1: header lacks column 'label'"), "\($0)") }
        try writeFile(Data("object,split,label,image,mask\ncandle,val,normal,x.JPG,\n".utf8), to: "\(root)/split_csv/1cls.csv")
        XCTAssertThrowsError(try Dataset.visa(root: root)) { XCTAssertTrue("\($0)".contains("1cls.csv:2: split 'val'"), "\($0)") }
    }

    func testPlainFolderAndGoodBadLayouts() throws {
        try writeImage("\(folder)/parts/z.png")
        try writeImage("\(folder)/parts/a.jpg", jpeg: true)
        try writeFile(Data("x".utf8), to: "\(folder)/parts/.hidden.png")
        let plain = try Dataset.folder(folder + "/parts")
        XCTAssertEqual(plain.samples.map(\.fileName), ["a.jpg", "z.png"])
        XCTAssertTrue(plain.samples.allSatisfy { $0.label == .unknown && $0.category == "parts" })

        try writeImage("\(folder)/sorted/good/1.png")
        try writeImage("\(folder)/sorted/bad/1.png")
        try writeImage("\(folder)/sorted/bad/2.png")
        let sorted = try Dataset.goodBad(root: folder + "/sorted")
        XCTAssertEqual(sorted.samples.map { "\($0.defect)/\($0.fileName)/\($0.label)" }, ["bad/1.png/anomalous", "bad/2.png/anomalous", "good/1.png/normal"])

        try FileManager.default.createDirectory(atPath: folder + "/empty", withIntermediateDirectories: true)
        XCTAssertThrowsError(try Dataset.folder(folder + "/empty")) { XCTAssertTrue("\($0)".contains("/empty contains no images"), "\($0)") }
        XCTAssertThrowsError(try Dataset.goodBad(root: folder + "/empty"))
    }
}
