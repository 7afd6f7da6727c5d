import Dispatch
import Synchronization
import Kernels
import Tensors

extension EfficientNetLite {
    /// Floats of expanded input rows per band of a block (256 KiB: well inside a core's L2 with the band's outputs).
    static let bandFloats = 65_536

    /// TensorFlow's input normalisation for these weights, as an affine map of [0, 1] values: (255 x - 127) / 128.
    static let unitRangeScale: Float = 255 / 128, unitRangeShift: Float = -127 / 128

    /// Feature maps `[N, C, ceil(H/s), ceil(W/s)]` for images `[N, 3, H, W]`, keyed by tap name.
    ///
    /// Runs only the blocks the requested taps need. A batch is split across cores one image per core
    /// (remaining images are split by rows); OpenBLAS runs single-threaded meanwhile.
    public func features(_ images: Tensor, taps requested: [String], scaling: ImageScaling) throws -> [String: Tensor] {
        try validate(images)
        guard !requested.isEmpty else { throw BackboneError.badInput("no taps requested from \(name)") }
        let points = try requested.map { tap in
            guard let point = tapPoints[tap] else {
                throw BackboneError.unknownTap(tap, backbone: name, known: taps.map(\.name))
            }
            return point
        }
        let maps = run(images, points: points, scaling: scaling)
        return Dictionary(zip(requested, maps), uniquingKeysWith: { first, _ in first })
    }

    private func validate(_ images: Tensor) throws {
        guard images.rank == 4, images.shape[1] == 3, images.shape[2] > 0, images.shape[3] > 0 else {
            throw BackboneError.badInput("\(name) expects images [N, 3, H, W], got \(images.shape)")
        }
    }

    /// The maps `[N, C, h, w]` at any `points` (stem, every block, expand convs, head) for images
    /// `[N, 3, H, W]`: the per-layer view used to check the network against other implementations.
    public func run(_ images: Tensor, points: [TapPoint], scaling: ImageScaling) -> [Tensor] {
        let (count, height, width) = (images.shape[0], images.shape[2], images.shape[3])
        let plan = Plan(network: self, height: height, width: width, depth: points.map(step).max()!)
        let outputs = points.map { point in
            let (channels, h, w) = plan.shape(at: point, in: self)
            return Sink(point: point, tensor: Tensor.zeros([count, channels, h, w]), channels: channels, pixels: h * w)
        }
        let input = images.contiguous()
        let source = SendableConstPointer(UnsafePointer(input.pointer))
        let imageSize = 3 * height * width
        let threads = Parallel.threadCount
        // Whole images per core while there are enough of them; the rest split by rows.
        let perCore = count / threads * threads
        if perCore > 0 {
            Parallel.forEachChunk(threads, grain: 1) { workers in
                for worker in workers {
                    let workspace = workspaces.take(for: plan)
                    for n in stride(from: worker, to: perCore, by: threads) {
                        forward(source.base + n * imageSize, index: n, plan: plan, workspace: workspace,
                                scaling: scaling, split: RowSplit(parallel: false), sinks: outputs)
                    }
                    workspaces.give(workspace)
                }
            }
        }
        if perCore < count {
            let workspace = workspaces.take(for: plan)
            for n in perCore..<count {
                forward(source.base + n * imageSize, index: n, plan: plan, workspace: workspace,
                        scaling: scaling, split: RowSplit(parallel: true), sinks: outputs)
            }
            workspaces.give(workspace)
        }
        withExtendedLifetime(input) {}
        return outputs.map(\.tensor)
    }

    /// ImageNet logits `[N, 1000]`: head, global average pool, classifier.
    public func classify(_ images: Tensor, scaling: ImageScaling) throws -> Tensor {
        try validate(images)
        let head = run(images, points: [.head], scaling: scaling)[0]
        let (count, channels, pixels) = (head.shape[0], head.shape[1], head.shape[2] * head.shape[3])
        let pooled = Tensor(shape: [count, channels]) { out in
            for row in 0..<(count * channels) { out[row] = reduceRow(.sum, head.pointer + row * pixels, pixels) / Float(pixels) }
        }
        let classes = classifierBias.count
        return Tensor(shape: [count, classes]) { out in
            sgemm(transposeB: true, m: count, n: classes, k: channels, a: pooled.pointer, lda: channels,
                  b: classifierWeights.pointer, ldb: channels, c: out.baseAddress!, ldc: classes)
            applyEpilogue(.bias, out.baseAddress!, rows: count, channels: classes, bias: classifierBias.pointer)
        }
    }

