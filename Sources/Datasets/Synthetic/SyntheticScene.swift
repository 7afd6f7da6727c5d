import Foundation
import Kernels

/// The normal appearance of one synthetic category: colours per pixel, drawn from per-image random parameters.
protocol SyntheticScene {
    /// Colour of the defect-free image at pixel centre (x, y).
    func color(_ x: Float, _ y: Float) -> SIMD3<Float>
    /// Colour of the object itself at (x, y) (the whole image for textures).
    func objectColor(_ x: Float, _ y: Float) -> SIMD3<Float>
    /// Colour seen where part of the object is missing (the background), at (x, y).
    func background(_ x: Float, _ y: Float) -> SIMD3<Float>
    /// How much of pixel (x, y) the object covers (1 everywhere for textures).
    func objectCoverage(_ x: Float, _ y: Float) -> Float
    /// A random point where a defect may be centred (on the object).
    func defectSite(_ generator: inout RandomGenerator) -> SIMD2<Float>
    /// The colour of a scratch on this surface.
    var scratchColor: SIMD3<Float> { get }
}

extension SyntheticScene {
    func render(size: Int) -> Canvas {
        Canvas(width: size, height: size) { x, y in color(Float(x) + 0.5, Float(y) + 0.5) }
    }
}

/// A plain-woven fabric (texture): threads alternating over and under, fibre noise, a beige dye.
struct WeaveScene: SyntheticScene {
    let size: Float
    let period: Float
    let phase: SIMD2<Float>
    let dye: SIMD3<Float>
    let fibres: ValueNoise

    init(size: Int, generator: inout RandomGenerator) {
        self.size = Float(size)
        period = Float(size) / 16 * generator.uniform(0.97...1.03)
        phase = SIMD2(generator.uniform(0...100), generator.uniform(0...100))
        dye = SIMD3(0.76, 0.66, 0.50) * generator.uniform(0.95...1.05)
        fibres = ValueNoise(width: size, height: size, cells: [1.5, 4], weights: [0.6, 0.4], generator: &generator)
    }

    func color(_ x: Float, _ y: Float) -> SIMD3<Float> {
        let u = (x + phase.x) / period, v = (y + phase.y) / period
        let cellU = Int(floor(u)), cellV = Int(floor(v))
        let fu = u - floor(u), fv = v - floor(v)
        // The thread on top in this cell: horizontal ones on even cells, vertical ones on odd cells.
        let horizontalOnTop = (cellU + cellV) & 1 == 0
        let across = horizontalOnTop ? fv : fu
        let along = horizontalOnTop ? fu : fv
        let profile = sin(Float.pi * across)                      // rounded thread cross-section
        let bend = 0.8 + 0.2 * sin(Float.pi * along)              // thread dips where it goes under
        let gap: Float = across < 0.08 || across > 0.92 ? 0.55 : 1
        let shade = (0.45 + 0.55 * profile * bend) * gap + 0.12 * (fibres(x, y) - 0.5)
        return dye * shade
    }

    func objectColor(_ x: Float, _ y: Float) -> SIMD3<Float> { color(x, y) }
    func background(_ x: Float, _ y: Float) -> SIMD3<Float> { color(x, y) }
    func objectCoverage(_ x: Float, _ y: Float) -> Float { 1 }
    func defectSite(_ generator: inout RandomGenerator) -> SIMD2<Float> {
        SIMD2(generator.uniform(0.15...0.85), generator.uniform(0.15...0.85)) * size
    }
    var scratchColor: SIMD3<Float> { SIMD3(0.25, 0.2, 0.15) }
}

/// Speckled stone (texture): fractal noise in grey-blue with dark and light grains.
struct GraniteScene: SyntheticScene {
    let size: Float
    let base: SIMD3<Float>
    let clouds: ValueNoise
    let grains: ValueNoise

