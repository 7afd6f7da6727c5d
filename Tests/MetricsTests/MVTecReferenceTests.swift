import Metrics
import XCTest

/// Agreement with the official MVTec AD AUPRO algorithm and the rank-based Mann-Whitney U
/// (fixture from scripts/metrics-reference.py; agreement measured to 1e-12; the official code keeps FPRs in float32).
final class MVTecReferenceTests: XCTestCase {
    typealias Fixture = MVTecReferenceFixture

    func testAUPROAndPixelAUROCMatchTheOfficialAlgorithm() throws {
        var pixels = PixelAccumulator()
        let size = Fixture.height * Fixture.width
        for image in 0..<Fixture.count {
            let mask = Array(Fixture.masks[image * size ..< (image + 1) * size])
            try pixels.add(map: Array(Fixture.maps[image * size ..< (image + 1) * size]),
                           mask: mask.contains(where: { $0 != 0 }) ? mask : nil,
                           height: Fixture.height, width: Fixture.width)
        }
        XCTAssertEqual(pixels.regionCount, Fixture.regionCount)
        let ranking = pixels.finish()
        XCTAssertEqual(try AUPRO.value(ranking), Fixture.aupro30, accuracy: 1e-9)
        XCTAssertEqual(try AUPRO.value(ranking, fprLimit: 0.1), Fixture.aupro10, accuracy: 1e-9)
        XCTAssertEqual(try AUROC.value(ranking), Fixture.pixelAUROC, accuracy: 1e-12)
        let flat = try AUPRO.value(maps: Fixture.maps, masks: Fixture.masks, count: Fixture.count,
                                   height: Fixture.height, width: Fixture.width)
        XCTAssertEqual(flat, Fixture.aupro30, accuracy: 1e-9)
    }

    func testImageAUROCMatchesMannWhitney() throws {
        XCTAssertEqual(try AUROC.value(scores: Fixture.imageScores, labels: Fixture.imageLabels), Fixture.imageAUROC,
                       accuracy: 1e-12)
    }
}