    /// Position of a tap in execution order: the stem is 0, expand of block i is 2i + 1, block i's output 2i + 2, the head last.
    func step(_ point: TapPoint) -> Int {
        switch point {
        case .stem: 0
        case .expand(let i): 2 * i + 1
        case .block(let i): 2 * i + 2
        case .head: 2 * blocks.count + 1
        }
    }

    /// Runs one image `[3, H, W]` through the network up to `plan.depth`, copying taps into `sinks`.
    private func forward(_ image: UnsafePointer<Float>, index: Int, plan: Plan, workspace: Workspace,
                         scaling: ImageScaling, split: RowSplit, sinks: [Sink]) {
        func deliver(_ point: TapPoint, _ data: UnsafeMutablePointer<Float>) {
            for sink in sinks where sink.point == point {
                transpose(data, rows: sink.pixels, columns: sink.channels,
                          into: sink.tensor.pointer + index * sink.channels * sink.pixels)
            }
        }
        var input = image
        if scaling == .unitRange {
            let count = 3 * plan.stem.height * plan.stem.width
            for i in 0..<count { workspace.image[i] = image[i] * Self.unitRangeScale + Self.unitRangeShift }
            input = UnsafePointer(workspace.image)
        }
        // Stem rows: gather their 3x3x3 patches, then `[P, 27] x [27, 32]` as a 1x1 convolution.
        let image = SendableConstPointer(input), columns = SendablePointer(workspace.columns)
        let stem = stem, stemGeometry = plan.stem, patch = plan.stem.columnRows
        func stemRows(_ rows: Range<Int>, into output: UnsafeMutablePointer<Float>) {
            let target = SendablePointer(output), outW = stemGeometry.outputWidth
            split(rows.count, grain: 4) { part in
                let first = rows.lowerBound + part.lowerBound, pixels = part.count * outW
                let patches = columns.base + part.lowerBound * outW * patch
                gatherPatches(image.base, stemGeometry, rows: first..<(first + part.count), into: patches)
                pointwiseConvolutionDirect(PixelLayout(patches, pixelStride: patch, channelStride: 1), pixels: pixels,
                                           inputChannels: patch, weights: stem.weights.pointer, bias: stem.bias.pointer,
                                           outputChannels: stem.outputChannels, epilogue: .biasReLU6,
                                           output: target.base + part.lowerBound * outW * stem.outputChannels)
            }
        }
        var current = SendablePointer(workspace.x), spare = SendablePointer(workspace.y)
        // The stem runs ahead unless block 0 consumes its rows band by band (it has no expand conv).
        let stemFeedsBlock = blocks[0].expand == nil && step(.block(0)) <= plan.depth && !sinks.contains { $0.point == .stem }
        if !stemFeedsBlock {
            stemRows(0..<stemGeometry.outputHeight, into: current.base)
            deliver(.stem, current.base)
        }
        let expanded = SendablePointer(workspace.expanded), depthwiseOut = SendablePointer(workspace.depthwise)
        for (i, block) in blocks.enumerated() {
            let g = plan.depthwise[i]
            let runsBlock = step(.block(i)) <= plan.depth
            if !runsBlock && (block.expand == nil || step(.expand(i)) > plan.depth) { return }
            let rowFloats = g.width * g.channels
            // Output rows go in bands. The expanded input rows of a band live in a small window of the
            // expanded buffer: rows shared with the previous band are moved to its top, only new rows are
            // expanded, and the depthwise output of the band is consumed by the projection right away, so
            // the wide tensors of a block never leave the core's cache. Without banding (maps that fit in
            // cache anyway, taps on the expanded map, rows split across cores) the buffers hold whole maps.
            let wholeMap = split.parallel || !runsBlock || sinks.contains { $0.point == .expand(i) }
                || g.height * rowFloats <= 4 * Self.bandFloats
            let bandRows = wholeMap ? g.outputHeight : max(1, Self.bandFloats / (g.strideY * rowFloats))
            let depthwise = block.depthwise
            var window = RowWindow(buffer: expanded.base, rowFloats: rowFloats)
            for bandStart in stride(from: 0, to: g.outputHeight, by: bandRows) {
                let bandEnd = min(g.outputHeight, bandStart + bandRows)
                var source = current
                if block.expand != nil || (i == 0 && stemFeedsBlock) {
                    let first = wholeMap ? 0 : max(0, bandStart * g.strideY - g.padTop)
                    let needed = min(g.height, (bandEnd - 1) * g.strideY - g.padTop + g.kernelHeight)
                    let newRows = window.slide(keepingFrom: first, upTo: needed)
                    if let expand = block.expand {
                        pointwise(current.base + newRows.lowerBound * g.width * expand.inputChannels, pixels: newRows.count * g.width,
                                  expand, epilogue: .biasReLU6, into: window.row(newRows.lowerBound), split: split)
                    } else {
                        stemRows(newRows, into: window.row(newRows.lowerBound))
                    }
                    source = SendablePointer(window.origin)
                }
                if !runsBlock { break }
                // The band's depthwise output sits at the top of its buffer (addressed as the whole map).
                let input = source, output = SendablePointer(depthwiseOut.base - bandStart * g.outputWidth * g.channels)
                split(bandEnd - bandStart, grain: 1) { rows in
                    depthwiseConvolutionReLU6(input.base, g, weights: depthwise.weights.pointer, bias: depthwise.bias.pointer,
                                              output: output.base, rows: (bandStart + rows.lowerBound)..<(bandStart + rows.upperBound))
                }
                let firstPixel = bandStart * g.outputWidth, outputs = block.project.outputChannels
                pointwise(depthwiseOut.base, pixels: (bandEnd - bandStart) * g.outputWidth, block.project,
                          epilogue: block.residual ? .biasResidual(current.base + firstPixel * outputs) : .bias,
                          into: spare.base + firstPixel * outputs, split: split)
            }
            if block.expand != nil { deliver(.expand(i), expanded.base) }
            if !runsBlock { return }
            swap(&current, &spare)
            deliver(.block(i), current.base)
        }
        if step(.head) <= plan.depth {
            let last = plan.depthwise[blocks.count - 1]
            pointwise(current.base, pixels: last.outputHeight * last.outputWidth, head, epilogue: .biasReLU6,
                      into: expanded.base, split: split)
            deliver(.head, expanded.base)
        }
    }

