import Foundation
import Kernels
import Metrics
import XCTest

/// Pixel metrics past `PixelAccumulator.exactPixelLimit`, counted in score bins, against the exact ranking.
final class BinnedRankingTests: XCTestCase {
    func accumulate(_ images: [PixelImage], exactPixelLimit: Int) throws -> PixelAccumulator {
        var pixels = PixelAccumulator(exactPixelLimit: exactPixelLimit)
        for image in images { try pixels.add(map: image.map, mask: image.mask, height: image.height, width: image.width) }
        return pixels
    }

    func metrics(_ images: [PixelImage], exactPixelLimit: Int) throws -> RankingMetrics {
        var pixels = try accumulate(images, exactPixelLimit: exactPixelLimit)
        XCTAssertEqual(pixels.isExact, exactPixelLimit == .max)
        return try RankingMetrics(pixels.finish())
    }

    /// 32x32 images; every third is good, the others hold rectangles of 1 to 120 pixels (several per image)
    /// whose scores are drawn from `anomalous`, the rest from `normal`.
    func images(count: Int, seed: UInt64, normal: (inout RandomGenerator) -> Float,
                anomalous: (inout RandomGenerator) -> Float) -> [PixelImage] {
        var generator = RandomGenerator(seed: seed)
        let side = 32
        return (0..<count).map { index in
            var mask: [UInt8]? = nil
            if index % 3 != 0 {
                var regions = [UInt8](repeating: 0, count: side * side)
                for _ in 0..<(1 + Int(generator.next() % 3)) {
                    let height = 1 + Int(generator.next() % 8), width = 1 + Int(generator.next() % 15)
                    let top = Int(generator.next() % UInt64(side - height)), left = Int(generator.next() % UInt64(side - width))
                    for row in top..<(top + height) { for column in left..<(left + width) { regions[row * side + column] = 1 } }
                }
                mask = regions
            }
            let map = (0..<(side * side)).map { pixel in
                (mask?[pixel] ?? 0) != 0 ? anomalous(&generator) : normal(&generator)
            }
            return (map, mask, side, side)
        }
    }

    /// Score distributions: name, normal pixels, anomalous pixels.
    let distributions: [(String, (inout RandomGenerator) -> Float, (inout RandomGenerator) -> Float)] = [
        ("uniform", { $0.nextUniform() }, { 0.3 + $0.nextUniform() }),
        ("heavy tails (log-normal over decades)", { exp(4 * normal(&$0)) }, { exp(4 * normal(&$0) + 2) }),
        ("Cauchy, both signs", { tan(.pi * ($0.nextUniform() - 0.5)) }, { 1 + tan(.pi * ($0.nextUniform() - 0.5)) }),
        ("many ties on a grid finer than the bins", { ($0.nextUniform() * 5000).rounded() / 5000 },
         { ((0.2 + $0.nextUniform()) * 5000).rounded() / 5000 }),
        ("concentrated in a few bins", { 1 + 0.002 * $0.nextUniform() }, { 1.0005 + 0.002 * $0.nextUniform() }),
    ]

    func testBinnedMetricsStayWithinTheirBoundOfTheExactOnes() throws {
        for (index, (name, normal, anomalous)) in distributions.enumerated() {
            let images = images(count: 30, seed: UInt64(100 + index), normal: normal, anomalous: anomalous)
            let exact = try metrics(images, exactPixelLimit: .max)
            let binned = try metrics(images, exactPixelLimit: 0)
            let bound = binned.errorBound
            XCTAssertTrue(isZero(exact.errorBound), name)
            XCTAssertLessThanOrEqual(abs(binned.auroc - exact.auroc), bound.auroc + 1e-12, name)
            XCTAssertLessThanOrEqual(abs(binned.averagePrecision - exact.averagePrecision), bound.averagePrecision + 1e-12, name)
            XCTAssertLessThanOrEqual(abs(binned.aupro! - exact.aupro!), bound.aupro! + 1e-12, name)
            XCTAssertLessThanOrEqual(binned.f1Max.value, exact.f1Max.value + 1e-12, name)
            XCTAssertLessThanOrEqual(exact.f1Max.value, binned.f1Max.value + bound.f1Max + 1e-12, name)
            if name.hasPrefix("concentrated") {
                XCTAssertGreaterThan(bound.auroc, 0.01, "\(name): few bins, a loose bound")
            } else {
                for value in [bound.auroc, bound.averagePrecision, bound.f1Max, bound.aupro!] {
                    XCTAssertLessThan(value, 2e-3, "\(name): \(bound)")
                }
            }
        }
    }

