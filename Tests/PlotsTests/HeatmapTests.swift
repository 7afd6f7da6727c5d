import XCTest
import Imaging
import Plots
import Tensors

final class HeatmapTests: XCTestCase {
    let gray = try! Image(width: 64, height: 48, channels: 3, value: 128)

    /// A 64x48 map: 1 in the square x 20..<40, y 10..<30, else 0.
    func squareMap() throws -> AnomalyMap {
        var values = [Float](repeating: 0, count: 64 * 48)
        for y in 10..<30 { for x in 20..<40 { values[y * 64 + x] = 1 } }
        return try AnomalyMap(width: 64, height: 48, values: values)
    }

    func pixel(_ image: Image, _ x: Int, _ y: Int) -> [UInt8] { (0..<3).map { image[x, y, $0] } }

    /// Hot pixels turn red-dominant and cold pixels blue-dominant: jet(1) = (128, 0, 0), jet(0) = (0, 0, 128)
    /// blended half and half with gray 128.
    func testOverlayColourDominance() throws {
        let overlay = try Heatmap.overlay(try squareMap(), on: gray)
        XCTAssertEqual(pixel(overlay, 30, 20), [128, 64, 64])
        XCTAssertEqual(pixel(overlay, 5, 5), [64, 64, 128])
        let opaque = try Heatmap.overlay(try squareMap(), on: gray, style: HeatmapStyle(alpha: 1))
        XCTAssertEqual(pixel(opaque, 30, 20), [128, 0, 0])
        let invisible = try Heatmap.overlay(try squareMap(), on: gray, style: HeatmapStyle(alpha: 0))
        XCTAssertEqual(invisible.pixels, gray.pixels)
        // A one-channel image is replicated to RGB before blending.
        let single = try Heatmap.overlay(try squareMap(), on: try Image(width: 64, height: 48, channels: 1, value: 128))
        XCTAssertEqual(single, overlay)
    }

    /// A fixed range clamps: with 0...4 the value 1 sits at a quarter of jet (light blue), not at the top
    /// (entry 64: green 0.5039 * 255 = 128.5, rounded up).
    func testFixedRange() throws {
        let colours = try Heatmap.colorize(try squareMap(), style: HeatmapStyle(range: .fixed(0, 4)))
        XCTAssertEqual(pixel(colours, 30, 20), [0, 129, 255])
        XCTAssertThrowsError(try Heatmap.colorize(try squareMap(), style: HeatmapStyle(range: .fixed(2, 1)))) {
            XCTAssertTrue("\($0)".contains("range"), "\($0)")
        }
    }

    /// The outline of a 20x20 square mask is its 76 border pixels, drawn white; inside and outside keep the overlay.
    func testMaskOutline() throws {
        let mask = Mask(try squareMap())
        XCTAssertEqual(mask.outline(thickness: 1).filter { $0 }.count, 76)
        XCTAssertEqual(mask.outline(thickness: 2).filter { $0 }.count, 400 - 256)
        let overlay = try Heatmap.overlay(try squareMap(), on: gray, mask: mask, style: HeatmapStyle(maskThickness: 1))
        for (x, y) in [(20, 10), (39, 29), (20, 20), (30, 10), (39, 15)] { XCTAssertEqual(pixel(overlay, x, y), [255, 255, 255], "(\(x), \(y))") }
        XCTAssertEqual(pixel(overlay, 30, 20), [128, 64, 64])
        XCTAssertEqual(pixel(overlay, 19, 20), [64, 64, 128])
        let white = overlay.pixels.count / 3 - (0..<(64 * 48)).filter { overlay.pixels[3 * $0] != 255 || overlay.pixels[3 * $0 + 2] != 255 }.count
        XCTAssertEqual(white, 76)
    }

    func testTensorMapsAndErrors() throws {
        let map = try AnomalyMap(Tensor(shape: [1, 2, 3], data: [0, 1, 2, 3, 4, 5]))
        XCTAssertEqual([map.width, map.height], [3, 2])
        XCTAssertThrowsError(try AnomalyMap(Tensor(shape: [2, 2, 3], data: Array(repeating: 0, count: 12)))) {
            XCTAssertEqual("\($0)", "map has shape [2, 2, 3], expected [H, W] (or [1, H, W])")
        }
        XCTAssertThrowsError(try AnomalyMap(width: 3, height: 2, values: [0, 1, 2, 3, .nan, 5])) {
            XCTAssertEqual("\($0)", "map has a NaN or infinite value at row 1, column 1")
        }
        XCTAssertThrowsError(try Heatmap.overlay(map, on: gray)) {
            XCTAssertEqual("\($0)", "map is 3x2 but the image is 64x48")
        }
        XCTAssertThrowsError(try Heatmap.overlay(try squareMap(), on: gray, style: HeatmapStyle(alpha: 1.5))) {
            XCTAssertTrue("\($0)".contains("alpha"))
        }
        let smallMask = Mask(map)
        XCTAssertThrowsError(try Heatmap.overlay(try squareMap(), on: gray, mask: smallMask)) {
            XCTAssertEqual("\($0)", "mask is 3x2 but the image is 64x48")
        }
    }

    /// The caption strip adds text above an unchanged image; the panel places four panels and a colour bar.
    func testCaptionAndPanel() throws {
        let overlay = try Heatmap.overlay(try squareMap(), on: gray)
        XCTAssertEqual(try SampleFigure.captioned(overlay), overlay)
        let captioned = try SampleFigure.captioned(overlay, title: "washer", score: 0.73)
        let strip = captioned.height - 48
        XCTAssertGreaterThan(strip, 10)
        XCTAssertEqual(Array(captioned.pixels[(strip * 64 * 3)...]), overlay.pixels)
        let ink = (0..<(strip * 64)).filter { captioned.pixels[3 * $0] < 128 }.count
        XCTAssertGreaterThan(ink, 20, "title and score text are drawn")

        let panel = try SampleFigure.panel(image: gray, map: try squareMap(), mask: Mask(try squareMap()), title: "t", panelHeight: 96)
        XCTAssertGreaterThan(panel.width, 4 * 128)
        XCTAssertLessThan(panel.width, 4 * 128 + 200)
    }
}
