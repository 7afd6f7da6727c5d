import Foundation
import XCTest
import Plots

final class ColormapTests: XCTestCase {
    func bytes(_ map: Colormap, _ t: Float) -> [UInt8] { let c = map.rgb(t); return [c.0, c.1, c.2] }

    /// Endpoints and midpoints against matplotlib's values (jet exact; viridis/inferno anchors exact).
    func testEndpointsMatchMatplotlib() {
        XCTAssertEqual(bytes(.jet, 0), [0, 0, 128])
        XCTAssertEqual(bytes(.jet, 0.25), [0, 129, 255]) // matplotlib: green 0.5039 (128.5)
        XCTAssertEqual(bytes(.jet, 0.5), [125, 255, 122])
        XCTAssertEqual(bytes(.jet, 0.75), [255, 148, 0])
        XCTAssertEqual(bytes(.jet, 1), [128, 0, 0])
        XCTAssertEqual(bytes(.viridis, 0), [0x44, 0x01, 0x54])
        XCTAssertEqual(bytes(.viridis, 1), [0xFD, 0xE7, 0x25])
        XCTAssertEqual(bytes(.inferno, 0), [0x00, 0x00, 0x04])
        XCTAssertEqual(bytes(.inferno, 1), [0xFC, 0xFF, 0xA4])
        // matplotlib viridis(0.5) = (33, 145, 140); the 33-anchor table stays within 2 levels.
        for (a, b) in zip(bytes(.viridis, 0.5), [33, 145, 140] as [Int]) { XCTAssertLessThanOrEqual(abs(Int(a) - b), 2) }
        XCTAssertEqual(bytes(.gray, 0), [0, 0, 0])
        XCTAssertEqual(bytes(.gray, 1), [255, 255, 255])
    }

    func testClampingAndNaN() {
        for map in Colormap.all {
            XCTAssertEqual(bytes(map, -3), bytes(map, 0), map.name)
            XCTAssertEqual(bytes(map, 7), bytes(map, 1), map.name)
            XCTAssertEqual(bytes(map, .nan), bytes(map, 0), map.name)
            XCTAssertEqual(map.table.count, 768)
            XCTAssertEqual(Colormap.named(map.name), map)
        }
        XCTAssertNil(Colormap.named("rainbow"))
    }

    /// Perceptual maps get lighter (CIE L*; viridis's own 8-bit table dips by up to 0.03 in four places,
    /// so steps may not fall by more than 0.1 and every 16 entries gain more than 1); gray and inferno
    /// strictly; jet's hue runs from blue (240) down to red (0).
    func testMonotonicity() {
        func lightness(_ map: Colormap, _ i: Int) -> Double {
            let linear = (0..<3).map { c -> Double in
                let v = Double(map.table[3 * i + c]) / 255
                return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
            }
            let y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
            return y > 0.008856 ? 116 * cbrt(y) - 16 : 903.3 * y
        }
        for map in [Colormap.viridis, .inferno, .gray] {
            let l = (0..<256).map { lightness(map, $0) }
            for i in 1..<256 {
                if map == .viridis { XCTAssertGreaterThan(l[i], l[i - 1] - 0.1, "viridis entry \(i)") }
                else { XCTAssertGreaterThan(l[i], l[i - 1], "\(map.name) entry \(i)") }
            }
            for i in 16..<256 { XCTAssertGreaterThan(l[i], l[i - 16] + 1, "\(map.name) entries \(i - 16)...\(i)") }
        }
        func hue(_ c: [UInt8]) -> Double {
            let r = Double(c[0]), g = Double(c[1]), b = Double(c[2])
            let mx = max(r, g, b), mn = min(r, g, b)
            guard mx > mn else { return 0 }
            if mx == r { return (60 * (g - b) / (mx - mn) + 360).truncatingRemainder(dividingBy: 360) }
            if mx == g { return 60 * (b - r) / (mx - mn) + 120 }
            return 60 * (r - g) / (mx - mn) + 240
        }
        let hues = (0..<256).map { hue(Array(Colormap.jet.table[3 * $0 ..< 3 * $0 + 3])) }
        XCTAssertEqual(hues.first, 240)
        XCTAssertEqual(hues.last, 0)
        for i in 1..<256 { XCTAssertLessThanOrEqual(hues[i], hues[i - 1], "jet entry \(i)") }
    }
}
