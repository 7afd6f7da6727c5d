import Kernels
import Metrics
import XCTest

final class AUPROTests: XCTestCase {
    /// Image A [3, 4] with two regions: R1 = {(0,0), (1,1)} (one region only under 8-connectivity, area 2)
    /// and R2 = column 3 (area 3); image B [1, 3] is good. 10 normal pixels in all, so FPR moves in 0.1 steps.
    /// Curve: (0,0) (0,1/6) (.1,1/6) (.2,5/12) then (.4,7/12), which crosses 0.3 at PRO 1/2.
    /// Area to 0.3 = 1/60 + 7/240 + 11/240 = 11/120; AUPRO = 11/36.
    let handImages: [PixelImage] = [
        (map: [0.85, 0.85, 0.1, 0.95,
               0.8, 0.05, 0.1, 0.8,
               0.1, 0.1, 0.1, 0.05],
         mask: [1, 0, 0, 1,
                0, 1, 0, 1,
                0, 0, 0, 1], height: 3, width: 4),
        (map: [0.9, 0.8, 0.1], mask: nil, height: 1, width: 3),
    ]

    func ranking(_ images: [PixelImage]) throws -> Ranking {
        var pixels = PixelAccumulator()
        for image in images { try pixels.add(map: image.map, mask: image.mask, height: image.height, width: image.width) }
        return pixels.finish()
    }

    func testHandComputedCurveCrossingTheLimit() throws {
        // Thresholds: 0.95 -> an R2 pixel; 0.9 -> a normal pixel; 0.85 -> an R1 pixel and a normal (tied);
        // 0.8 -> an R2 pixel and two normals (tied); everything else lower.
        let images = handImages
        let pixels = try ranking(images)
        XCTAssertEqual(pixels.regionCount, 2)
        XCTAssertEqual(pixels.negatives, 10)
        XCTAssertEqual(try AUPRO.value(pixels), 11.0 / 36, accuracy: 1e-12)
        let curve = try AUPRO.curve(pixels)
        let expectedX = [0, 0, 0.1, 0.2, 0.3], expectedY = [0, 1.0 / 6, 1.0 / 6, 5.0 / 12, 0.5]
        XCTAssertEqual(curve.count, expectedX.count)
        for k in expectedX.indices {
            XCTAssertEqual(curve.x[k], expectedX[k], accuracy: 1e-12)
            XCTAssertEqual(curve.y[k], expectedY[k], accuracy: 1e-12)
        }
        XCTAssertEqual(bruteForceAUPRO(images), 11.0 / 36, accuracy: 1e-12)
    }

    func testOneRegionPartlyFound() throws {
        // One region of 4 pixels, two of them scored above every normal pixel; 4 normal pixels.
        // Curve (0,0) (0,1/2) (1/4,1/2) (1/2,...) -> area to 0.3 = 0.3 * 1/2 -> AUPRO 1/2.
        let map: [Float] = [0.9, 0.9, 0.1, 0.1,
                            0.5, 0.4, 0.3, 0.2]
        let mask: [UInt8] = [1, 1, 1, 1,
                             0, 0, 0, 0]
        XCTAssertEqual(try AUPRO.value(maps: map, masks: mask, count: 1, height: 2, width: 4), 0.5, accuracy: 1e-12)
    }

    func testTwoRegionsOfDifferentSizesWeighEqually() throws {
        // A big region (6 px) found above every normal pixel and a small one (1 px) scored below all of them:
        // PRO = (1 + 0) / 2 = 1/2 for every FPR < 1, whatever the pixel counts.
        let map: [Float] = [0.9, 0.9, 0.9, 0.0, 0.2,
                            0.9, 0.9, 0.9, 0.3, -0.1]
        let mask: [UInt8] = [1, 1, 1, 0, 0,
                             1, 1, 1, 0, 1]
        let aupro = try AUPRO.value(maps: map, masks: mask, count: 1, height: 2, width: 5)
        XCTAssertEqual(aupro, 0.5, accuracy: 1e-12)
        let images: [PixelImage] = [(map, mask, 2, 5)]
        XCTAssertEqual(aupro, bruteForceAUPRO(images), accuracy: 1e-12)
    }

    func testPerfectMapGivesOne() throws {
        var generator = RandomGenerator(seed: 21)
        var pixels = PixelAccumulator()
        for _ in 0..<5 {
            let mask = (0..<(32 * 32)).map { _ in UInt8(generator.nextUniform() < 0.1 ? 255 : 0) }
            let map = mask.map { Float($0) / 255 * 2 + generator.nextUniform() }
            try pixels.add(map: map, mask: mask, height: 32, width: 32)
        }
        let metrics = try RankingMetrics(pixels.finish())
        XCTAssertEqual(metrics.aupro!, 1, accuracy: 1e-12)
        XCTAssertEqual(metrics.auroc, 1)
        XCTAssertEqual(metrics.averagePrecision, 1)
        XCTAssertEqual(metrics.f1Max.value, 1)
    }

