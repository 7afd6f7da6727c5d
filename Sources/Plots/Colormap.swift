/// A colormap as a 256-entry lookup table, indexed as matplotlib does (`min(floor(t * 256), 255)`).
public struct Colormap: Sendable, Equatable {
    /// The name used by the `--colormap` option: "jet", "viridis", "inferno", "gray".
    public let name: String
    /// 256 entries of interleaved RGB bytes [256, 3].
    public let table: [UInt8]

    /// A colormap over an explicit table of 256 RGB triples.
    init(name: String, table: [UInt8]) {
        precondition(table.count == 768, "a colormap table has 256 RGB entries")
        self.name = name
        self.table = table
    }

    /// The table entry for `t` in 0...1 (clamped; NaN maps to 0).
    @inlinable
    public func index(_ t: Float) -> Int {
        guard t > 0 else { return 0 }
        return min(Int(t * 256), 255)
    }

    /// The colour of `t` in 0...1 (clamped) as RGB bytes.
    @inlinable
    public func rgb(_ t: Float) -> (UInt8, UInt8, UInt8) {
        let i = 3 * index(t)
        return (table[i], table[i + 1], table[i + 2])
    }

    /// The colour of `t` in 0...1 (clamped).
    public func color(_ t: Float) -> Color {
        let (r, g, b) = rgb(t)
        return Color(red: Double(r) / 255, green: Double(g) / 255, blue: Double(b) / 255)
    }

    /// The colormap called `name`, or nil.
    public static func named(_ name: String) -> Colormap? { all.first { $0.name == name } }

    /// Every built-in colormap.
    public static let all: [Colormap] = [jet, viridis, inferno, gray]

    /// matplotlib's "jet": dark blue, blue, cyan, yellow, red, dark red (piecewise linear segments).
    public static let jet = Colormap(name: "jet", segments: [
        [(0, 0), (0.35, 0), (0.66, 1), (0.89, 1), (1, 0.5)],
        [(0, 0), (0.125, 0), (0.375, 1), (0.64, 1), (0.91, 0), (1, 0)],
        [(0, 0.5), (0.11, 1), (0.34, 1), (0.65, 0), (1, 0)],
    ])

    /// matplotlib's "viridis" (perceptually uniform, dark purple to yellow), from 33 anchors of its table
    /// interpolated linearly (within 2/255 of the original 256 entries).
    public static let viridis = Colormap(name: "viridis", anchors: """
        440154 470d60 48186a 482374 472d7b 453781 424086 3e4989 3b528b 375b8d 33638d 2f6b8e 2c728e 297a8e \
        26828e 23898e 21918c 1f988b 1fa088 22a785 28ae80 32b67a 3fbc73 4ec36b 5ec962 70cf57 84d44b 98d83e \
        addc30 c2df23 d8e219 ece51b fde725
        """)

    /// matplotlib's "inferno" (perceptually uniform, black to pale yellow), from 33 anchors as `viridis`.
    public static let inferno = Colormap(name: "inferno", anchors: """
        000004 040312 0b0724 150b37 210c4a 2f0a5b 3d0965 4a0c6b 57106e 64156e 71196e 7d1e6d 8a226a 972766 \
        a32c61 b0315b bc3754 c73e4c d24644 db503b e45a31 eb6628 f1731d f68013 f98e09 fb9d07 fcac11 fbbc21 \
        f9cb35 f5db4c f2ea69 f3f68a fcffa4
        """)

    /// Black to white.
    public static let gray = Colormap(name: "gray", segments: [[(0, 0), (1, 1)], [(0, 0), (1, 1)], [(0, 0), (1, 1)]])

    /// A table sampled from piecewise-linear channels: per channel, (position, value) points from 0 to 1.
    init(name: String, segments: [[(Double, Double)]]) {
        var table = [UInt8](repeating: 0, count: 768)
        for (channel, points) in segments.enumerated() {
            for i in 0..<256 {
                let x = Double(i) / 255
                let upper = points.firstIndex { $0.0 >= x } ?? points.count - 1
                let (x1, y1) = points[upper], (x0, y0) = points[max(upper - 1, 0)]
                let value = x1 > x0 ? y0 + (y1 - y0) * (x - x0) / (x1 - x0) : y1
                table[3 * i + channel] = UInt8((value * 255).rounded())
            }
        }
        self.init(name: name, table: table)
    }

    /// A table interpolated linearly between evenly spaced hex anchors at entries 0, 8, 16, ..., 248 and 255.
    init(name: String, anchors text: String) {
        let anchors = text.split(separator: " ").map { Color(hex: UInt32($0, radix: 16)!) }
        let positions = (0..<anchors.count - 1).map { Double($0 * 8) } + [255]
        var table = [UInt8](repeating: 0, count: 768)
        for i in 0..<256 {
            let upper = positions.firstIndex { $0 >= Double(i) }!
            let lower = max(upper - 1, 0)
            let span = positions[upper] - positions[lower]
            let f = span > 0 ? (Double(i) - positions[lower]) / span : 0
            let a = anchors[lower], b = anchors[upper]
            let mixed = Color(red: a.red + (b.red - a.red) * f, green: a.green + (b.green - a.green) * f,
                              blue: a.blue + (b.blue - a.blue) * f)
            (table[3 * i], table[3 * i + 1], table[3 * i + 2]) = mixed.bytes
        }
        self.init(name: name, table: table)
    }
}
