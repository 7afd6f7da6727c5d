import Kernels
import Metrics
import XCTest

final class EdgeCaseTests: XCTestCase {
    func assertThrows<T>(_ expected: MetricError, message: String, _ body: () throws -> T,
                         file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? MetricError, expected, file: file, line: line)
            XCTAssertEqual("\(error)", message, file: file, line: line)
        }
    }

    func testMismatchedLengths() {
        assertThrows(.lengthMismatch(argument: "labels", expected: 3, got: 2), message: "labels has 2 elements, expected 3") {
            try AUROC.value(scores: [1, 2, 3], labels: [true, false])
        }
        assertThrows(.lengthMismatch(argument: "masks", expected: 8, got: 7), message: "masks has 7 elements, expected 8") {
            try AUPRO.value(maps: [Float](repeating: 0, count: 8), masks: [UInt8](repeating: 0, count: 7), count: 2, height: 2, width: 2)
        }
        var pixels = PixelAccumulator()
        XCTAssertNoThrow(try pixels.add(map: [0, 1, 2, 3], mask: [0, 0, 1, 1], height: 2, width: 2))
        assertThrows(.lengthMismatch(argument: "masks[1]", expected: 4, got: 3), message: "masks[1] has 3 elements, expected 4") {
            try pixels.add(map: [0, 1, 2, 3], mask: [0, 0, 1], height: 2, width: 2)
        }
        assertThrows(.lengthMismatch(argument: "maps[1]", expected: 6, got: 4), message: "maps[1] has 4 elements, expected 6") {
            try pixels.add(map: [0, 1, 2, 3], mask: nil, height: 2, width: 3)
        }
        XCTAssertEqual(pixels.imageCount, 1, "a rejected image leaves the accumulator unchanged")
    }

    func testNaNNamesTheIndex() {
        assertThrows(.notANumber(argument: "scores", index: 2), message: "scores[2] is NaN") {
            try AUROC.value(scores: [0.1, 0.2, .nan], labels: [true, false, true])
        }
        var pixels = PixelAccumulator()
        try? pixels.add(map: [0, 1], mask: nil, height: 1, width: 2)
        assertThrows(.notANumber(argument: "maps[1]", index: 3), message: "maps[1][3] is NaN") {
            try pixels.add(map: [0, 1, 2, .nan], mask: nil, height: 2, width: 2)
        }
    }

    func testSingleClassAndEmptyInputs() {
        assertThrows(.singleClass(metric: "AUROC", positives: 0, negatives: 3),
                     message: "AUROC needs both classes, got 0 anomalous and 3 normal") {
            try AUROC.value(scores: [1, 2, 3], labels: [false, false, false])
        }
        assertThrows(.singleClass(metric: "AP", positives: 2, negatives: 0),
                     message: "AP needs both classes, got 2 anomalous and 0 normal") {
            try AveragePrecision.value(scores: [1, 2], labels: [true, true])
        }
        assertThrows(.singleClass(metric: "F1-max", positives: 1, negatives: 0),
                     message: "F1-max needs both classes, got 1 anomalous and 0 normal") {
            try F1Max.compute(scores: [1], labels: [true])
        }
        assertThrows(.empty(argument: "scores"), message: "scores is empty") {
            try AUROC.value(scores: [], labels: [])
        }
    }

    func testAUPROPreconditions() {
        assertThrows(.noRegions, message: MetricError.noRegions.description) {
            try AUPRO.value(maps: [0, 1, 2, 3], masks: [0, 0, 0, 0], count: 1, height: 2, width: 2)
        }
        assertThrows(.noNormalPixels, message: MetricError.noNormalPixels.description) {
            try AUPRO.value(maps: [0, 1, 2, 3], masks: [1, 1, 1, 1], count: 1, height: 2, width: 2)
        }
        assertThrows(.invalidFPRLimit(0), message: "the FPR limit must be in (0, 1], got 0.0") {
            try AUPRO.value(maps: [0, 1, 2, 3], masks: [1, 0, 0, 0], count: 1, height: 2, width: 2, fprLimit: 0)
        }
        assertThrows(.empty(argument: "maps[0] (0x4)"), message: "maps[0] (0x4) is empty") {
            var pixels = PixelAccumulator()
            try pixels.add(map: [], mask: nil, height: 0, width: 4)
        }
    }

    func testEmptyMasksMeanAllNormal() throws {
        var pixels = PixelAccumulator()
        try pixels.add(map: [0.9, 0.1, 0.2, 0.3], mask: [1, 0, 0, 0], height: 2, width: 2)
        try pixels.add(map: [0.5, 0.4, 0.3, 0.2], mask: nil, height: 2, width: 2)
        try pixels.add(map: [0.5, 0.4, 0.3, 0.2], mask: [0, 0, 0, 0], height: 2, width: 2)
        XCTAssertEqual(pixels.normalPixels, 11)
        XCTAssertEqual(pixels.anomalousPixels, 1)
        XCTAssertEqual(pixels.regionCount, 1)
        XCTAssertEqual(try AUPRO.value(pixels.finish()), 1)
    }

    func testRadixSortedRankingMatchesComparisonSort() throws {
        // Scores spanning signs, magnitudes and infinities; the curve's thresholds must come out strictly descending.
        var generator = RandomGenerator(seed: 1)
        var scores = (0..<20_000).map { _ in (generator.nextUniform() - 0.5) * pow(10, Float(Int(generator.next() % 20)) - 10) }
        scores += [.infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude, -.greatestFiniteMagnitude]
        let labels = scores.indices.map { $0 % 3 == 0 }
        let curve = try AUROC.curve(scores: scores, labels: labels)
        let expected = [Float.infinity] + Array(Set(scores.map { $0 + 0 })).sorted(by: >)
        XCTAssertEqual(curve.thresholds, expected)
    }
}