    func testAgreesWithBruteForceOnRandomTiedMaps() throws {
        var generator = RandomGenerator(seed: 42)
        for trial in 0..<12 {
            let height = 4 + Int(generator.next() % 9), width = 4 + Int(generator.next() % 9)
            let levels = Float(3 + generator.next() % 12)
            var images: [PixelImage] = []
            for image in 0..<(1 + Int(generator.next() % 4)) {
                let good = image > 0 && generator.nextUniform() < 0.3
                let mask = good ? nil : (0..<(height * width)).map { _ in UInt8(generator.nextUniform() < 0.25 ? 1 : 0) }
                let map = (0..<(height * width)).map { pixel -> Float in
                    let boost: Float = (mask?[pixel] ?? 0) != 0 ? 2 : 0
                    return (generator.nextUniform() * levels + boost).rounded(.down) / levels
                }
                images.append((map, mask, height, width))
            }
            images[0].mask![0] = 1
            images[0].mask![1] = 0
            let pixels = try ranking(images)
            for limit in [0.3, 0.05, 1] {
                XCTAssertEqual(try AUPRO.value(pixels, fprLimit: limit), bruteForceAUPRO(images, limit: limit),
                               accuracy: 1e-9, "trial \(trial), limit \(limit)")
            }
            let maps = images.flatMap(\.map)
            let labels = images.flatMap { image in (image.mask ?? [UInt8](repeating: 0, count: image.map.count)).map { $0 != 0 } }
            let metrics = try RankingMetrics(pixels)
            XCTAssertEqual(metrics.auroc, bruteForceAUROC(maps, labels), accuracy: 1e-12)
            XCTAssertEqual(metrics.averagePrecision, bruteForceAP(maps, labels), accuracy: 1e-12)
            XCTAssertEqual(metrics.f1Max.value, bruteForceF1Max(maps, labels), accuracy: 1e-12)
            XCTAssertEqual(metrics.aupro!, bruteForceAUPRO(images), accuracy: 1e-9)
            if let approximate = try AUPRO.sampledApproximation(pixels, thresholdCount: 50) {
                XCTAssertEqual(approximate, bruteForceSampledAUPRO(images, thresholdCount: 50), accuracy: 1e-9, "trial \(trial)")
            }
        }
    }

    func testEightConnectivityJoinsDiagonals() throws {
        // (0,0)-(1,1) is one region of area 2 under 8-connectivity (two regions under 4-connectivity);
        // (1,3) is a second region.
        let mask: [UInt8] = [1, 0, 0, 0,
                             0, 1, 0, 1,
                             0, 0, 0, 0]
        let map: [Float] = [0.9, 0.1, 0.1, 0.1,
                            0.1, 0.1, 0.1, 0.1,
                            0.1, 0.1, 0.1, 0.1]
        var pixels = PixelAccumulator()
        try pixels.add(map: map, mask: mask, height: 3, width: 4)
        XCTAssertEqual(pixels.regionCount, 2)
        // At threshold 0.9: FPR 0 and PRO = (1/2 + 0) / 2 = 1/4; then everything: (1, 1).
        // Area to 0.3: 0.3 * (1/4 + (1/4 + 0.3 * 3/4)) / 2 -> divided by 0.3.
        let expected = (0.25 + (0.25 + 0.3 * 0.75)) / 2
        XCTAssertEqual(try AUPRO.value(pixels.finish()), expected, accuracy: 1e-12)
    }

    func testSampledApproximationIsLabelledAndClose() throws {
        var generator = RandomGenerator(seed: 8)
        var pixels = PixelAccumulator()
        for _ in 0..<4 {
            let mask = (0..<(64 * 64)).map { UInt8(($0 / 64) % 16 < 3 && $0 % 64 < 20 ? 1 : 0) }
            let map = mask.map { generator.nextUniform() + Float($0) * 0.4 * generator.nextUniform() }
            try pixels.add(map: map, mask: mask, height: 64, width: 64)
        }
        let ranking = pixels.finish()
        let exact = try AUPRO.value(ranking)
        let approximate = try XCTUnwrap(try AUPRO.sampledApproximation(ranking))
        XCTAssertNotEqual(exact, approximate)
        XCTAssertEqual(exact, approximate, accuracy: 0.05)
    }
}

extension AUPROTests {
    func testCurveEndingExactlyAtTheLimitHasNoDuplicatePoint() throws {
        // 10 normal pixels: the third normal reaches FPR 0.3 exactly; the curve stops there.
        let map: [Float] = [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05]
        let mask: [UInt8] = [1] + [UInt8](repeating: 0, count: 10)
        var pixels = PixelAccumulator()
        try pixels.add(map: map, mask: mask, height: 1, width: 11)
        let curve = try AUPRO.curve(pixels.finish())
        XCTAssertEqual(curve.x, [0, 0, 0.1, 0.2, 0.3])
        XCTAssertEqual(curve.y, [0, 1, 1, 1, 1])
    }
}
