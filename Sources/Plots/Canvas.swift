import CCairo
import Foundation
import Imaging
import Tensors

/// Where a text's anchor point lies on the text: horizontally.
enum HorizontalAlignment { case left, center, right }
/// Where a text's anchor point lies on the text: vertically (`baseline` of the first line, or the box).
enum VerticalAlignment { case top, middle, baseline, bottom }

/// An RGB drawing surface (a Cairo image surface) in pixel coordinates, origin at the top left.
///
/// Text uses the "DejaVu Sans" face by name (fonts-dejavu-core); lines and text are anti-aliased.
final class Canvas {
    let width: Int
    let height: Int
    private let surface: OpaquePointer
    private let context: OpaquePointer

    /// A canvas filled with `background`.
    init(width: Int, height: Int, background: Color = .white) throws {
        guard width > 0, height > 0, width <= 32_767, height <= 32_767 else {
            throw PlotError.invalidValue(argument: "size", reason: "\(width)x\(height) is not between 1x1 and 32767x32767")
        }
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height))!
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            let reason = String(cString: cairo_status_to_string(cairo_surface_status(surface)))
            cairo_surface_destroy(surface)
            throw PlotError.drawing("\(width)x\(height) surface: \(reason)")
        }
        self.width = width
        self.height = height
        self.surface = surface
        context = cairo_create(surface)
        cairo_select_font_face(context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        fill(x: 0, y: 0, width: Double(width), height: Double(height), color: background)
    }

    deinit {
        cairo_destroy(context)
        cairo_surface_destroy(surface)
    }

    // MARK: Shapes

    /// Fills a rectangle, optionally translucent (`opacity` < 1).
    func fill(x: Double, y: Double, width: Double, height: Double, color: Color, opacity: Double = 1) {
        setColor(color, opacity: opacity)
        cairo_rectangle(context, x, y, width, height)
        cairo_fill(context)
    }

    /// Strokes a rectangle's outline.
    func strokeRectangle(x: Double, y: Double, width: Double, height: Double, color: Color, lineWidth: Double = 1) {
        setColor(color)
        cairo_set_line_width(context, lineWidth)
        cairo_rectangle(context, x, y, width, height)
        cairo_stroke(context)
    }

    /// Strokes a polyline through `points`; `dash` gives on/off lengths in pixels (empty: solid).
    func polyline(_ points: [(Double, Double)], color: Color, lineWidth: Double, dash: [Double] = [], opacity: Double = 1) {
        guard let first = points.first else { return }
        setColor(color, opacity: opacity)
        cairo_set_line_width(context, lineWidth)
        cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(context, dash.isEmpty ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT)
        cairo_set_dash(context, dash, Int32(dash.count), 0)
        cairo_move_to(context, first.0, first.1)
        for point in points.dropFirst() { cairo_line_to(context, point.0, point.1) }
        cairo_stroke(context)
        cairo_set_dash(context, nil, 0, 0)
    }

    /// A straight line; coordinates of 1-pixel lines should sit on half pixels to stay crisp.
    func line(from a: (Double, Double), to b: (Double, Double), color: Color, lineWidth: Double = 1, dash: [Double] = []) {
        polyline([a, b], color: color, lineWidth: lineWidth, dash: dash)
    }

    /// Restricts drawing to a rectangle until `unclip`.
    func clip(x: Double, y: Double, width: Double, height: Double) {
        cairo_save(context)
        cairo_rectangle(context, x, y, width, height)
        cairo_clip(context)
    }

    func unclip() { cairo_restore(context) }

    // MARK: Text

    /// Width and height (ascent + descent) of `text` at `size` pixels.
    func measure(_ text: String, size: Double, bold: Bool = false) -> (width: Double, height: Double) {
        setFont(size: size, bold: bold)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, text, &extents)
        var font = cairo_font_extents_t()
        cairo_font_extents(context, &font)
        return (extents.x_advance, font.ascent + font.descent)
    }

    /// Draws one line of text anchored at (x, y), rotated by `angle` radians (counter-clockwise) around the anchor.
    func text(_ text: String, x: Double, y: Double, size: Double, color: Color = .ink, bold: Bool = false,
              horizontal: HorizontalAlignment = .left, vertical: VerticalAlignment = .baseline, angle: Double = 0) {
        setFont(size: size, bold: bold)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, text, &extents)
        var font = cairo_font_extents_t()
        cairo_font_extents(context, &font)
        let dx: Double = switch horizontal {
        case .left: 0
        case .center: -extents.x_advance / 2
        case .right: -extents.x_advance
        }
        let dy: Double = switch vertical {
        case .top: font.ascent
        case .middle: (font.ascent - font.descent) / 2
        case .baseline: 0
        case .bottom: -font.descent
        }
        cairo_save(context)
        cairo_translate(context, x, y)
        cairo_rotate(context, -angle)
        setColor(color)
        cairo_move_to(context, dx, dy)
        cairo_show_text(context, text)
        cairo_restore(context)
    }

    // MARK: Images

    /// Draws `image` scaled into the rectangle; `smooth` false keeps pixels sharp (nearest neighbour).
    func draw(_ image: Image, x: Double, y: Double, width: Double, height: Double, smooth: Bool = true) {
        let source = Canvas.surface(of: image)
        defer { cairo_surface_destroy(source) }
        cairo_save(context)
        cairo_translate(context, x, y)
        cairo_scale(context, width / Double(image.width), height / Double(image.height))
        cairo_set_source_surface(context, source, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(context), smooth ? CAIRO_FILTER_GOOD : CAIRO_FILTER_NEAREST)
        cairo_rectangle(context, 0, 0, Double(image.width), Double(image.height))
        cairo_fill(context)
        cairo_restore(context)
    }

    /// The canvas as an RGB image.
    func image() throws -> Image {
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = cairo_image_surface_get_data(surface)!
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        data.withMemoryRebound(to: UInt32.self, capacity: stride / 4 * height) { words in
            for y in 0..<height {
                let row = words + y * (stride / 4)
                for x in 0..<width {
                    let word = row[x], i = 3 * (y * width + x)
                    pixels[i] = UInt8((word >> 16) & 0xFF)
                    pixels[i + 1] = UInt8((word >> 8) & 0xFF)
                    pixels[i + 2] = UInt8(word & 0xFF)
                }
            }
        }
        return try Image(width: width, height: height, channels: 3, pixels: pixels)
    }

    // MARK: Private

    private func setColor(_ color: Color, opacity: Double = 1) {
        if opacity < 1 {
            cairo_set_source_rgba(context, color.red, color.green, color.blue, opacity)
        } else {
            cairo_set_source_rgb(context, color.red, color.green, color.blue)
        }
    }

    private func setFont(size: Double, bold: Bool) {
        cairo_select_font_face(context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, size)
    }

    /// A Cairo RGB24 surface holding `image` (gray replicated); the caller destroys it.
    private static func surface(of image: Image) -> OpaquePointer {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(image.width), Int32(image.height))!
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = cairo_image_surface_get_data(surface)!
        let rgb = image.rgb()
        data.withMemoryRebound(to: UInt32.self, capacity: stride / 4 * image.height) { words in
            rgb.pixels.withUnsafeBufferPointer { pixels in
                for y in 0..<image.height {
                    let row = words + y * (stride / 4)
                    for x in 0..<image.width {
                        let i = 3 * (y * image.width + x)
                        row[x] = UInt32(pixels[i]) << 16 | UInt32(pixels[i + 1]) << 8 | UInt32(pixels[i + 2])
                    }
                }
            }
        }
        cairo_surface_mark_dirty(surface)
        return surface
    }
}

extension Image {
    /// Writes the image as PNG atomically (temp file + rename); errors name `path`.
    func writePlot(to path: String) throws {
        try AtomicFile.write(try pngData(), to: path)
    }
}
