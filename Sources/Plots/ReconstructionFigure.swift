import Foundation
import Imaging
import Tensors

/// What a reconstruction model made of one feature level: the features and their reconstruction
/// projected to RGB with ONE PCA fitted on both (so equal colours mean equal features), next to the
/// level's error map, so that a defect reconstructed as normal stands out.
public enum ReconstructionFigure {
    /// Features and reconstruction `[C, h, w]` as two RGB images: the top three principal components of
    /// their tokens together, each scaled to [0, 255] over both images.
    public static func pcaImages(features: Tensor, reconstruction: Tensor) throws -> (features: Image, reconstruction: Image) {
        guard features.rank == 3, features.shape == reconstruction.shape, features.shape[0] >= 3 else {
            throw PlotError.invalidValue(argument: "reconstruction", reason: "features \(features.shape) and reconstruction "
                                         + "\(reconstruction.shape) must both be [C, h, w] with C >= 3")
        }
        let (c, h, w) = (features.shape[0], features.shape[1], features.shape[2])
        func tokens(_ t: Tensor) -> [Float] { t.reshaped([c, h * w]).transposed(0, 1).contiguous().toArray() }
        let (f, r) = (tokens(features), tokens(reconstruction))
        let pca = try PCA(rows: f + r, dimension: c, count: 3)
        let projected = pca.project(f + r)
        var low = [Double](repeating: .infinity, count: 3), high = [Double](repeating: -.infinity, count: 3)
        for (i, value) in projected.enumerated() { low[i % 3] = Swift.min(low[i % 3], value); high[i % 3] = Swift.max(high[i % 3], value) }
        let bytes = projected.enumerated().map { i, value -> UInt8 in
            let span = high[i % 3] - low[i % 3]
            return UInt8((span > 0 ? (value - low[i % 3]) / span * 255 : 128).rounded())
        }
        let half = h * w * 3
        return (try Image(width: w, height: h, channels: 3, pixels: Array(bytes[..<half])),
                try Image(width: w, height: h, channels: 3, pixels: Array(bytes[half...])))
    }

    /// [image |] features (PCA) | reconstruction (PCA) | error map, `panelHeight` pixels high, with captions.
    public static func render(features: Tensor, reconstruction: Tensor, map: Tensor, image: Image? = nil,
                              title: String = "", colormap: Colormap = .jet, panelHeight: Int = 256) throws -> Image {
        let (f, r) = try pcaImages(features: features, reconstruction: reconstruction)
        let errors = try AnomalyMap(map, argument: "map")
        guard errors.width == f.width, errors.height == f.height else {
            throw PlotError.sizeMismatch(argument: "map", width: errors.width, height: errors.height, expectedWidth: f.width, expectedHeight: f.height)
        }
        let (lo, hi) = errors.extent
        let panels = (image.map { [("Image", $0.rgb())] } ?? [])
            + [("Features (PCA)", f), ("Reconstruction (PCA)", r),
               ("Error \(SampleFigure.format(Double(lo)))-\(SampleFigure.format(Double(hi)))", try Heatmap.colorize(errors, style: HeatmapStyle(colormap: colormap)))]
        return try PanelRow.render(panels, title: title, panelHeight: panelHeight)
    }
}

/// Captioned images side by side, all `panelHeight` pixels high (token-sized images are enlarged without smoothing).
enum PanelRow {
    static func render(_ panels: [(caption: String, image: Image)], title: String = "", panelHeight: Int) throws -> Image {
        guard panelHeight >= 32 else { throw PlotError.invalidValue(argument: "panel height", reason: "\(panelHeight) is below 32 pixels") }
        let m = ChartMetrics(width: 640, height: 480)
        let probe = try Canvas(width: 1, height: 1)
        let h = Double(panelHeight), gap = m.pad * 1.25, margin = m.pad * 1.5
        let widths = panels.map { (h * Double($0.image.width) / Double($0.image.height)).rounded() }
        let captionHeight = probe.measure("Ag", size: m.label).height + m.pad / 2
        let headingHeight = title.isEmpty ? 0 : probe.measure(title, size: m.title, bold: true).height + m.pad
        let captionWidths = panels.map { probe.measure($0.caption, size: m.label).width }
        let columns = zip(widths, captionWidths).map { Swift.max($0, $1) }
        let width = Int((2 * margin + columns.reduce(0, +) + gap * Double(panels.count - 1)).rounded(.up))
        let height = Int((2 * margin + headingHeight + captionHeight + h).rounded(.up))
        let canvas = try Canvas(width: width, height: height)
        if !title.isEmpty { canvas.text(title, x: margin, y: margin, size: m.title, bold: true, vertical: .top) }
        let top = margin + headingHeight + captionHeight
        var x = margin
        for (index, panel) in panels.enumerated() {
            let left = x + (columns[index] - widths[index]) / 2
            canvas.text(panel.caption, x: x + columns[index] / 2, y: top - m.pad / 2, size: m.label, horizontal: .center, vertical: .bottom)
            canvas.draw(panel.image, x: left, y: top, width: widths[index], height: h, smooth: panel.image.height * 4 > panelHeight)
            x += columns[index] + gap
        }
        return try canvas.image()
    }
}
