import XCTest
import Imaging
import Kernels
import Metrics
import Plots

final class ChartTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("rlr-plots-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    /// Writes the chart as PNG and decodes it back through Imaging.
    func roundTrip(_ chart: Chart, _ name: String) throws -> Image {
        let path = folder + "/" + name
        try chart.write(to: path)
        return try Image(contentsOf: path)
    }

    func rgb(_ image: Image, _ x: Double, _ y: Double) -> (Int, Int, Int) {
        let px = Int(x), py = Int(y)
        return (Int(image[px, py, 0]), Int(image[px, py, 1]), Int(image[px, py, 2]))
    }

    /// Whether a pixel within one pixel of (x, y) is close to `colour`.
    func near(_ image: Image, _ x: Double, _ y: Double, _ colour: Color) -> Bool {
        let (r, g, b) = colour.bytes
        for dy in -1...1 {
            for dx in -1...1 {
                let p = rgb(image, x + Double(dx), y + Double(dy))
                if abs(p.0 - Int(r)) + abs(p.1 - Int(g)) + abs(p.2 - Int(b)) < 60 { return true }
            }
        }
        return false
    }

    /// A hand-made ROC curve (0,0) -> (0,0.8) -> (1,1): the PNG decodes at 640x480 and the curve's pixels lie
    /// where the axes put them, the chance diagonal too; far from both the plot area stays white.
    func testROCGeometry() throws {
        let curve = Curve(name: "ROC", xLabel: "fpr", yLabel: "tpr", x: [0, 0, 1], y: [0, 0.8, 1], thresholds: [.infinity, 1, 0])
        var chart = try Chart.roc([("hand-made", curve)])
        chart.legend = .none
        let image = try roundTrip(chart, "roc.png")
        XCTAssertEqual([image.width, image.height, image.channels], [640, 480, 3])
        let blue = Color.series(0)
        for (x, y) in [(0.0, 0.4), (0.0, 0.7), (0.5, 0.9), (0.25, 0.85), (0.9, 0.98)] {
            let p = try chart.pixel(x: x, y: y)
            XCTAssertTrue(near(image, p.x, p.y, blue), "curve at (\(x), \(y)) -> pixel \(p): \(rgb(image, p.x, p.y))")
        }
        // The dashed diagonal: at least one pixel of each short stretch is gray.
        var grayHits = 0
        for t in stride(from: 0.1, through: 0.9, by: 0.01) {
            let p = try chart.pixel(x: t, y: t)
            if near(image, p.x, p.y, .reference) { grayHits += 1 }
        }
        XCTAssertGreaterThan(grayHits, 40)
        let empty = try chart.pixel(x: 0.75, y: 0.3)
        XCTAssertTrue(near(image, empty.x, empty.y, .white))
        let nonWhite = (0..<(640 * 480)).filter { image.pixels[3 * $0] < 250 || image.pixels[3 * $0 + 2] < 250 }.count
        XCTAssertGreaterThan(nonWhite, 3000)
        XCTAssertEqual(chart.series[0].name, "hand-made (AUROC 0.900)")
    }

    /// The legend's AUROC and AP are the exact metrics of the scores (curve areas at full resolution).
    func testCurveAreasMatchMetrics() throws {
        var generator = RandomGenerator(seed: 5)
        var scores = [Float](repeating: 0, count: 300)
        scores.withUnsafeMutableBufferPointer { generator.fillNormal($0, mean: 0, std: 1) }
        let labels = scores.indices.map { i in scores[i] + Float(i % 3) * 0.4 > 0.6 }
        // Ties: round the scores so several share a value.
        let tied = scores.map { ($0 * 4).rounded() / 4 }
        let roc = try AUROC.curve(scores: tied, labels: labels), pr = try AveragePrecision.curve(scores: tied, labels: labels)
        XCTAssertEqual(roc.trapezoidArea, try AUROC.value(scores: tied, labels: labels), accuracy: 1e-12)
        XCTAssertEqual(pr.stepArea, try AveragePrecision.value(scores: tied, labels: labels), accuracy: 1e-12)
        let chart = try Chart.precisionRecall([("model", pr)])
        XCTAssertEqual(chart.series[0].name, String(format: "model (AP %.3f)", try AveragePrecision.value(scores: tied, labels: labels)))
        let positives = Double(labels.filter { $0 }.count) / 300
        XCTAssertEqual(chart.series.last!.y, [positives, positives])
        XCTAssertEqual(try roundTrip(chart, "pr.png").width, 640)
    }

    /// The title's text puts dark pixels in the band above the plot area; without a title the band is white.
    func testTitleTextRenders() throws {
        var chart = try Chart.loss([("train", [1, 0.5, 0.3, 0.25])], title: "Training loss of the washer model")
        func inkAbovePlot() throws -> Int {
            let image = try roundTrip(chart, "loss.png"), top = Int(try chart.plotArea().top)
            return (0..<(top * image.width)).filter { image.pixels[3 * $0] < 128 }.count
        }
        XCTAssertGreaterThan(try inkAbovePlot(), 150)
        chart.title = ""
        XCTAssertEqual(try inkAbovePlot(), 0)
    }

    /// A title wider than the image is drawn smaller and, past the smallest size, cut with an ellipsis: its ink stays
    /// inside the image with white columns at both edges; a short title is kept whole in the full size.
    func testLongTitleFitsTheImage() throws {
        var chart = try Chart.loss([("train", [1, 0.5, 0.3, 0.25])], title: "Loss")
        let short = try chart.fittedTitle()
        XCTAssertEqual(short.text, "Loss")
        chart.title = "Time to accuracy of every preset on all seven categories of the shared data, measured on two cores"
        chart.width = 400
        let fitted = try chart.fittedTitle()
        XCTAssertLessThan(fitted.size, short.size)
        XCTAssertTrue(fitted.text.hasSuffix("…") && fitted.text.count < chart.title.count, fitted.text)
        let image = try roundTrip(chart, "long-title.png"), top = Int(try chart.plotArea().top)
        let inkColumns = Set((0..<(top * image.width)).filter { image.pixels[3 * $0] < 128 }.map { $0 % image.width })
        XCTAssertGreaterThan(inkColumns.count, image.width / 2)
        XCTAssertGreaterThan(inkColumns.min()!, 2)
        XCTAssertLessThan(inkColumns.max()!, image.width - 3)
    }

    func testLogAxisAndLossSeries() throws {
        let chart = try Chart.loss([("train", [2, 0.5, 0.1, 0.05]), ("val", [2.2, 0.7, 0.3, 0.2])], logScale: true)
        XCTAssertEqual(chart.series.map(\.name), ["train", "val"])
        let a = try chart.pixel(x: 1, y: 1), b = try chart.pixel(x: 1, y: 0.1), c = try chart.pixel(x: 1, y: 0.01)
        XCTAssertLessThan(a.y, b.y)
        XCTAssertEqual(b.y - a.y, c.y - b.y, accuracy: 0.5, "decades are equally spaced")
        XCTAssertEqual(try roundTrip(chart, "loss-log.png").height, 480)
        XCTAssertThrowsError(try Chart.loss([("train", [1, 0, 0.5])], logScale: true).render()) {
            XCTAssertEqual("\($0)", "bad series '#1' y: value 0.0 at index 1 cannot be shown on a log axis")
        }
    }

    func testHistogram() throws {
        let scores: [Float] = [0.1, 0.2, 0.2, 0.3, 0.35, 0.8, 0.9, 0.7]
        let labels = [false, false, false, false, false, true, true, true]
        let chart = try Chart.scoreHistogram(scores: scores, labels: labels, bins: 8, threshold: 0.5)
        XCTAssertEqual(chart.bars.map(\.name), ["good (n=5)", "anomalous (n=3)"])
        XCTAssertEqual(chart.bars[0].heights.reduce(0, +), 5)
        XCTAssertEqual(chart.bars[1].heights.reduce(0, +), 3)
        XCTAssertEqual(chart.bars[0].heights[0], 1) // 0.1 alone in [0.1, 0.2)
        let density = try Chart.scoreHistogram(scores: scores, labels: labels, bins: 8, density: true)
        let binWidth = (0.9 - 0.1) / 8.0
        XCTAssertEqual(density.bars[1].heights.reduce(0, +) * binWidth, 1, accuracy: 1e-6)
        let image = try roundTrip(chart, "hist.png")
        let bar = try chart.pixel(x: 0.15, y: 0.5)
        let p = rgb(image, bar.x, bar.y)
        XCTAssertGreaterThan(p.2, p.0 + 40, "the good bar at 0.1...0.2 is blue-tinted: \(p)")
    }

    func testBadInputErrors() throws {
        XCTAssertThrowsError(try Chart.loss([("train", [])]).render()) { XCTAssertEqual("\($0)", "loss series 'train' is empty: nothing to plot") }
        XCTAssertThrowsError(try Chart.loss([("train", [1, .nan, 2])]).render()) {
            XCTAssertEqual("\($0)", "series '#1' y has a NaN or infinite value at index 1")
        }
        XCTAssertThrowsError(try Chart.scoreHistogram(scores: [1, 2], labels: [true])) { XCTAssertEqual("\($0)", "labels has 1 values, expected 2") }
        XCTAssertThrowsError(try Chart.scoreHistogram(scores: [], labels: [])) { XCTAssertEqual("\($0)", "scores is empty: nothing to plot") }
        let chart = try Chart.loss([("train", [1, 0.5])])
        XCTAssertThrowsError(try chart.write(to: folder + "/missing/loss.png")) {
            XCTAssertTrue("\($0)".contains(self.folder + "/missing/loss.png"), "\($0)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/missing"))
        var tiny = chart
        tiny.width = 40
        XCTAssertThrowsError(try tiny.render()) { XCTAssertTrue("\($0)".contains("40x480"), "\($0)") }
    }
}