    /// A 1x1 convolution of `pixels` channels-last pixels from `input` into `output` (and a residual
    /// read at the output's positions), split across cores by `split`.
    private func pointwise(_ input: UnsafeMutablePointer<Float>, pixels: Int, _ layer: Convolution, epilogue: Epilogue,
                           into output: UnsafeMutablePointer<Float>, split: RowSplit) {
        let source = SendablePointer(input), target = SendablePointer(output)
        let residualBase: SendableConstPointer<Float>? = if case .biasResidual(let r) = epilogue { SendableConstPointer(r) } else { nil }
        let clamp = if case .biasReLU6 = epilogue { true } else { false }
        split(pixels, grain: 64) { rows in
            let offset = rows.lowerBound * layer.outputChannels
            let part: Epilogue = if let residualBase { .biasResidual(residualBase.base + offset) } else if clamp { .biasReLU6 } else { .bias }
            pointwiseConvolution(source.base + rows.lowerBound * layer.inputChannels, pixels: rows.count,
                                 inputChannels: layer.inputChannels, weights: layer.weights.pointer, bias: layer.bias.pointer,
                                 outputChannels: layer.outputChannels, epilogue: part, output: target.base + offset)
        }
    }
}

/// The rows of a map held in a buffer: a window `[first, end)` of map rows at the top of `buffer`.
private struct RowWindow {
    let buffer: UnsafeMutablePointer<Float>
    let rowFloats: Int
    private(set) var first = 0, end = 0

    init(buffer: UnsafeMutablePointer<Float>, rowFloats: Int) {
        self.buffer = buffer
        self.rowFloats = rowFloats
    }

    /// Drops rows before `keepFirst` (moving the kept ones to the top) and extends the window to `needed`;
    /// returns the rows the caller must now compute (at `row(_:)`).
    mutating func slide(keepingFrom keepFirst: Int, upTo needed: Int) -> Range<Int> {
        if keepFirst > first {
            let kept = max(0, end - keepFirst)
            buffer.update(from: buffer + (end - kept - first) * rowFloats, count: kept * rowFloats)
            first = keepFirst
            end = max(end, keepFirst)
        }
        let fresh = end..<max(end, needed)
        end = fresh.upperBound
        return fresh
    }

    /// Where map row `y` (inside the window) is stored.
    func row(_ y: Int) -> UnsafeMutablePointer<Float> { buffer + (y - first) * rowFloats }

    /// The window addressed as the whole map: row y at `origin + y * rowFloats` (only window rows are valid).
    var origin: UnsafeMutablePointer<Float> { buffer - first * rowFloats }
}

/// Where a requested tap is copied: `tensor` `[N, channels, h, w]` with `pixels` = h * w.
private struct Sink: @unchecked Sendable {
    let point: EfficientNetLite.TapPoint
    let tensor: Tensor
    let channels: Int
    let pixels: Int
}

/// Runs a loop over rows either on the calling thread or split across cores.
private struct RowSplit {
    let parallel: Bool

