import Kernels
import Metrics
import XCTest

final class RankingMetricsTests: XCTestCase {
    // sklearn's documented example: roc_auc_score = 0.75, average_precision_score = 0.8333.
    let exampleScores: [Float] = [0.1, 0.4, 0.35, 0.8]
    let exampleLabels = [false, false, true, true]

    func testHandComputedExample() throws {
        XCTAssertEqual(try AUROC.value(scores: exampleScores, labels: exampleLabels), 0.75, accuracy: 1e-12)
        XCTAssertEqual(try AveragePrecision.value(scores: exampleScores, labels: exampleLabels), 5.0 / 6, accuracy: 1e-12)
        // Thresholds 0.8, 0.4, 0.35, 0.1 give F1 2/3, 1/2, 4/5, 2/3.
        let f1 = try F1Max.compute(scores: exampleScores, labels: exampleLabels)
        XCTAssertEqual(f1.value, 0.8, accuracy: 1e-12)
        XCTAssertEqual(f1.threshold, 0.35)
        XCTAssertEqual(f1.precision, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(f1.recall, 1)
    }

    func testROCAndPrecisionRecallCurvePoints() throws {
        let roc = try AUROC.curve(scores: exampleScores, labels: exampleLabels)
        XCTAssertEqual(roc.x, [0, 0, 0.5, 0.5, 1])
        XCTAssertEqual(roc.y, [0, 0.5, 0.5, 1, 1])
        XCTAssertEqual(roc.thresholds, [.infinity, 0.8, 0.4, 0.35, 0.1])
        XCTAssertEqual(roc.xLabel, "false positive rate")
        let pr = try AveragePrecision.curve(scores: exampleScores, labels: exampleLabels)
        XCTAssertEqual(pr.x, [0.5, 0.5, 1, 1])
        XCTAssertEqual(pr.y, [1, 0.5, 2.0 / 3, 0.5])
    }

    func testTiedRunIsOneROCPointWithHalfCredit() throws {
        // Positives {0.5, 0.5}, negatives {0.5, 0.2}: each positive beats 0.2 and ties 0.5 -> (1 + 1/2) * 2 / 4.
        let scores: [Float] = [0.5, 0.5, 0.5, 0.2]
        let labels = [true, false, true, false]
        XCTAssertEqual(try AUROC.value(scores: scores, labels: labels), 0.75)
        let roc = try AUROC.curve(scores: scores, labels: labels)
        XCTAssertEqual(roc.x, [0, 0.5, 1])
        XCTAssertEqual(roc.y, [0, 1, 1])
        // The tied run counts as one threshold: precision 2/3 at recall 1.
        XCTAssertEqual(try AveragePrecision.value(scores: scores, labels: labels), 2.0 / 3, accuracy: 1e-12)
    }

    func testAllEqualScores() throws {
        let scores = [Float](repeating: 3, count: 10)
        let labels = (0..<10).map { $0 < 3 }
        XCTAssertEqual(try AUROC.value(scores: scores, labels: labels), 0.5)
        XCTAssertEqual(try AveragePrecision.value(scores: scores, labels: labels), 0.3, accuracy: 1e-12)
        let f1 = try F1Max.compute(scores: scores, labels: labels)
        XCTAssertEqual(f1.value, 2 * 3 / 13.0, accuracy: 1e-12)
        XCTAssertEqual(f1.threshold, 3)
    }

    func testPerfectAndInvertedRankings() throws {
        let labels = [false, false, false, true, true]
        let scores: [Float] = [0.1, 0.2, 0.3, 0.7, 0.9]
        XCTAssertEqual(try AUROC.value(scores: scores, labels: labels), 1)
        XCTAssertEqual(try AveragePrecision.value(scores: scores, labels: labels), 1)
        XCTAssertEqual(try F1Max.compute(scores: scores, labels: labels).value, 1)
        XCTAssertEqual(try F1Max.compute(scores: scores, labels: labels).threshold, 0.7)
        let inverted = scores.map { -$0 }
        XCTAssertEqual(try AUROC.value(scores: inverted, labels: labels), 0)
        // Inverted: positives found last; precision 1/4 then 2/5 at recall 1/2 and 1.
        XCTAssertEqual(try AveragePrecision.value(scores: inverted, labels: labels), 0.5 * 0.25 + 0.5 * 0.4, accuracy: 1e-12)
    }

    func testSignedZerosAreOneScore() throws {
        XCTAssertEqual(try AUROC.value(scores: [0, -0.0], labels: [true, false]), 0.5)
        XCTAssertEqual(try AUROC.value(scores: [.infinity, -.infinity, 1], labels: [true, false, false]), 1)
    }

    func testAgreesWithBruteForceOnRandomTiedInputs() throws {
        var generator = RandomGenerator(seed: 11)
        for trial in 0..<200 {
            let count = 2 + Int(generator.next() % 60)
            let levels = 1 + Int(generator.next() % 8)  // few levels -> many ties
            var labels = (0..<count).map { _ in generator.nextUniform() < 0.4 }
            labels[0] = true
            labels[1] = false
            let scores = labels.map { label in
                Float(Int(generator.nextUniform() * Float(levels) + (label ? 0.7 : 0))) * 0.25 - 1
            }
            let metrics = try RankingMetrics(Ranking(scores: scores, labels: labels))
            XCTAssertEqual(metrics.auroc, bruteForceAUROC(scores, labels), accuracy: 1e-12, "trial \(trial)")
            XCTAssertEqual(metrics.averagePrecision, bruteForceAP(scores, labels), accuracy: 1e-12, "trial \(trial)")
            XCTAssertEqual(metrics.f1Max.value, bruteForceF1Max(scores, labels), accuracy: 1e-12, "trial \(trial)")
            XCTAssertNil(metrics.aupro)
        }
    }

    func testAUROCInvariantUnderMonotoneTransforms() throws {
        var generator = RandomGenerator(seed: 5)
        let labels = (0..<300).map { $0 % 3 == 0 }
        let scores = labels.map { Float(Int(generator.nextUniform() * 20 + ($0 ? 4 : 0))) / 20 }
        let reference = try AUROC.value(scores: scores, labels: labels)
        for transform in [{ (x: Float) in 3 * x - 7 }, { exp($0) }, { $0 * $0 * $0 }, { atan(10 * $0) }] {
            XCTAssertEqual(try AUROC.value(scores: scores.map(transform), labels: labels), reference)
        }
        XCTAssertEqual(try AUROC.value(scores: scores.map { -$0 }, labels: labels), 1 - reference, accuracy: 1e-12)
    }

    func testAPOfPerfectRankingIsOne() throws {
        var generator = RandomGenerator(seed: 9)
        for _ in 0..<20 {
            let labels = (0..<50).map { _ in generator.nextUniform() < 0.3 } + [true, false]
            let scores = labels.map { Float($0 ? 2 : 0) + generator.nextUniform() }
            XCTAssertEqual(try AveragePrecision.value(scores: scores, labels: labels), 1)
            XCTAssertEqual(try AUROC.value(scores: scores, labels: labels), 1)
        }
    }

    func testCurveResolutionKeepsEndsAndThinsTheMiddle() throws {
        var generator = RandomGenerator(seed: 3)
        let labels = (0..<5000).map { $0 % 2 == 0 }
        let scores = labels.map { generator.nextUniform() + ($0 ? 0.3 : 0) }
        let full = try AUROC.curve(scores: scores, labels: labels)
        let thin = try AUROC.curve(scores: scores, labels: labels, resolution: 0.01)
        XCTAssertEqual(full.count, 1 + Set(scores).count)
        XCTAssertLessThan(thin.count, 250)
        XCTAssertEqual(thin.x.first, 0)
        XCTAssertEqual(thin.x.last, 1)
        XCTAssertEqual(thin.y.last, 1)
    }
}
