import Foundation
import Plugins
import Tensors

/// The entry point rlr looks up (C ABI): registers resnet18, resnet34, resnet50 and wide-resnet50-2.
@_cdecl("rlr_plugin_init")
public func rlrPluginInit(_ hostAPIVersion: UInt32, _ registrar: UnsafeMutableRawPointer) -> Int32 {
    PluginRegistrar.initialize(hostAPIVersion, registrar, name: "resnet", version: "1.0.0") { r in
        for variant in ResNet.Variant.all {
            r.backbone(variant.name) { path in try ResNet(variant, weightsPath: path ?? ResNet.defaultWeights(variant.name)) }
        }
    }
}

/// A weights file that does not hold the expected network; names the file and what is wrong.
struct ResNetError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// A convolution with its batch norm folded in (eval mode): `w' = w γ/σ`, `b' = β - μ γ/σ`, `σ = sqrt(var + 1e-5)`.
struct FoldedConv {
    let weight: Tensor
    let bias: Tensor
    let stride: Int
    let padding: Int

    init(_ weights: [String: Tensor], conv: String, norm: String, stride: Int, padding: Int, path: String) throws {
        func tensor(_ key: String) throws -> Tensor {
            guard let t = weights[key] else { throw ResNetError(message: "\(path): no tensor \(key) (not a torchvision ResNet state dict?)") }
            return t
        }
        let w = try tensor(conv + ".weight")
        let (gamma, beta) = (try tensor(norm + ".weight").toArray(), try tensor(norm + ".bias").toArray())
        let (mean, variance) = (try tensor(norm + ".running_mean").toArray(), try tensor(norm + ".running_var").toArray())
        let outputs = w.shape[0]
        guard w.rank == 4, [gamma.count, beta.count, mean.count, variance.count].allSatisfy({ $0 == outputs }) else {
            throw ResNetError(message: "\(path): \(conv).weight \(w.shape) does not fit \(norm) of \(gamma.count) channels")
        }
        let scale = (0..<outputs).map { gamma[$0] / (variance[$0] + 1e-5).squareRoot() }
        let perOutput = w.count / outputs
        let values = w.contiguous().toArray()
        weight = Tensor(shape: w.shape, data: values.indices.map { values[$0] * scale[$0 / perOutput] })
        bias = Tensor(shape: [outputs], data: (0..<outputs).map { beta[$0] - mean[$0] * scale[$0] })
        self.stride = stride
        self.padding = padding
    }

    var outputs: Int { weight.shape[0] }

    func callAsFunction(_ x: Tensor) -> Tensor {
        x.conv2d(weight, bias: bias, stride: (stride, stride), padding: Padding2D(padding))
    }
}

/// A residual block: basic (two 3x3) or bottleneck (1x1, 3x3 with the stride, 1x1), torchvision's v1.5.
struct ResidualBlock {
    let convs: [FoldedConv]
    let downsample: FoldedConv?

    func callAsFunction(_ x: Tensor) -> Tensor {
        var y = x
        for (i, conv) in convs.enumerated() {
            y = conv(y)
            if i < convs.count - 1 { y = y.relu() }
        }
        return (y + (downsample?(x) ?? x)).relu()
    }
}

/// ResNet-18/34/50 and Wide-ResNet-50-2 as frozen feature extractors: stem (7x7/2 conv, 3x3/2 max pool)
/// and the four stages, taps `layer1`..`layer4` (strides 4, 8, 16, 32). Widths come from the weights, so
/// reduced-width state dicts of the same depth load too.
public final class ResNet: Backbone, @unchecked Sendable {
    /// A depth and block type, with the width rule it is checked against.
    public struct Variant: Sendable {
        public let name: String
        public let blocks: [Int]
        public let bottleneck: Bool
        /// Inner width of a bottleneck / its output width / 4 (1 for ResNet-50, 2 for the wide one).
        public let widthFactor: Int

        public static let all = [
            Variant(name: "resnet18", blocks: [2, 2, 2, 2], bottleneck: false, widthFactor: 1),
            Variant(name: "resnet34", blocks: [3, 4, 6, 3], bottleneck: false, widthFactor: 1),
            Variant(name: "resnet50", blocks: [3, 4, 6, 3], bottleneck: true, widthFactor: 1),
            Variant(name: "wide-resnet50-2", blocks: [3, 4, 6, 3], bottleneck: true, widthFactor: 2),
        ]
    }

    public let name: String
    public let taps: [FeatureTap]
    let stem: FoldedConv
    let stages: [[ResidualBlock]]

    /// ImageNet normalisation applied to unit-range input.
    static let mean: [Float] = [0.485, 0.456, 0.406]
    static let std: [Float] = [0.229, 0.224, 0.225]

