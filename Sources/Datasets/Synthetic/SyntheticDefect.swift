import Foundation
import Kernels

/// Defects painted onto a synthetic image, each with its exact mask (pixels at least half covered).
enum SyntheticDefect: String, CaseIterable {
    /// A thin curved line (a Bezier stroke) in the surface's scratch colour.
    case scratch
    /// A dark round pit, lighter towards its rim.
    case hole
    /// A translucent blob with a wavy outline (rust, oil or dirt).
    case stain
    /// A chunk of the object removed, showing the background.
    case missing

    /// Paints the defect on `canvas` and returns its mask [H * W].
    func paint(on canvas: inout Canvas, scene: SyntheticScene, generator: inout RandomGenerator) -> [Bool] {
        let scale = Float(canvas.width) / 256
        let site = scene.defectSite(&generator)
        var mask = [Bool](repeating: false, count: canvas.width * canvas.height)
        // Paints `color` with opacity `opacity(coverage, x, y)` where `coverage(x, y)` > 0, inside `radius` of `center`.
        func shade(around center: SIMD2<Float>, radius: Float, coverage: (Float, Float) -> Float,
                   color: (Float, Float) -> SIMD3<Float>, opacity: (Float) -> Float) {
            let x0 = max(Int(center.x - radius - 2), 0), x1 = min(Int(center.x + radius + 2), canvas.width - 1)
            let y0 = max(Int(center.y - radius - 2), 0), y1 = min(Int(center.y + radius + 2), canvas.height - 1)
            guard x0 <= x1, y0 <= y1 else { return }
            for y in y0...y1 {
                for x in x0...x1 {
                    let px = Float(x) + 0.5, py = Float(y) + 0.5
                    let c = coverage(px, py) * scene.objectCoverage(px, py)
                    guard c > 0 else { continue }
                    canvas.blend(x, y, color(px, py), alpha: opacity(c))
                    if c >= 0.5 { mask[y * canvas.width + x] = true }
                }
            }
        }
        switch self {
        case .scratch:
            let angle = generator.uniform(0...(2 * Float.pi))
            let strokeLength = generator.uniform(40...100) * scale
            let direction = SIMD2(cos(angle), sin(angle))
            let end = site + direction * strokeLength
            let bow = SIMD2(-direction.y, direction.x) * generator.uniform(-0.2...0.2) * strokeLength
            let control = (site + end) / 2 + bow
            let halfWidth = generator.uniform(0.9...1.6) * scale
            let points = (0...48).map { i -> SIMD2<Float> in
                let t = Float(i) / 48
                return site * (1 - t) * (1 - t) + control * 2 * t * (1 - t) + end * t * t
            }
            let center = (points.min { $0.x < $1.x }!.x + points.max { $0.x < $1.x }!.x) / 2
            let middle = SIMD2(center, (points.min { $0.y < $1.y }!.y + points.max { $0.y < $1.y }!.y) / 2)
            let radius = points.map { length($0 - middle) }.max()! + halfWidth
            let color = scene.scratchColor
            shade(around: middle, radius: radius, coverage: { x, y in
                edgeCoverage(signedDistance: distance(from: SIMD2(x, y), toPolyline: points) - halfWidth)
            }, color: { _, _ in color }, opacity: { 0.9 * $0 })
        case .hole:
            let radius = generator.uniform(5...12) * scale
            shade(around: site, radius: radius, coverage: { x, y in
                edgeCoverage(signedDistance: length(SIMD2(x, y) - site) - radius)
            }, color: { x, y in
                SIMD3(0.05, 0.045, 0.04) + SIMD3(repeating: 0.14) * (length(SIMD2(x, y) - site) / radius)
            }, opacity: { $0 })
        case .stain:
            let radius = generator.uniform(9...22) * scale
            let phases = (generator.uniform(0...6.3), generator.uniform(0...6.3))
            let palette: [SIMD3<Float>] = [SIMD3(0.45, 0.28, 0.10), SIMD3(0.22, 0.26, 0.10), SIMD3(0.10, 0.09, 0.11)]
            let color = palette[Int(generator.next() % UInt64(palette.count))]
            let outline = { (theta: Float) in radius * (1 + 0.22 * sin(3 * theta + phases.0) + 0.12 * sin(5 * theta + phases.1)) }
            shade(around: site, radius: radius * 1.4, coverage: { x, y in
                let d = SIMD2(x, y) - site
                return edgeCoverage(signedDistance: length(d) - outline(atan2(d.y, d.x)))
            }, color: { _, _ in color }, opacity: { 0.72 * $0 })
        case .missing:
            let radius = generator.uniform(14...24) * scale
            shade(around: site, radius: radius, coverage: { x, y in
                edgeCoverage(signedDistance: length(SIMD2(x, y) - site) - radius)
            }, color: { x, y in scene.background(x, y) }, opacity: { $0 })
        }
        return mask
    }
}

/// Distance from `p` to the nearest segment of `points`.
private func distance(from p: SIMD2<Float>, toPolyline points: [SIMD2<Float>]) -> Float {
    var best = Float.infinity
    for i in 1..<points.count {
        let a = points[i - 1], ab = points[i] - a
        let t = min(max(((p - a) * ab).sum() / max((ab * ab).sum(), 1e-12), 0), 1)
        best = min(best, length(p - (a + ab * t)))
    }
    return best
}
