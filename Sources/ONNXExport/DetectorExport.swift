import Foundation
import Kernels
import RLRModel
import Script
import Tensors

/// How a detector is exported.
public struct ONNXExportOptions: Sendable {
    /// Fixed batch size, or nil for a dynamic batch dimension "N".
    public var batch: Int?
    public var opset: Int

    public init(batch: Int? = nil, opset: Int = ONNXGraph.defaultOpset) {
        self.batch = batch
        self.opset = opset
    }
}

/// The operating point an exported graph decides with: one entry of a checkpoint's `Calibration`
/// (`Prediction.operatingPoint` chooses it, as for `model predict`) and where it came from.
public struct ExportCalibration: Encodable, Sendable {
    /// The entry's key in `Calibration.categories`: a category, or "*" (`Calibration.pooled`) for all
    /// categories pooled.
    public var category: String
    /// The false-alarm rate the thresholds were chosen for.
    public var fpr: Double
    /// Where the normal images came from.
    public var source: String
    /// The median normal score and the image and pixel thresholds.
    public var entry: CategoryCalibration

    public init(category: String, fpr: Double, source: String, entry: CategoryCalibration) {
        self.category = category; self.fpr = fpr; self.source = source; self.entry = entry
    }
}

/// A trained detector as one ONNX graph: input `image` `[N, 3, S, S]` (RGB in [0, 1]), outputs `map`
/// `[N, S, S]` (the unsmoothed anomaly map, what `model predict` writes as .npy) and `score` `[N]`
/// (max of the Gaussian-smoothed map); with a calibration also `normalized_score` `[N]`, `anomalous`
/// `[N]` and `mask` `[N, S, S]`, decided as `model predict` decides. Metadata: format, rlr version,
/// config, backbone, categories, and the calibration when there is one.
public enum DetectorExport {
    /// The `format` metadata of exported files.
    public static let format = "rlr-onnx/1"

    /// The serialised ONNX model of `detector`; with `calibration`, its decisions are outputs too.
    public static func export(_ detector: Detector, categories: [String], calibration: ExportCalibration? = nil,
                              options: ONNXExportOptions = .init()) throws -> Data {
        let g = try ONNXGraph(opset: options.opset)
        let identity = detector.identity, config = detector.network.config, size = identity.imageSize
        let batch: ONNXDimension = options.batch.map { .fixed($0) } ?? .named("N")
        g.input("image", shape: [batch, .fixed(3), .fixed(size), .fixed(size)])

        let backbone = try ONNXForms.backbone(identity.name)
        let featureMaps = try backbone(g, detector.backbone, "image", size, identity.taps)
        var sum: String? = nil
        for (index, (level, features)) in zip(detector.network.levels, featureMaps).enumerated() {
            let upsampled = try g.scope("level\(index)") {
                let tokens = g.tokens(features, channels: level.channels)
                let scores = try g.tokenScores(level, config: config, tokens: tokens)
                return g.upsample(g.node("Reshape", [scores, g.int64s([0, 1, level.side, level.side])]), size: size)
            }
            sum = sum.map { g.node("Add", [$0, upsampled]) } ?? upsampled
        }
        let map = g.scope("map") {
            g.node("Reshape", [g.node("Div", [sum!, g.scalar(Float(detector.network.levels.count))]), g.int64s([0, size, size])])
        }
        let score = g.scope("score") { g.imageScore(map, size: size, sigma: config.blurSigma) }
        g.output(map, as: "map", shape: [batch, .fixed(size), .fixed(size)])
        g.output(score, as: "score", shape: [batch])
        var outputs = "map: float32 [N, \(size), \(size)], the unsmoothed anomaly map; score: float32 [N], max of the map "
            + "blurred with a Gaussian (sigma \(config.blurSigma), truncate 4, reflect border)"
        if let entry = calibration?.entry {
            // As CategoryCalibration.normalized / isAnomalous and `model predict`'s mask (the unsmoothed map).
            let normalized = g.scope("normalized_score") {
                g.node("Div", [g.node("Sub", [score, g.scalar(entry.scoreMedian)]), g.scalar(entry.scoreScale)])
            }
            let anomalous = g.scope("anomalous") { g.node("Greater", [score, g.scalar(entry.imageThreshold)]) }
            let mask = g.scope("mask") { g.node("Greater", [map, g.scalar(entry.pixelThreshold)]) }
            g.output(normalized, as: "normalized_score", shape: [batch])
            g.output(anomalous, as: "anomalous", shape: [batch], type: .bool)
            g.output(mask, as: "mask", shape: [batch, .fixed(size), .fixed(size)], type: .bool)
            outputs += "; normalized_score: float32 [N], (score - scoreMedian) / (imageThreshold - scoreMedian), 0 for the median "
                + "normal image, 1 at the threshold; anomalous: bool [N], score > imageThreshold; mask: bool [N, \(size), \(size)], "
                + "map > pixelThreshold (the thresholds: the `calibration` entry)"
        }

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
        return try g.model(name: "rlr-detector", metadata: [
            ("format", format), ("rlr_version", Version.string), ("config", try json(config)),
            ("backbone", try json(identity)), ("categories", try json(categories)),
            ("input", "image: float32 [N, 3, \(size), \(size)], RGB in [0, 1], resized to \(size)x\(size) (normalisation inside)"),
            ("outputs", outputs),
        ] + (try calibration.map { [("calibration", try json($0))] } ?? []), producerVersion: Version.string)
    }
}

