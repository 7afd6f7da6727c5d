import Imaging

/// How an anomaly map is coloured and blended.
public struct HeatmapStyle: Sendable, Equatable {
    public var colormap: Colormap
    public var range: ValueRange
    /// Opacity of the colours over the image in overlays, 0...1.
    public var alpha: Float
    /// The ground-truth outline's colour.
    public var maskColor: Color
    /// The outline's thickness in pixels; 0 picks one from the image size (1 pixel per 256).
    public var maskThickness: Int

    public init(colormap: Colormap = .jet, range: ValueRange = .perMap, alpha: Float = 0.5,
                maskColor: Color = .white, maskThickness: Int = 0) {
        self.colormap = colormap
        self.range = range
        self.alpha = alpha
        self.maskColor = maskColor
        self.maskThickness = maskThickness
    }
}

/// Anomaly maps as images: colourised, blended over the inspected image, outlined with the ground truth.
public enum Heatmap {
    /// The map coloured by `style.colormap` over `style.range`, one pixel per value.
    public static func colorize(_ map: AnomalyMap, style: HeatmapStyle = HeatmapStyle()) throws -> Image {
        let (lo, hi) = try style.range.limits(for: map)
        let scale = hi > lo ? 1 / (hi - lo) : 0
        var pixels = [UInt8](repeating: 0, count: map.values.count * 3)
        for (i, v) in map.values.enumerated() {
            (pixels[3 * i], pixels[3 * i + 1], pixels[3 * i + 2]) = style.colormap.rgb((v - lo) * scale)
        }
        return try Image(width: map.width, height: map.height, channels: 3, pixels: pixels)
    }

    /// `image` with the coloured map blended over it at `style.alpha`, and the mask's outline on top.
    ///
    /// Throws `PlotError.sizeMismatch` when the map or the mask is not the image's size.
    public static func overlay(_ map: AnomalyMap, on image: Image, mask: Mask? = nil,
                               style: HeatmapStyle = HeatmapStyle()) throws -> Image {
        try requireSize(map.width, map.height, of: image, argument: "map")
        guard style.alpha >= 0, style.alpha <= 1 else {
            throw PlotError.invalidValue(argument: "alpha", reason: "\(style.alpha) is not in 0...1")
        }
        let colours = try colorize(map, style: style)
        let base = image.rgb()
        let a = style.alpha
        var pixels = base.pixels
        for i in pixels.indices {
            pixels[i] = UInt8((Float(base.pixels[i]) * (1 - a) + Float(colours.pixels[i]) * a).rounded())
        }
        var result = try Image(width: image.width, height: image.height, channels: 3, pixels: pixels)
        if let mask { try outline(mask, on: &result, style: style) }
        return result
    }

    /// Draws the outline of `mask` on `image` in `style.maskColor`.
    public static func outline(_ mask: Mask, on image: inout Image, style: HeatmapStyle = HeatmapStyle()) throws {
        try requireSize(mask.width, mask.height, of: image, argument: "mask")
        image = image.rgb()
        let thickness = style.maskThickness > 0 ? style.maskThickness : max(1, max(image.width, image.height) / 256)
        let (r, g, b) = style.maskColor.bytes
        for (i, edge) in mask.outline(thickness: thickness).enumerated() where edge {
            (image.pixels[3 * i], image.pixels[3 * i + 1], image.pixels[3 * i + 2]) = (r, g, b)
        }
    }

    /// The mask as a black and white image.
    public static func image(of mask: Mask) throws -> Image {
        try Image(width: mask.width, height: mask.height, channels: 1, pixels: mask.bits.map { $0 ? 255 : 0 })
    }

    static func requireSize(_ width: Int, _ height: Int, of image: Image, argument: String) throws {
        guard width == image.width, height == image.height else {
            throw PlotError.sizeMismatch(argument: argument, width: width, height: height,
                                         expectedWidth: image.width, expectedHeight: image.height)
        }
    }
}
