import Backbones
import Kernels
import NN
import Synchronization
import Tensors

/// What an attention block's ONNX form is given: the block's attention weights, the layer input
/// `x` `[B, N, D]`, the embedded reference `[1, N, D]` and the level's k x k window.
public struct ONNXBlockInput {
    public let attention: MultiHeadAttention
    public let x: String
    public let reference: String
    public let window: NeighborTable
}

/// The ONNX form of every attention block and backbone, by name: the one place a block or backbone
/// says how it is written as ONNX operators. Built-ins: the blocks lca, mlka, ca, msa and the
/// EfficientNet-Lite backbones; a plugin registers the forms of its own blocks and backbones here.
public enum ONNXForms {
    /// Emits a block into the graph; returns its output `[B, N, D]`.
    public typealias BlockForm = @Sendable (ONNXGraph, ONNXBlockInput) throws -> String
    /// Emits the backbone for an image input `[N, 3, S, S]` in [0, 1] (normalisation included); returns
    /// one feature map `[N, C, h, w]` per requested tap, in order.
    public typealias BackboneForm = @Sendable (ONNXGraph, any Backbone, _ image: String, _ imageSize: Int, _ taps: [String]) throws -> [String]

    private static let blocks = Mutex<[String: BlockForm]>([
        // Local cross attention: the k x k window of the reference, gathered per query.
        "lca": { g, b in g.windowAttention(b.attention, query: b.x, key: b.reference, value: b.reference, window: b.window) },
        // Masked learnable-key attention: keys from the reference, values from x, the window masked out.
        "mlka": { g, b in g.denseAttention(b.attention, query: b.x, key: b.reference, value: b.x, mask: g.outsideWindow(b.window)) },
        "ca": { g, b in g.denseAttention(b.attention, query: b.x, key: b.reference, value: b.reference, mask: nil) },
        "msa": { g, b in g.denseAttention(b.attention, query: b.x, key: b.x, value: b.x, mask: g.outsideWindow(b.window)) },
    ])

    private static let backbones = Mutex<[String: BackboneForm]>(
        Dictionary(uniqueKeysWithValues: EfficientNetLite.variants.map { ($0, efficientNetLite as BackboneForm) }))

    /// Registers (or replaces) the ONNX form of the attention block called `name`.
    public static func register(block name: String, form: @escaping BlockForm) {
        blocks.withLock { $0[name] = form }
    }

    /// Registers (or replaces) the ONNX form of the backbone registered as `name`.
    public static func register(backbone name: String, form: @escaping BackboneForm) {
        backbones.withLock { $0[name] = form }
    }

    static func block(_ name: String) throws -> BlockForm {
        guard let form = blocks.withLock({ $0[name] }) else {
            throw ONNXExportError.unsupported("attention block '\(name)' declares no ONNX form (known: \(blocks.withLock { $0.keys.sorted() }.joined(separator: ", ")))")
        }
        return form
    }

    static func backbone(_ name: String) throws -> BackboneForm {
        guard let form = backbones.withLock({ $0[name] }) else {
            throw ONNXExportError.unsupported("backbone '\(name)' declares no ONNX form (known: \(backbones.withLock { $0.keys.sorted() }.joined(separator: ", ")))")
        }
        return form
    }

    /// EfficientNet-Lite with BatchNorm folded as rlr runs it: normalisation, stem, blocks up to the
    /// deepest tap, head; TensorFlow "SAME" padding as explicit pads for the fixed image size.
    @Sendable static func efficientNetLite(_ g: ONNXGraph, _ backbone: any Backbone, image: String, imageSize: Int, taps: [String]) throws -> [String] {
        guard let network = backbone as? EfficientNetLite else {
            throw ONNXExportError.unsupported("backbone '\(backbone.name)' is not an EfficientNet-Lite")
        }
        let points = try taps.map { tap in
            guard let point = network.tapPoint(tap) else { throw BackboneError.unknownTap(tap, backbone: backbone.name, known: backbone.taps.map(\.name)) }
            return point
        }
        let folded = network.folded
        var side = imageSize
        var maps: [EfficientNetLite.TapPoint: String] = [:]
        func convolution(_ x: String, _ c: EfficientNetLite.FoldedConvolution) -> String {
            let geometry = ConvGeometry.same(channels: c.weight.shape[1] * c.groups, height: side, width: side, kernel: c.kernel, stride: c.stride)
            side = geometry.outputHeight
            return g.node("Conv", [x, g.constant(c.weight, name: "weight"), g.constant(c.bias, name: "bias")], [
                "kernel_shape": .ints([c.kernel, c.kernel]), "strides": .ints([c.stride, c.stride]), "group": .int(c.groups),
                "pads": .ints([geometry.padTop, geometry.padLeft, geometry.padBottom, geometry.padRight]),
            ])
        }
        func done() -> Bool { points.allSatisfy { maps[$0] != nil } }
        return try g.scope("backbone") {
            let normalized = g.node("Add", [g.node("Mul", [image, g.scalar(folded.inputScale)]), g.scalar(folded.inputShift)])
            var x = g.scope("stem") { g.relu6(convolution(normalized, folded.stem)) }
            maps[.stem] = x
            for (i, block) in folded.blocks.enumerated() where !done() {
                x = g.scope("block\(i)") {
                    var y = x
                    if let expand = block.expand {
                        y = g.relu6(convolution(y, expand))
                        maps[.expand(i)] = y
                    }
                    y = convolution(g.relu6(convolution(y, block.depthwise)), block.project)
                    return block.residual ? g.node("Add", [y, x]) : y
                }
                maps[.block(i)] = x
            }
            if !done() { maps[.head] = g.scope("head") { g.relu6(convolution(x, folded.head)) } }
            guard done() else { throw ONNXExportError.unsupported("taps \(taps) of \(backbone.name) were not all reached") }
            return points.map { maps[$0]! }
        }
    }
}