    func callAsFunction(_ count: Int, grain: Int, _ body: @Sendable (Range<Int>) -> Void) {
        if parallel { Parallel.forEachChunk(count, grain: grain, body) } else if count > 0 { body(0..<count) }
    }
}

/// Geometry of every layer for one input size, and how far to run.
struct Plan: Sendable {
    let stem: ConvGeometry
    /// Depthwise geometry of each block (input size, expanded channels, SAME padding).
    let depthwise: [ConvGeometry]
    /// Last execution step to run (see `EfficientNetLite.step`).
    let depth: Int
    /// Floats needed by each workspace buffer.
    let imageFloats, columnFloats, activationFloats, expandedFloats, depthwiseFloats: Int

    init(network: EfficientNetLite, height: Int, width: Int, depth: Int) {
        stem = .same(channels: 3, height: height, width: width, kernel: network.stem.kernel, stride: network.stem.stride)
        self.depth = depth
        var (h, w) = (stem.outputHeight, stem.outputWidth)
        // The expanded buffer also holds the stem's output when the stem feeds block 0 row by row.
        var activation = h * w * network.stem.outputChannels, expanded = activation, depthwiseSize = 0
        var geometries: [ConvGeometry] = []
        for (i, block) in network.blocks.enumerated() {
            let g = ConvGeometry.same(channels: block.depthwise.inputChannels, height: h, width: w,
                                      kernel: block.depthwise.kernel, stride: block.depthwise.stride)
            geometries.append(g)
            if network.step(.expand(i)) <= depth, block.expand != nil { expanded = max(expanded, h * w * g.channels) }
            (h, w) = (g.outputHeight, g.outputWidth)
            if network.step(.block(i)) <= depth {
                depthwiseSize = max(depthwiseSize, h * w * g.channels)
                activation = max(activation, h * w * block.project.outputChannels)
            }
        }
        if network.step(.head) <= depth { expanded = max(expanded, h * w * network.head.outputChannels) }
        depthwise = geometries
        imageFloats = 3 * height * width
        columnFloats = stem.columnRows * stem.columnCount  // patches [P, 27] of the whole stem output
        activationFloats = activation
        expandedFloats = expanded
        depthwiseFloats = depthwiseSize
    }

    /// Floats needed by the workspace buffers: image, columns, activations (each of two), expanded, depthwise.
    var bufferFloats: [Int] { [imageFloats, columnFloats, activationFloats, expandedFloats, depthwiseFloats] }

    /// Channels and spatial size of the map at `point`.
    func shape(at point: EfficientNetLite.TapPoint, in network: EfficientNetLite) -> (Int, Int, Int) {
        switch point {
        case .stem:
            (network.stem.outputChannels, stem.outputHeight, stem.outputWidth)
        case .expand(let i):
            (depthwise[i].channels, depthwise[i].height, depthwise[i].width)
        case .block(let i):
            (network.blocks[i].project.outputChannels, depthwise[i].outputHeight, depthwise[i].outputWidth)
        case .head:
            (network.head.outputChannels, depthwise.last!.outputHeight, depthwise.last!.outputWidth)
        }
    }
}

/// Scratch buffers for one image in flight, sized by a `Plan`.
final class Workspace: @unchecked Sendable {
    let image, columns, x, y, expanded, depthwise: UnsafeMutablePointer<Float>
    /// Floats in each buffer, in the order above.
    let capacity: [Int]

    init(_ plan: Plan) {
        capacity = plan.bufferFloats
        image = allocateFloats(capacity[0])
        columns = allocateFloats(capacity[1])
        x = allocateFloats(capacity[2])
        y = allocateFloats(capacity[2])
        expanded = allocateFloats(capacity[3])
        depthwise = allocateFloats(capacity[4])
    }

    func fits(_ plan: Plan) -> Bool { zip(capacity, plan.bufferFloats).allSatisfy { $0 >= $1 } }

    deinit {
        for buffer in [image, columns, x, y, expanded, depthwise] { buffer.deallocate() }
    }
}

/// Workspaces kept between calls: reusing them spares the page faults of fresh multi-megabyte buffers.
final class WorkspacePool: Sendable {
    private let idle = Mutex<[Workspace]>([])

    /// An idle workspace large enough for `plan`, or a new one.
    func take(for plan: Plan) -> Workspace {
        idle.withLock { pool in
            if let index = pool.firstIndex(where: { $0.fits(plan) }) { return pool.remove(at: index) }
            return nil
        } ?? Workspace(plan)
    }

    /// Returns a workspace for later calls (at most one per core is kept).
    func give(_ workspace: Workspace) {
        idle.withLock { pool in
            if pool.count < Parallel.threadCount { pool.append(workspace) }
        }
    }
}
