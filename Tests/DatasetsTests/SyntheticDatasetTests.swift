import Foundation
import Imaging
import XCTest
import Datasets

final class SyntheticDatasetTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws { folder = try makeTemporaryFolder("synthetic") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    /// The default dataset is written quickly and loads through the MVTec loader with every mask present.
    func testDefaultDatasetLoadsAsMVTec() throws {
        let start = Date()
        try SyntheticDataset.write(to: folder, seed: 1)
        let seconds = Date().timeIntervalSince(start)
        print("synthetic dataset (default options) written in \(String(format: "%.2f", seconds)) s")
        XCTAssertLessThan(seconds, 10)

        let dataset = try Dataset.mvtec(root: folder)
        XCTAssertEqual(dataset.categories, SyntheticDataset.categoryNames)
        XCTAssertEqual(dataset.warnings, [])
        let info = DatasetInfo.inspect(dataset)
        XCTAssertEqual(info.problems, [])
        for category in SyntheticDataset.categoryNames {
            let totals = info.totals(category: category)
            XCTAssertEqual(totals.trainGood, 24)
            XCTAssertEqual(totals.testGood, 8)
            XCTAssertEqual(totals.testAnomalous, 4 * SyntheticDataset.defectNames(of: category).count)
            XCTAssertEqual(totals.masks, totals.testAnomalous)
        }
        XCTAssertTrue(SyntheticDataset.defectNames(of: "washer").contains("missing"))
        XCTAssertTrue(SyntheticDataset.defectNames(of: "weave").contains("hole"))
    }

    /// Every anomalous image has a non-empty, small mask, loaded unchanged at full size; normal images have none.
    func testMasksArePresentAndPlausible() throws {
        try SyntheticDataset.write(to: folder, seed: 5, trainPerCategory: 1, testGoodPerCategory: 1, testPerDefect: 3)
        let test = try Dataset.mvtec(root: folder).subset(split: .test)
        let batch = try test.load(size: 256, normalization: .byte)
        let masks = batch.masks.toArray()
        for (i, sample) in batch.samples.enumerated() {
            let area = Int(masks[(i * 65536)..<((i + 1) * 65536)].reduce(0, +))
            guard let maskPath = sample.maskPath else {
                XCTAssertEqual(sample.label, .normal, sample.path)
                XCTAssertEqual(area, 0, sample.path)
                continue
            }
            XCTAssertEqual(try Image(contentsOf: maskPath).pixels.filter { $0 > 127 }.count, area, sample.path)
            XCTAssertGreaterThan(area, 8, sample.path)
            XCTAssertLessThan(area, 6554, sample.path)
        }
    }

    func testSameSeedSameFilesAndCategoriesIndependent() throws {
        let options = (train: 3, good: 1, perDefect: 1)
        try SyntheticDataset.write(to: folder + "/a", seed: 9, trainPerCategory: options.train, testGoodPerCategory: options.good,
                                   testPerDefect: options.perDefect, size: 64)
        try SyntheticDataset.write(to: folder + "/b", seed: 9, categories: ["washer"], trainPerCategory: options.train,
                                   testGoodPerCategory: options.good, testPerDefect: options.perDefect, size: 64)
        try SyntheticDataset.write(to: folder + "/c", seed: 10, categories: ["washer"], trainPerCategory: options.train,
                                   testGoodPerCategory: options.good, testPerDefect: options.perDefect, size: 64)
        let files = try FileManager.default.subpathsOfDirectory(atPath: folder + "/b").filter { $0.hasSuffix(".png") }.sorted()
        XCTAssertEqual(files.count, 3 + 1 + 2 * 3)
        var differing = 0
        for file in files {
            let a = try Image(contentsOf: "\(folder)/a/\(file)"), b = try Image(contentsOf: "\(folder)/b/\(file)")
            XCTAssertEqual(a, b, file)
            if try Image(contentsOf: "\(folder)/c/\(file)") != b { differing += 1 }
        }
        XCTAssertGreaterThan(differing, files.count / 2, "another seed must give other images")
    }

    func testRejectsBadArguments() {
        XCTAssertThrowsError(try SyntheticDataset.write(to: folder, categories: ["carpet"])) {
            XCTAssertTrue("\($0)".contains("carpet") && "\($0)".contains("washer"), "\($0)")
        }
        XCTAssertThrowsError(try SyntheticDataset.write(to: folder, trainPerCategory: 0)) {
            XCTAssertTrue("\($0)".contains("train count"), "\($0)")
        }
        XCTAssertThrowsError(try SyntheticDataset.write(to: "/proc/no-such-place", trainPerCategory: 1, testGoodPerCategory: 0,
                                                        testPerDefect: 0)) {
            XCTAssertTrue("\($0)".contains("/proc/no-such-place"), "\($0)")
        }
    }
}