    init(size: Int, generator: inout RandomGenerator) {
        self.size = Float(size)
        base = SIMD3(0.55, 0.57, 0.62) * generator.uniform(0.95...1.05)
        clouds = ValueNoise(width: size, height: size, cells: [48, 20, 8], weights: [0.5, 0.3, 0.2], generator: &generator)
        grains = ValueNoise(width: size, height: size, cells: [2.5], weights: [1], generator: &generator)
    }

    func color(_ x: Float, _ y: Float) -> SIMD3<Float> {
        let cloud = clouds(x, y), grain = grains(x, y)
        var c = base * (0.75 + 0.5 * cloud)
        if grain > 0.78 { c *= 0.55 } else if grain < 0.2 { c = c * 0.6 + SIMD3(repeating: 0.4) }
        return c
    }

    func objectColor(_ x: Float, _ y: Float) -> SIMD3<Float> { color(x, y) }
    func background(_ x: Float, _ y: Float) -> SIMD3<Float> { color(x, y) }
    func objectCoverage(_ x: Float, _ y: Float) -> Float { 1 }
    func defectSite(_ generator: inout RandomGenerator) -> SIMD2<Float> {
        SIMD2(generator.uniform(0.15...0.85), generator.uniform(0.15...0.85)) * size
    }
    var scratchColor: SIMD3<Float> { SIMD3(0.88, 0.88, 0.9) }
}

/// A machined metal washer seen from above (object): centred ring, brushed concentric grooves,
/// directional light, on a dark textured table. The pose is fixed up to a pixel or two.
struct WasherScene: SyntheticScene {
    let size: Float
    let center: SIMD2<Float>
    let outerRadius: Float
    let innerRadius: Float
    let lightAngle: Float
    let table: ValueNoise

    init(size: Int, generator: inout RandomGenerator) {
        let s = Float(size)
        self.size = s
        center = SIMD2(repeating: s / 2) + SIMD2(generator.uniform(-2...2), generator.uniform(-2...2)) * s / 256
        outerRadius = s * 0.35 * generator.uniform(0.99...1.01)
        innerRadius = s * 0.15
        lightAngle = generator.uniform(-0.2...0.2) - Float.pi / 4
        table = ValueNoise(width: size, height: size, cells: [3, 24], weights: [0.5, 0.5], generator: &generator)
    }

    func background(_ x: Float, _ y: Float) -> SIMD3<Float> {
        SIMD3(0.16, 0.17, 0.19) * (0.8 + 0.4 * table(x, y))
    }

    func objectCoverage(_ x: Float, _ y: Float) -> Float {
        let r = length(SIMD2(x, y) - center)
        return min(edgeCoverage(signedDistance: r - outerRadius), edgeCoverage(signedDistance: innerRadius - r))
    }

    func objectColor(_ x: Float, _ y: Float) -> SIMD3<Float> {
        let d = SIMD2(x, y) - center
        let r = length(d), theta = atan2(d.y, d.x)
        let lit = 0.62 + 0.22 * cos(theta - lightAngle)
        let grooves = 0.035 * sin(r * 1.9)
        let bevel: Float = r > outerRadius - 6 || r < innerRadius + 5 ? 0.82 : 1
        return SIMD3(0.80, 0.80, 0.83) * (lit + grooves) * bevel
    }

    func color(_ x: Float, _ y: Float) -> SIMD3<Float> {
        let a = objectCoverage(x, y)
        return a == 0 ? background(x, y) : objectColor(x, y) * a + background(x, y) * (1 - a)
    }

    func defectSite(_ generator: inout RandomGenerator) -> SIMD2<Float> {
        let margin = size * 0.045
        let r = generator.uniform((innerRadius + margin)...(outerRadius - margin))
        let theta = generator.uniform(0...(2 * Float.pi))
        return center + SIMD2(cos(theta), sin(theta)) * r
    }

    var scratchColor: SIMD3<Float> { SIMD3(0.97, 0.97, 0.99) }
}

/// Euclidean length of a 2-D vector.
@inline(__always) func length(_ v: SIMD2<Float>) -> Float { (v * v).sum().squareRoot() }