    func testBinnedMetricsAreTheExactMetricsOfScoresRoundedDownToTheirBin() throws {
        // A bin is the top 20 bits of a score's bit pattern; replacing every score by the lowest score of
        // its bin leaves one distinct score per bin, and the exact code then sees what the bins see.
        for (index, (name, normal, anomalous)) in distributions.enumerated() {
            let images = images(count: 12, seed: UInt64(200 + index), normal: normal, anomalous: anomalous)
            var lowest: [UInt32: Float] = [:]
            for score in images.flatMap(\.map) {
                let bin = (score + 0).bitPattern >> 12
                lowest[bin] = min(lowest[bin] ?? score, score)
            }
            let rounded = images.map { image in
                (map: image.map.map { lowest[($0 + 0).bitPattern >> 12]! }, mask: image.mask, height: image.height, width: image.width)
            }
            let binned = try metrics(images, exactPixelLimit: 0)
            let exact = try metrics(rounded, exactPixelLimit: .max)
            XCTAssertEqual(binned.auroc, exact.auroc, accuracy: 1e-12, name)
            XCTAssertEqual(binned.averagePrecision, exact.averagePrecision, accuracy: 1e-12, name)
            XCTAssertEqual(binned.f1Max.value, exact.f1Max.value, accuracy: 1e-12, name)
            XCTAssertEqual(binned.f1Max.threshold, exact.f1Max.threshold, name)
            XCTAssertEqual(binned.aupro!, exact.aupro!, accuracy: 1e-12, name)
        }
    }

    func testBinsHoldingOneScoreEachAreExact() throws {
        // Scores on a grid of 1/32 (with signs and infinities) never share a bin: every metric is exact and
        // the bound is 0, curves included.
        let grid: (inout RandomGenerator) -> Float = { generator in
            let level = Float(generator.next() % 65) / 32 - 1
            return level == 1 ? .infinity : level == -1 ? -.infinity : level
        }
        let images = images(count: 20, seed: 7, normal: grid, anomalous: { grid(&$0) + 0.5 })
        let exact = try metrics(images, exactPixelLimit: .max)
        let binned = try metrics(images, exactPixelLimit: 0)
        XCTAssertTrue(isZero(binned.errorBound), "\(binned.errorBound)")
        XCTAssertEqual(binned.auroc, exact.auroc)
        XCTAssertEqual(binned.averagePrecision, exact.averagePrecision, accuracy: 1e-12)
        XCTAssertEqual(binned.f1Max.value, exact.f1Max.value)
        XCTAssertEqual(binned.f1Max.threshold, exact.f1Max.threshold)
        XCTAssertEqual(binned.aupro!, exact.aupro!, accuracy: 1e-12)
        var exactPixels = try accumulate(images, exactPixelLimit: .max), binnedPixels = try accumulate(images, exactPixelLimit: 0)
        let exactCurve = try AUPRO.curve(exactPixels.finish()), binnedCurve = try AUPRO.curve(binnedPixels.finish())
        XCTAssertEqual(binnedCurve.thresholds, exactCurve.thresholds)
        XCTAssertEqual(binnedCurve.x, exactCurve.x)
        for (b, e) in zip(binnedCurve.y, exactCurve.y) { XCTAssertEqual(b, e, accuracy: 1e-12) }
    }

    func testSwitchingToBinsMidwayCountsTheSamePixels() throws {
        // Past the limit the words collected so far move into the bins: the same bins as binning from the start.
        let images = images(count: 12, seed: 9, normal: { $0.nextUniform() }, anomalous: { 0.4 + $0.nextUniform() })
        var midway = try accumulate(images, exactPixelLimit: 5 * 32 * 32)
        XCTAssertFalse(midway.isExact)
        XCTAssertEqual(midway.regionCount, try accumulate(images, exactPixelLimit: .max).regionCount)
        let midwayMetrics = try RankingMetrics(midway.finish())
        XCTAssertEqual(midwayMetrics, try metrics(images, exactPixelLimit: 0))
        var atTheLimit = try accumulate(images, exactPixelLimit: 12 * 32 * 32)
        XCTAssertTrue(atTheLimit.isExact, "exact up to the limit, included")
        let atTheLimitMetrics = try RankingMetrics(atTheLimit.finish())
        XCTAssertEqual(atTheLimitMetrics, try metrics(images, exactPixelLimit: .max))
    }

