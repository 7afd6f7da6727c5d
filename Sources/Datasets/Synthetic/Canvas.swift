import Imaging
import Kernels

/// A float RGB drawing surface for the synthetic dataset, values 0...1, row-major [H, W].
struct Canvas {
    let width: Int
    let height: Int
    var colors: [SIMD3<Float>]

    init(width: Int, height: Int, paint: (Int, Int) -> SIMD3<Float>) {
        self.width = width
        self.height = height
        colors = []
        colors.reserveCapacity(width * height)
        for y in 0..<height {
            for x in 0..<width { colors.append(paint(x, y)) }
        }
    }

    subscript(x: Int, y: Int) -> SIMD3<Float> {
        get { colors[y * width + x] }
        set { colors[y * width + x] = newValue }
    }

    /// Mixes `color` into pixel (x, y) with opacity `alpha`.
    mutating func blend(_ x: Int, _ y: Int, _ color: SIMD3<Float>, alpha: Float) {
        let a = min(max(alpha, 0), 1)
        self[x, y] = self[x, y] * (1 - a) + color * a
    }

    /// The canvas as an 8-bit RGB image.
    func image() throws -> Image {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for (i, c) in colors.enumerated() {
            for k in 0..<3 { pixels[3 * i + k] = UInt8(min(max(c[k] * 255, 0), 255).rounded()) }
        }
        return try Image(width: width, height: height, channels: 3, pixels: pixels)
    }
}

/// Antialiased coverage of a shape edge: 1 inside (signed distance <= -0.5 px), 0 outside (>= 0.5 px).
func edgeCoverage(signedDistance d: Float) -> Float {
    min(max(0.5 - d, 0), 1)
}

/// Smooth lattice noise in 0...1 (value noise with smoothstep interpolation), several octaves.
struct ValueNoise {
    private let lattices: [(cell: Float, side: Int, values: [Float], weight: Float)]

    /// Octaves of `cells` pixels per lattice cell with relative `weights` (normalised to sum 1).
    init(width: Int, height: Int, cells: [Float], weights: [Float], generator: inout RandomGenerator) {
        let total = weights.reduce(0, +)
        lattices = zip(cells, weights).map { cell, weight in
            let side = Int((Float(max(width, height)) / cell).rounded(.up)) + 2
            let values = (0..<(side * side)).map { _ in generator.nextUniform() }
            return (cell, side, values, weight / total)
        }
    }

    func callAsFunction(_ x: Float, _ y: Float) -> Float {
        var sum: Float = 0
        for lattice in lattices {
            let u = x / lattice.cell, v = y / lattice.cell
            let i = Int(u), j = Int(v)
            let fu = smooth(u - Float(i)), fv = smooth(v - Float(j))
            let s = lattice.side, values = lattice.values
            let top = values[j * s + i] * (1 - fu) + values[j * s + i + 1] * fu
            let bottom = values[(j + 1) * s + i] * (1 - fu) + values[(j + 1) * s + i + 1] * fu
            sum += lattice.weight * (top * (1 - fv) + bottom * fv)
        }
        return sum
    }

    private func smooth(_ t: Float) -> Float { t * t * (3 - 2 * t) }
}

extension RandomGenerator {
    /// Uniform in `range`.
    mutating func uniform(_ range: ClosedRange<Float>) -> Float {
        range.lowerBound + (range.upperBound - range.lowerBound) * nextUniform()
    }
}