    /// The weights file of `name` when none is given: `$RLR_RESNET_WEIGHTS/<name>.{pth,safetensors}`.
    static func defaultWeights(_ name: String) throws -> String {
        guard let folder = ProcessInfo.processInfo.environment["RLR_RESNET_WEIGHTS"], !folder.isEmpty else {
            throw ResNetError(message: "\(name) needs torchvision weights: set RLR_RESNET_WEIGHTS to a folder holding \(name).pth or \(name).safetensors")
        }
        for ext in ["pth", "safetensors"] where FileManager.default.fileExists(atPath: "\(folder)/\(name).\(ext)") {
            return "\(folder)/\(name).\(ext)"
        }
        throw ResNetError(message: "\(folder) holds neither \(name).pth nor \(name).safetensors (RLR_RESNET_WEIGHTS)")
    }

    /// Loads a torchvision state dict (.pth zip or legacy, or safetensors) of `variant`.
    public init(_ variant: Variant, weightsPath path: String) throws {
        var weights = try HostServices.readWeights(path)
        if weights["conv1.weight"] == nil, weights.keys.contains(where: { $0.hasPrefix("module.") }) {
            weights = Dictionary(uniqueKeysWithValues: weights.map { (String($0.key.dropFirst(7)), $0.value) })
        }
        stem = try FoldedConv(weights, conv: "conv1", norm: "bn1", stride: 2, padding: 3, path: path)
        var stages: [[ResidualBlock]] = []
        var taps: [FeatureTap] = []
        for (index, count) in variant.blocks.enumerated() {
            let layer = "layer\(index + 1)"
            let found = Set(weights.keys.filter { $0.hasPrefix(layer + ".") }.compactMap { Int($0.split(separator: ".")[1]) })
            guard found == Set(0..<count) else {
                throw ResNetError(message: "\(path): \(layer) has \(found.count) blocks, \(variant.name) has \(count)")
            }
            var blocks: [ResidualBlock] = []
            for b in 0..<count {
                let prefix = "\(layer).\(b)"
                let stride = b == 0 && index > 0 ? 2 : 1
                let hasThird = weights["\(prefix).conv3.weight"] != nil
                guard hasThird == variant.bottleneck else {
                    throw ResNetError(message: "\(path): \(prefix) is a \(hasThird ? "bottleneck" : "basic") block, \(variant.name) has \(variant.bottleneck ? "bottleneck" : "basic") blocks")
                }
                let convs: [FoldedConv]
                if variant.bottleneck {
                    convs = [try FoldedConv(weights, conv: "\(prefix).conv1", norm: "\(prefix).bn1", stride: 1, padding: 0, path: path),
                             try FoldedConv(weights, conv: "\(prefix).conv2", norm: "\(prefix).bn2", stride: stride, padding: 1, path: path),
                             try FoldedConv(weights, conv: "\(prefix).conv3", norm: "\(prefix).bn3", stride: 1, padding: 0, path: path)]
                    guard convs[0].outputs * 4 == convs[2].outputs * variant.widthFactor else {
                        throw ResNetError(message: "\(path): \(prefix) has inner width \(convs[0].outputs) for \(convs[2].outputs) outputs; \(variant.name) has \(variant.widthFactor == 1 ? "a quarter" : "half")")
                    }
                } else {
                    convs = [try FoldedConv(weights, conv: "\(prefix).conv1", norm: "\(prefix).bn1", stride: stride, padding: 1, path: path),
                             try FoldedConv(weights, conv: "\(prefix).conv2", norm: "\(prefix).bn2", stride: 1, padding: 1, path: path)]
                }
                let downsample = weights["\(prefix).downsample.0.weight"] == nil ? nil
                    : try FoldedConv(weights, conv: "\(prefix).downsample.0", norm: "\(prefix).downsample.1", stride: stride, padding: 0, path: path)
                blocks.append(ResidualBlock(convs: convs, downsample: downsample))
            }
            stages.append(blocks)
            taps.append(FeatureTap(name: layer, channels: blocks.last!.convs.last!.outputs, stride: 4 << index))
        }
        name = variant.name
        self.stages = stages
        self.taps = taps
    }

    public func features(_ images: Tensor, taps requested: [String], scaling: ImageScaling) throws -> [String: Tensor] {
        guard images.rank == 4, images.shape[1] == 3 else {
            throw ResNetError(message: "\(name) takes images [N, 3, H, W], got \(images.shape)")
        }
        let depth = try requested.map { tap -> Int in
            guard let i = taps.firstIndex(where: { $0.name == tap }) else {
                throw ResNetError(message: "\(name) has no tap \"\(tap)\" (known: \(taps.map(\.name).joined(separator: ", ")))")
            }
            return i
        }.max() ?? -1
        var x = images
        if scaling == .unitRange {
            x = (x - Tensor(shape: [1, 3, 1, 1], data: Self.mean)) / Tensor(shape: [1, 3, 1, 1], data: Self.std)
        }
        x = stem(x).relu().maxPool2d(kernel: 3, stride: 2, padding: 1)
        var maps: [String: Tensor] = [:]
        for index in 0..<(depth + 1) {
            for block in stages[index] { x = block(x) }
            if requested.contains(taps[index].name) { maps[taps[index].name] = x }
        }
        return maps
    }
}