    func testHandComputedMergedBin() throws {
        // 1 and 1.0001 share a bin ([1, 1 + 2^-11)); map [3, 1.0001, 1, 0.5], the first two one region.
        // Exact: both anomalous pixels above both normals: AUROC 1, AP 1, F1-max 1, AUPRO 1.
        // Binned: {1.0001 anomalous, 1 normal} tie. AUROC (2 + 1.5) / 4 = 7/8, bound 1 * 1 / (2 * 2 * 2) = 1/8.
        // AP (1 + 2/3) / 2 = 5/6; the merged positive's precision lies in [2/3, 1]: bound (1 - 2/3) / 2 = 1/6.
        // F1 at thresholds 3, bin, 0.5: 2/3, 4/5, 2/3; inside the bin at most 2 * 2 / (2 + 0 + 2) = 1: bound 1/5.
        // PRO curve (0, 0) (0, 1/2) then the bin (1/2, 1), crossing 0.3 at 4/5: AUPRO (1/2 + 4/5) / 2 = 0.65,
        // bound (0.3 - 0) * (1 - 1/2) / 0.3 = 1/2.
        let image: PixelImage = (map: [3, 1.0001, 1, 0.5], mask: [1, 1, 0, 0], height: 1, width: 4)
        let exact = try metrics([image], exactPixelLimit: .max)
        XCTAssertEqual(exact.auroc, 1)
        XCTAssertEqual(exact.averagePrecision, 1)
        XCTAssertEqual(exact.f1Max.value, 1)
        XCTAssertEqual(exact.aupro!, 1, accuracy: 1e-12)
        var pixels = try accumulate([image], exactPixelLimit: 0)
        let ranking = pixels.finish()
        XCTAssertFalse(ranking.isExact)
        XCTAssertEqual(ranking.count, 4)
        let binned = try RankingMetrics(ranking)
        XCTAssertEqual(binned.auroc, 7.0 / 8)
        XCTAssertEqual(binned.averagePrecision, 5.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(binned.f1Max.value, 0.8, accuracy: 1e-12)
        XCTAssertEqual(binned.f1Max.threshold, 1, "the lowest score of the bin")
        XCTAssertEqual(binned.aupro!, 0.65, accuracy: 1e-12)
        XCTAssertEqual(binned.errorBound.auroc, 1.0 / 8)
        XCTAssertEqual(binned.errorBound.averagePrecision, 1.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(binned.errorBound.f1Max, 0.2, accuracy: 1e-12)
        XCTAssertEqual(binned.errorBound.aupro!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(try AUROC.curve(ranking).thresholds, [.infinity, 3, 1, 0.5])

        let row = try CategoryMetrics(category: "c", imageScores: [1], imageLabels: [true], pixels: ranking)
        XCTAssertEqual(row.pixelAUROC, 7.0 / 8)
        XCTAssertEqual(row.notes.last, "pixel metrics from score bins (4 pixels, more than are ranked exactly); at most "
                       + "1.3e-1 P-AUROC, 5.0e-1 AUPRO, 1.7e-1 pixel AP, 2.0e-1 pixel F1-max (from below) from the exact values")
        XCTAssertEqual(row.pixelErrorBound, binned.errorBound)
        let json = EvaluationReport(categories: [row], protocolDescription: "p").json()
        XCTAssertTrue(json.contains(#""pixel_error_bound": {"pixel_auroc": 0.125, "aupro": "#), json)
        var exactPixels = try accumulate([image], exactPixelLimit: .max)
        let exactRow = try CategoryMetrics(category: "c", imageScores: [1], imageLabels: [true], pixels: exactPixels.finish())
        XCTAssertFalse(exactRow.notes.contains { $0.contains("score bins") })
        XCTAssertNil(exactRow.pixelErrorBound)
        XCTAssertTrue(EvaluationReport(categories: [exactRow], protocolDescription: "p").json().contains(#""pixel_error_bound": null"#))
    }

    func testRegionsOfDifferentSizesAgainstTheExactPROCode() throws {
        // Regions of 1, 4, 30 and 200 pixels over three images and a good one; each region's pixels score a
        // different level plus noise, so PRO weighs small and large regions equally through the bins too.
        var generator = RandomGenerator(seed: 3)
        let side = 24
        func image(regions: [(top: Int, left: Int, height: Int, width: Int, level: Float)]) -> PixelImage {
            var mask = [UInt8](repeating: 0, count: side * side)
            var map = (0..<(side * side)).map { _ in generator.nextUniform() }
            for region in regions {
                for row in region.top..<(region.top + region.height) {
                    for column in region.left..<(region.left + region.width) {
                        mask[row * side + column] = 1
                        map[row * side + column] = region.level + generator.nextUniform()
                    }
                }
            }
            return (map, mask, side, side)
        }
        let images: [PixelImage] = [
            image(regions: [(0, 0, 1, 1, 0.9), (10, 10, 2, 2, 0.2)]),
            image(regions: [(3, 3, 5, 6, 0.5)]),
            image(regions: [(2, 2, 10, 20, 0.1), (20, 0, 1, 1, 0.0)]),
            (map: (0..<(side * side)).map { _ in generator.nextUniform() }, mask: nil, height: side, width: side),
        ]
        var exactPixels = try accumulate(images, exactPixelLimit: .max), binnedPixels = try accumulate(images, exactPixelLimit: 0)
        XCTAssertEqual(binnedPixels.regionCount, 5)
        let exactRanking = exactPixels.finish(), binnedRanking = binnedPixels.finish()
        XCTAssertEqual(binnedRanking.regionCount, exactRanking.regionCount)
        XCTAssertEqual(try AUPRO.value(exactRanking), bruteForceAUPRO(images), accuracy: 1e-9)
        let binned = try RankingMetrics(binnedRanking)
        for limit in [0.3, 0.05, 1] {
            let exact = try AUPRO.value(exactRanking, fprLimit: limit)
            let binnedAtLimit = try RankingMetrics(binnedRanking, fprLimit: limit)
            XCTAssertLessThanOrEqual(abs(binnedAtLimit.aupro! - exact), binnedAtLimit.errorBound.aupro! + 1e-12, "limit \(limit)")
            XCTAssertLessThan(binnedAtLimit.errorBound.aupro!, 0.01, "limit \(limit)")
        }
        XCTAssertEqual(binned.aupro, try AUPRO.value(binnedRanking))
    }

    func testStoredBytesDoNotGrowWithTheNumberOfImages() throws {
        func stored(images count: Int, exactPixelLimit: Int) throws -> Int {
            var generator = RandomGenerator(seed: 5)
            var pixels = PixelAccumulator(exactPixelLimit: exactPixelLimit)
            for index in 0..<count {
                let mask = index % 2 == 0 ? nil : (0..<(32 * 32)).map { UInt8($0 % 32 < 4 && $0 / 32 < 4 ? 1 : 0) }
                try pixels.add(map: (0..<(32 * 32)).map { _ in generator.nextUniform() }, mask: mask, height: 32, width: 32)
            }
            return pixels.storedBytes
        }
        let limit = 8 * 32 * 32
        let few = try stored(images: 20, exactPixelLimit: limit), many = try stored(images: 200, exactPixelLimit: limit)
        XCTAssertEqual(few, many)
        XCTAssertLessThanOrEqual(many, 32 << 20, "the bins: 32 MiB")
        // The exact path, by contrast, holds 8 bytes per pixel.
        let exactFew = try stored(images: 20, exactPixelLimit: .max), exactMany = try stored(images: 200, exactPixelLimit: .max)
        XCTAssertGreaterThanOrEqual(exactMany, 8 * 200 * 32 * 32)
        XCTAssertGreaterThan(exactMany, 4 * exactFew)
    }
}

private func isZero(_ bound: RankingMetrics.ErrorBound) -> Bool {
    bound.auroc == 0 && bound.averagePrecision == 0 && bound.f1Max == 0 && (bound.aupro ?? 0) == 0
}

/// A standard normal variate (Box-Muller).
private func normal(_ generator: inout RandomGenerator) -> Float {
    let u = max(generator.nextUniform(), .leastNormalMagnitude), v = generator.nextUniform()
    return sqrt(-2 * log(u)) * cos(2 * .pi * v)
}