extension ONNXGraph {
    /// `[N, N]` constant: 0 outside the window, -inf inside it (the query's own position included);
    /// one per window shape in the graph.
    public func outsideWindow(_ window: NeighborTable) -> String {
        shared("outside-window-\(window.queries)-\(window.width)") {
            let n = window.queries
            let mask = Tensor.zeros([n, n])
            for i in 0..<n {
                for j in window.neighbors(of: i) { mask.pointer[i * n + j] = -.infinity }
            }
            return constant(mask, name: "outside_window")
        }
    }

    /// `[B, N, D]` -> `[B, H, N, D/H]`.
    public func splitHeads(_ x: String, _ attention: MultiHeadAttention) -> String {
        let size = attention.query.weight.shape[0], heads = attention.headCount
        return node("Transpose", [node("Reshape", [x, int64s([0, 0, heads, size / heads])])], ["perm": .ints([0, 2, 1, 3])])
    }

    /// `[B, H, N, d]` -> `[B, N, H*d]`, then the output projection.
    public func mergeHeads(_ x: String, _ attention: MultiHeadAttention) -> String {
        let merged = node("Reshape", [node("Transpose", [x], ["perm": .ints([0, 2, 1, 3])]), int64s([0, 0, attention.query.weight.shape[0]])])
        return linear(merged, attention.output)
    }

    private func scale(_ attention: MultiHeadAttention) -> String {
        scalar(1 / Float(attention.query.weight.shape[0] / attention.headCount).squareRoot())
    }

    /// `softmax(q kᵀ / sqrt(d) + mask) v` with every key (`mask` `[Nq, Nk]` of 0 / -inf, or none).
    public func denseAttention(_ attention: MultiHeadAttention, query: String, key: String, value: String, mask: String?) -> String {
        scope("attention") {
            let q = splitHeads(linear(query, attention.query), attention)
            let k = splitHeads(linear(key, attention.key), attention)
            let v = splitHeads(linear(value, attention.value), attention)
            var scores = node("Mul", [node("MatMul", [q, node("Transpose", [k], ["perm": .ints([0, 1, 3, 2])])]), scale(attention)])
            if let mask { scores = node("Add", [scores, mask]) }
            return mergeHeads(node("MatMul", [node("Softmax", [scores], ["axis": .int(-1)]), v]), attention)
        }
    }

    /// The window as Gather indices `[N, K]` (unused border slots point at the query itself) and an
    /// additive mask `[N, 1, K]` that gives those slots -inf; one pair per window shape in the graph.
    private func windowTable(_ window: NeighborTable) -> (indices: String, mask: String) {
        let (n, width) = (window.queries, window.width)
        var indices: [Int] = [], mask: [Float] = []
        for i in 0..<n {
            let neighbors = window.neighbors(of: i)
            indices += neighbors + Array(repeating: i, count: width - neighbors.count)
            mask += Array(repeating: 0, count: neighbors.count) + Array(repeating: -.infinity, count: width - neighbors.count)
        }
        return (shared("window-\(n)-\(width)") { int64s(indices, shape: [n, width], name: "window") },
                shared("window-mask-\(n)-\(width)") { constant(Tensor(shape: [n, 1, width], data: mask), name: "window_mask") })
    }

    /// Attention of each query to its own window of keys only: keys and values gathered per query
    /// (`[., H, N, K, d]`, K = k²), unused slots at the borders masked with -inf.
    public func windowAttention(_ attention: MultiHeadAttention, query: String, key: String, value: String, window: NeighborTable) -> String {
        scope("window_attention") {
            let (table, mask) = windowTable(window)
            let q = node("Unsqueeze", [splitHeads(linear(query, attention.query), attention), int64s([3])])
            let k = node("Gather", [splitHeads(linear(key, attention.key), attention), table], ["axis": .int(2)])
            let v = node("Gather", [splitHeads(linear(value, attention.value), attention), table], ["axis": .int(2)])
            let scores = node("Add", [node("Mul", [node("MatMul", [q, node("Transpose", [k], ["perm": .ints([0, 1, 2, 4, 3])])]), scale(attention)]),
                                      mask])
            let weighted = node("MatMul", [node("Softmax", [scores], ["axis": .int(-1)]), v])
            let headDim = attention.query.weight.shape[0] / attention.headCount
            return mergeHeads(node("Reshape", [weighted, int64s([0, 0, 0, headDim])]), attention)
        }
    }
}
