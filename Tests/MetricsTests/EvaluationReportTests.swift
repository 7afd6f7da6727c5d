import Foundation
import Metrics
import XCTest

final class EvaluationReportTests: XCTestCase {
    func makeReport() throws -> EvaluationReport {
        var pixels = PixelAccumulator()
        try pixels.add(map: [0.9, 0.1, 0.2, 0.3], mask: [1, 0, 0, 0], height: 2, width: 2)
        try pixels.add(map: [0.5, 0.4, 0.3, 0.2], mask: nil, height: 2, width: 2)
        let full = try CategoryMetrics(category: "bottle", imageScores: [0.9, 0.5], imageLabels: [true, false], pixels: pixels.finish())
        let noMasks = try CategoryMetrics(category: "screw", imageScores: [0.2, 0.7, 0.4], imageLabels: [true, false, false], pixels: nil)
        let onlyGood = try CategoryMetrics(category: "good,only", imageScores: [0.1, 0.2], imageLabels: [false, false], pixels: nil)
        return EvaluationReport(categories: [full, noMasks, onlyGood], protocolDescription: "256x256, max of smoothed map")
    }

    func testUnsupportedMetricsAreNilWithAReason() throws {
        let report = try makeReport()
        let full = report.categories[0], noMasks = report.categories[1], onlyGood = report.categories[2]
        XCTAssertEqual(full.imageAUROC, 1)
        XCTAssertEqual(full.pixelAUROC, 1)
        XCTAssertEqual(full.aupro, 1)
        XCTAssertEqual(full.notes, [])
        XCTAssertEqual(noMasks.imageAUROC, 0)
        XCTAssertNil(noMasks.pixelAUROC)
        XCTAssertNil(noMasks.aupro)
        XCTAssertEqual(noMasks.notes, ["pixel metrics need ground-truth masks; none were given"])
        XCTAssertNil(onlyGood.imageAUROC)
        XCTAssertEqual(onlyGood.goodCount, 2)
        XCTAssertTrue(onlyGood.notes[0].contains("got 2 good and 0 anomalous"))
        // Means are over the categories that support each metric, and say so.
        XCTAssertEqual(report.mean.imageAUROC, 0.5)
        XCTAssertEqual(report.mean.aupro, 1)
        XCTAssertEqual(report.mean.goodCount, 5)
        XCTAssertEqual(report.mean.anomalousCount, 2)
        XCTAssertTrue(report.mean.notes.contains("aupro: mean over 1 of 3 categories (missing: screw, good,only)"))
    }

    func testJSONUsesNullForUnsupportedMetrics() throws {
        let json = try makeReport().json()
        for key in ["image_auroc", "pixel_auroc", "aupro", "image_ap", "pixel_ap", "image_f1max", "pixel_f1max", "n_good", "n_anomalous"] {
            XCTAssertTrue(json.contains("\"\(key)\": "), key)
        }
        XCTAssertTrue(json.contains("\"category\": \"screw\",\n      \"image_auroc\": 0.0,\n      \"pixel_auroc\": null"))
        XCTAssertTrue(json.contains("\"protocol\": \"256x256, max of smoothed map\""))
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let categories = try XCTUnwrap(parsed?["categories"] as? [[String: Any]])
        XCTAssertEqual(categories.count, 3)
        XCTAssertTrue(categories[1]["aupro"] is NSNull)
        XCTAssertEqual(categories[0]["aupro"] as? Double, 1)
        XCTAssertEqual((parsed?["mean"] as? [String: Any])?["n_good"] as? Int, 5)
    }

    func testCSVAndTable() throws {
        let report = try makeReport()
        let csv = report.csv().split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(csv[0], "category,image_auroc,pixel_auroc,aupro,image_ap,pixel_ap,image_f1max,pixel_f1max,n_good,n_anomalous")
        XCTAssertEqual(csv[2], "screw,0.0,,,0.3333333333333333,,0.5,,2,1")
        XCTAssertEqual(csv[3], "\"good,only\",,,,,,,,2,0")
        XCTAssertEqual(csv[4].prefix(9), "mean,0.5,")
        let table = report.table()
        XCTAssertTrue(table.contains("Protocol: 256x256, max of smoothed map"))
        XCTAssertTrue(table.contains("I-AUROC"))
        XCTAssertTrue(table.contains("100.0"))
        XCTAssertTrue(table.contains("note (screw): pixel metrics need ground-truth masks; none were given"))
    }
}
