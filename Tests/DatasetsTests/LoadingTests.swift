import Foundation
import Imaging
import XCTest
import Datasets

final class LoadingTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws { folder = try makeTemporaryFolder("loading") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    /// The parallel batch equals converting each file on its own, in sample order.
    func testBatchMatchesImageByImageConversion() throws {
        try SyntheticDataset.write(to: folder, seed: 2, trainPerCategory: 3, testGoodPerCategory: 1, testPerDefect: 1, size: 96)
        let dataset = try Dataset.mvtec(root: folder)
        let indices = [7, 0, 12, 3, 20]
        let batch = try dataset.load(indices, size: 40, normalization: .imagenet)
        XCTAssertEqual(batch.images.shape, [5, 3, 40, 40])
        XCTAssertEqual(batch.masks.shape, [5, 1, 40, 40])
        let images = batch.images.toArray(), masks = batch.masks.toArray()
        for (position, index) in indices.enumerated() {
            let sample = dataset.samples[index]
            XCTAssertEqual(batch.samples[position], sample)
            let expected = try Image(contentsOf: sample.path).resized(width: 40, height: 40).tensor(normalization: .imagenet).toArray()
            XCTAssertEqual(Array(images[(position * 4800)..<((position + 1) * 4800)]), expected, sample.path)
            let expectedMask = try sample.maskPath.map {
                try Image(contentsOf: $0).resized(width: 40, height: 40, filter: .nearest).maskTensor().toArray()
            } ?? [Float](repeating: 0, count: 1600)
            XCTAssertEqual(Array(masks[(position * 1600)..<((position + 1) * 1600)]), expectedMask, sample.path)
        }
        XCTAssertTrue(masks.allSatisfy { $0 == 0 || $0 == 1 })
    }

    func testFailuresNameTheFirstBadFile() throws {
        try SyntheticDataset.write(to: folder, seed: 2, categories: ["weave"], trainPerCategory: 4, testGoodPerCategory: 0,
                                   testPerDefect: 0, size: 32)
        let broken = ["\(folder)/weave/train/good/001.png", "\(folder)/weave/train/good/003.png"]
        for path in broken { try Data([0x89, 0x50, 0x4E, 0x47]).write(to: URL(fileURLWithPath: path)) }
        let dataset = try Dataset.mvtec(root: folder)
        XCTAssertThrowsError(try dataset.load(size: 16)) {
            XCTAssertTrue("\($0)".contains(broken[0]) && "\($0)".contains("and 1 more"), "\($0)")
        }
        XCTAssertThrowsError(try dataset.load([9], size: 16)) { XCTAssertTrue("\($0)".contains("index"), "\($0)") }
        XCTAssertThrowsError(try dataset.load(size: 0))
    }

    func testBatchesCoverEverySampleOnceAndShuffleBySeed() throws {
        try SyntheticDataset.write(to: folder, seed: 2, categories: ["granite"], trainPerCategory: 10, testGoodPerCategory: 0,
                                   testPerDefect: 0, size: 16)
        let dataset = try Dataset.mvtec(root: folder)
        let plain = try dataset.batches(batchSize: 4)
        XCTAssertEqual(plain, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
        let shuffled = try dataset.batches(batchSize: 4, shuffleSeed: 11)
        XCTAssertEqual(shuffled.flatMap { $0 }.sorted(), Array(0..<10))
        XCTAssertNotEqual(shuffled.flatMap { $0 }, Array(0..<10))
        XCTAssertEqual(try dataset.batches(batchSize: 4, shuffleSeed: 11), shuffled)
        XCTAssertThrowsError(try dataset.batches(batchSize: 0))
    }
}