extension ONNXGraph {
    /// Feature map `[B, C, h, w]` -> AvgPool 3x3 (stride 1, pad 1, zeros counted) -> row-major tokens `[B, h*w, C]`.
    func tokens(_ features: String, channels: Int) -> String {
        let pooled = node("AveragePool", [features], ["kernel_shape": .ints([3, 3]), "strides": .ints([1, 1]),
                                                      "pads": .ints([1, 1, 1, 1]), "count_include_pad": .int(1)])
        return node("Transpose", [node("Reshape", [pooled, int64s([0, channels, -1])])], ["perm": .ints([0, 2, 1])])
    }

    /// One RLR level on clean tokens `[B, N, C]`: the reconstruction and its token scores
    /// `mean_c (F - Y)² + 1 - cos(F, Y)`, `[B, N]`.
    func tokenScores(_ level: RLRLevel, config: RLRConfig, tokens: String) throws -> String {
        let positions = constant(try sinCosPositionalEmbedding(height: level.side, width: level.side, dims: level.dims), name: "positions")
        var x = node("Add", [linear(tokens, level.embed), positions])
        let reference = scope("reference") {
            node("Unsqueeze", [node("Add", [linear(constant(level.reference, name: "reference"), level.referenceEmbed), positions]), int64s([0])])
        }
        let window = NeighborTable.window(height: level.side, width: level.side, size: level.windowSize)
        for (index, layer) in level.layers.enumerated() {
            x = try scope("layer\(index)") {
                var z: String? = nil
                for (block, attention) in zip(config.blocks, layer.attentions) {
                    let form = try ONNXForms.block(block.kind.rawValue)
                    let out = try scope(block.kind.rawValue) {
                        try form(self, ONNXBlockInput(attention: attention, x: x, reference: reference, window: window))
                    }
                    let weighted = block.weight == 1 ? out : node("Mul", [out, scalar(block.weight)])
                    z = z.map { node("Add", [$0, weighted]) } ?? weighted
                }
                let normalized = layerNorm(z!, layer.norm1)
                let feedForward = linear(gelu(linear(normalized, layer.feedForward.first)), layer.feedForward.second)
                return layerNorm(node("Add", [normalized, feedForward]), layer.norm2)
            }
        }
        let output = linear(layerNorm(x, level.norm), level.projection)
        return scope("token_scores") {
            let difference = node("Sub", [output, tokens])
            let squared = reduce("ReduceMean", node("Mul", [difference, difference]), axes: [-1], keepDims: false)
            func unit(_ v: String) -> String {
                let norm = node("Sqrt", [reduce("ReduceSum", node("Mul", [v, v]), axes: [-1], keepDims: true)])
                return node("Div", [v, node("Max", [norm, scalar(config.cosineEpsilon)])])
            }
            let cosine = reduce("ReduceSum", node("Mul", [unit(output), unit(tokens)]), axes: [-1], keepDims: false)
            return node("Add", [squared, node("Sub", [scalar(1), cosine])])
        }
    }

    /// `[B, 1, h, w]` -> `[B, 1, S, S]`, bilinear with aligned corners.
    func upsample(_ grid: String, size: Int) -> String {
        let sizes = node("Concat", [node("Shape", [grid], ["start": .int(0), "end": .int(2)]), int64s([size, size])], ["axis": .int(0)])
        return node("Resize", [grid, "", "", sizes], ["mode": .string("linear"), "coordinate_transformation_mode": .string("align_corners")])
    }

    /// Max of each map `[B, S, S]` blurred with a Gaussian of `sigma` (truncate 4, scipy's reflect
    /// border): rows then columns, each a reflect-padding Gather and a 1-D convolution.
    func imageScore(_ map: String, size: Int, sigma: Float) -> String {
        let taps = Filter.gaussianTaps(sigma: sigma)
        let radius = taps.count / 2
        let padding = int64s((-radius..<(size + radius)).map { Filter.reflect($0, size) }, name: "reflect")
        var x = node("Reshape", [map, int64s([0, 1, size, size])])
        for (axis, kernel) in [(2, [1, 1, taps.count, 1]), (3, [1, 1, 1, taps.count])] {
            x = node("Conv", [node("Gather", [x, padding], ["axis": .int(axis)]), constant(Tensor(shape: kernel, data: taps), name: "gaussian")],
                     ["kernel_shape": .ints(Array(kernel[2...]))])
        }
        return reduce("ReduceMax", x, axes: [1, 2, 3], keepDims: false)
    }
}
