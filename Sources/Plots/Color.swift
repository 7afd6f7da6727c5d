/// An opaque RGB colour with channels in 0...1.
public struct Color: Sendable, Equatable {
    public var red: Double
    public var green: Double
    public var blue: Double

    public init(red: Double, green: Double, blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A colour from a 24-bit `0xRRGGBB` value.
    public init(hex: UInt32) {
        self.init(red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255,
                  blue: Double(hex & 0xFF) / 255)
    }

    /// A gray level (0 black, 1 white).
    public init(gray: Double) { self.init(red: gray, green: gray, blue: gray) }

    public static let white = Color(gray: 1)
    public static let black = Color(gray: 0)
    /// Text and frame colour: a near-black that looks softer than pure black.
    public static let ink = Color(gray: 0.15)
    /// Grid lines.
    public static let grid = Color(gray: 0.9)
    /// Reference lines (chance level).
    public static let reference = Color(gray: 0.55)

    /// The series palette (matplotlib's "tab10" order), cycled by series index.
    public static let palette: [Color] = [0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD,
                                          0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22, 0x17BECF].map { Color(hex: $0) }

    /// The palette colour of series `index`.
    public static func series(_ index: Int) -> Color { palette[index % palette.count] }

    /// The colour as 8-bit channels (rounded).
    public var bytes: (UInt8, UInt8, UInt8) {
        func byte(_ v: Double) -> UInt8 { UInt8((min(max(v, 0), 1) * 255).rounded()) }
        return (byte(red), byte(green), byte(blue))
    }
}
