import Foundation
import Kernels
import Tensors
import XCTest

/// Every variant of the dispatched kernels against a scalar double-precision reference, on this CPU:
/// the AVX2+FMA ones always, the AVX-512 ones where the CPU has AVX-512 (skipped, and saying so, elsewhere).
final class KernelVariantTests: XCTestCase {
    func testAVX2VariantsMatchScalar() throws {
        try withVariant(avx512: false) {
            try checkSoftmax()
            checkUnary()
            checkLayerNorm()
            checkThinGEMM()
            checkAdam()
            checkDepthwise()
        }
    }

    func testAVX512VariantsMatchScalar() throws {
        try XCTSkipUnless(KernelVariants.available, "this CPU lacks AVX-512 F/BW/DQ/VL: the AVX-512 variants are not tested here")
        try withVariant(avx512: true) {
            try checkSoftmax()
            checkUnary()
            checkLayerNorm()
            checkThinGEMM()
            checkAdam()
            checkDepthwise()
        }
    }

    func withVariant(avx512: Bool, _ body: () throws -> Void) rethrows {
        let saved = KernelVariants.avx512
        KernelVariants.avx512 = avx512
        defer { KernelVariants.avx512 = saved }
        try body()
    }

    /// Row lengths around every vector width and tail, wide-ranged values, masked (-inf) entries,
    /// a fully masked row and a NaN.
    func checkSoftmax() throws {
        var generator = RandomGenerator(seed: 5)
        var rows: [[Float]] = [1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1024, 1031].map { n in
            let values = Tensor.randn([n], generator: &generator).toArray()
            return values.map { $0 * 12 }
        }
        rows.append((0..<37).map { $0 % 3 == 0 ? -.infinity : Float($0) / 5 })
        rows.append([Float](repeating: -.infinity, count: 19))
        for row in rows {
            var y = [Float](repeating: .nan, count: row.count), unnormalized = y, normalizer = Float.nan
            let logSumExp = softmaxRow(row, row.count, into: &y)
            XCTAssertEqual(softmaxRow(row, row.count, into: &unnormalized, normalizer: &normalizer), logSumExp)
            let peak = row.max()!
            if peak == -.infinity {
                XCTAssertEqual(y, [Float](repeating: 0, count: row.count))
                XCTAssertEqual(unnormalized, y)
                XCTAssertEqual(logSumExp, -.infinity)
                XCTAssertEqual(normalizer, 0)
                continue
            }
            let exps = row.map { Foundation.exp(Double($0) - Double(peak)) }, total = exps.reduce(0, +)
            for j in row.indices {
                let expected = exps[j] / total
                XCTAssertEqual(Double(y[j]), expected, accuracy: 4e-6 * expected + 1e-12, "n \(row.count), element \(j)")
                XCTAssertEqual(Double(unnormalized[j] * normalizer), expected, accuracy: 4e-6 * expected + 1e-12, "unnormalised, element \(j)")
            }
            XCTAssertEqual(Double(logSumExp), Double(peak) + Foundation.log(total), accuracy: 1e-5 * (1 + abs(Double(peak))))
        }
        var withNaN: [Float] = (0..<21).map { Float($0) }
        withNaN[13] = .nan
        var y = withNaN
        _ = softmaxRow(withNaN, withNaN.count, into: &y)
        XCTAssertTrue(y.allSatisfy(\.isNaN), "\(y)")
        // In place, as the attention kernels call it.
        var inPlace = rows[10]
        let expected = inPlace.map { _ in Float(0) }
        var separate = expected
        _ = softmaxRow(inPlace, inPlace.count, into: &separate)
        inPlace.withUnsafeMutableBufferPointer { _ = softmaxRow($0.baseAddress!, $0.count, into: $0.baseAddress!) }
        XCTAssertEqual(inPlace, separate)
    }

    /// exp, GELU and GELU's gradient on every tail length (through `unary`'s chunks too), over the
    /// range where exp saturates and erf flattens.
    func checkUnary() {
        var generator = RandomGenerator(seed: 6)
        for n in [1, 15, 16, 17, 40_003] {
            var x = Tensor.randn([n], generator: &generator).toArray().map { $0 * 6 }
            if n > 16 { x[0] = -120; x[1] = 95; x[2] = 0; x[3] = -0.0 }
            let g = Tensor.randn([n], generator: &generator).toArray()
            var exp = [Float](repeating: 0, count: n), gelu = exp, geluGrad = exp
            unary(.exp, x, count: n, into: &exp)
            unary(.gelu, x, count: n, into: &gelu)
            unaryBackward(.gelu, x: x, y: gelu, gradient: g, count: n, into: &geluGrad)
            for i in 0..<n {
                let v = Double(x[i])
                let e = Foundation.exp(v), phi = 0.5 * (1 + Foundation.erf(v / 2.0.squareRoot()))
                if e > Double(Float.greatestFiniteMagnitude) { XCTAssertEqual(exp[i], .infinity) } else {
                    XCTAssertEqual(Double(exp[i]), e, accuracy: 3e-7 * e + 1e-37, "exp(\(v))")
                }
                XCTAssertEqual(Double(gelu[i]), v * phi, accuracy: 3e-7 * (1 + abs(v)), "gelu(\(v))")
                let derivative = phi + v * Foundation.exp(-0.5 * v * v) / (2 * Double.pi).squareRoot()
                XCTAssertEqual(Double(geluGrad[i]), Double(g[i]) * derivative, accuracy: 5e-7 * (1 + abs(Double(g[i]))), "gelu'(\(v))")
            }
        }
    }

    /// Layer normalisation forward and backward against double loops, rows off-centre (two passes matter).
    func checkLayerNorm() {
        var generator = RandomGenerator(seed: 7)
        for n in [1, 15, 16, 17, 256, 1031] {
            let rows = 3, epsilon: Float = 1e-5
            let x = Tensor.randn([rows * n], generator: &generator).toArray().map { 4 + 2 * $0 }
            let g = Tensor.randn([rows * n], generator: &generator).toArray()
            var y = [Float](repeating: 0, count: rows * n), dx = y, mean = [Float](repeating: 0, count: rows), rstd = mean
            layerNormRows(x, rows: rows, n: n, epsilon: epsilon, into: &y, mean: &mean, rstd: &rstd)
            layerNormRowsBackward(xhat: y, gradient: g, rstd: rstd, rows: rows, n: n, into: &dx)
            for r in 0..<rows {
                let row = x[r * n..<(r + 1) * n].map(Double.init), gr = g[r * n..<(r + 1) * n].map(Double.init)
                let mu = row.reduce(0, +) / Double(n)
                let s = 1 / (row.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(n) + Double(epsilon)).squareRoot()
                XCTAssertEqual(Double(mean[r]), mu, accuracy: 1e-6 * abs(mu))
                XCTAssertEqual(Double(rstd[r]), s, accuracy: 1e-5 * s)
                let h = row.map { ($0 - mu) * s }
                let meanG = gr.reduce(0, +) / Double(n), meanGH = zip(gr, h).map(*).reduce(0, +) / Double(n)
                for j in 0..<n {
                    XCTAssertEqual(Double(y[r * n + j]), h[j], accuracy: 2e-5 * (1 + abs(h[j])), "n \(n) y[\(r), \(j)]")
                    let expected = s * (gr[j] - meanG - h[j] * meanGH)
                    XCTAssertEqual(Double(dx[r * n + j]), expected, accuracy: 5e-5 * s * (1 + abs(gr[j])), "n \(n) dx[\(r), \(j)]")
                }
            }
        }
    }

    /// thinGEMM against a direct triple loop: every shape remainder of both variants' blocks (rows % 4
    /// and % 8, columns % 8, % 16 and % 32), depths from 1 to past a cache line, both layouts of A, row
    /// strides wider than the matrices, alpha, and C overwritten or accumulated (columns past n untouched).
    func checkThinGEMM() {
        var generator = RandomGenerator(seed: 11)
        let shapes = [(1, 16, 1), (5, 33, 7), (64, 48, 16), (7, 16, 70), (6, 8, 5), (3, 29, 9), (9, 64, 32), (13, 47, 3),
                      (8, 1, 17), (17, 95, 64), (2, 31, 2), (11, 17, 40), (16, 130, 16)]
        for (m, n, k) in shapes {
            for transposeA in [false, true] {
                for accumulate in [false, true] {
                    let (lda, ldb, ldc) = ((transposeA ? m : k) + 3, n + 2, n + 5)
                    let a = Tensor.randn([(transposeA ? k : m) * lda], generator: &generator)
                    let b = Tensor.randn([k * ldb], generator: &generator)
                    let c = Tensor.randn([m * ldc], generator: &generator)
                    let before = c.toArray()
                    thinGEMM(transposeA: transposeA, m: m, n: n, k: k, alpha: 0.5, a: a.pointer, lda: lda, b: b.pointer, ldb: ldb,
                             accumulate: accumulate, c: c.pointer, ldc: ldc)
                    let (av, bv, cv) = (a.toArray(), b.toArray(), c.toArray())
                    for i in 0..<m {
                        for j in 0..<ldc {
                            var expected = before[i * ldc + j]
                            if j < n {
                                var total: Double = 0
                                for p in 0..<k { total += Double(av[transposeA ? p * lda + i : i * lda + p]) * Double(bv[p * ldb + j]) }
                                expected = (accumulate ? expected : 0) + Float(0.5 * total)
                            }
                            XCTAssertEqual(cv[i * ldc + j], expected, accuracy: 1e-5 * Float(k).squareRoot() * (1 + abs(expected)),
                                           "\(m)x\(n)x\(k) transposeA \(transposeA) accumulate \(accumulate) (\(i), \(j))")
                        }
                    }
                }
            }
        }
    }

    /// Adam steps (plain, L2 and decoupled weight decay) against the scalar formula, bit for bit: every
    /// variant keeps its operation order and fuses nothing. Three steps, so moments are nonzero.
    func checkAdam() {
        var generator = RandomGenerator(seed: 13)
        let (beta1, beta2, epsilon, learningRate): (Float, Float, Float, Float) = (0.9, 0.999, 1e-8, 3e-3)
        for n in [1, 7, 8, 9, 15, 16, 17, 33, 1031] {
            for (weightDecay, decoupled) in [(Float(0), false), (0.01, false), (0.02, true)] {
                var p = Tensor.randn([n], generator: &generator).toArray(), expected = p
                var m = [Float](repeating: 0, count: n), v = m, expectedM = m, expectedV = m
                for step in 1...3 {
                    let g = Tensor.randn([n], generator: &generator).toArray().map { $0 * 0.1 }
                    let stepSize = learningRate / Float(1 - pow(Double(beta1), Double(step)))
                    let root = Float(1 - pow(Double(beta2), Double(step))).squareRoot()
                    adamUpdate(&p, gradient: g, m: &m, v: &v, count: n, beta1: beta1, beta2: beta2, epsilon: epsilon,
                               weightDecay: weightDecay, decoupled: decoupled, learningRate: learningRate, stepSize: stepSize,
                               correction2Root: root)
                    for i in 0..<n {
                        var gi = g[i]
                        if weightDecay != 0 {
                            if decoupled { expected[i] *= 1 - learningRate * weightDecay } else { gi += weightDecay * expected[i] }
                        }
                        expectedM[i] = expectedM[i] * beta1 + (1 - beta1) * gi
                        expectedV[i] = expectedV[i] * beta2 + (1 - beta2) * gi * gi
                        expected[i] -= stepSize * expectedM[i] / (expectedV[i].squareRoot() / root + epsilon)
                    }
                    let label = "n \(n), weight decay \(weightDecay) decoupled \(decoupled), step \(step)"
                    XCTAssertEqual(p.map(\.bitPattern), expected.map(\.bitPattern), label)
                    XCTAssertEqual(m.map(\.bitPattern), expectedM.map(\.bitPattern), label)
                    XCTAssertEqual(v.map(\.bitPattern), expectedV.map(\.bitPattern), label)
                }
            }
        }
    }

    /// The depthwise convolution (bias, ReLU6) against a double loop over its window: strides 1 and 2
    /// with kernels 3 and 5 (rows wide enough for both variants' blocks, and too narrow for them), the
    /// general path (kernel 7, stride 3), channel counts off multiples of 16 and 8, TF-SAME, zero and
    /// wide padding, and output rows computed in two parts as cores split them.
    func checkDepthwise() {
        var generator = RandomGenerator(seed: 17)
        // (channels, height, width, kernel, stride, padding: nil for TF SAME)
        let shapes: [(Int, Int, Int, Int, Int, Int?)] = [
            (12, 9, 11, 3, 1, nil), (16, 10, 10, 5, 2, nil), (21, 7, 13, 5, 1, nil), (8, 3, 2, 3, 2, nil), (40, 17, 16, 3, 2, nil),
            (32, 9, 13, 3, 1, nil), (48, 8, 11, 5, 1, nil), (16, 6, 4, 5, 1, nil), (16, 5, 3, 3, 1, nil), (40, 9, 37, 3, 2, nil),
            (21, 7, 41, 5, 2, nil), (32, 6, 35, 5, 2, nil), (48, 5, 29, 3, 1, nil), (17, 4, 30, 5, 1, nil), (32, 6, 26, 3, 1, 0),
            (16, 7, 23, 5, 2, 3), (24, 11, 19, 7, 3, nil), (16, 4, 9, 7, 1, 3),
        ]
        for (channels, height, width, kernel, stride, padding) in shapes {
            func pads(_ size: Int) -> (Int, Int) {
                if let padding { return (padding, padding) }
                let total = max(((size + stride - 1) / stride - 1) * stride + kernel - size, 0)
                return (total / 2, total - total / 2)
            }
            let ((top, bottom), (left, right)) = (pads(height), pads(width))
            let g = ConvGeometry(channels: channels, height: height, width: width, kernelHeight: kernel, kernelWidth: kernel,
                                 strideY: stride, strideX: stride, padTop: top, padBottom: bottom, padLeft: left, padRight: right)
            let (outH, outW) = (g.outputHeight, g.outputWidth)
            let x = Tensor.randn([height, width, channels], generator: &generator).toArray()
            let w = Tensor.randn([kernel, kernel, channels], generator: &generator).toArray()
            let b = Tensor.randn([channels], generator: &generator).toArray()
            var y = [Float](repeating: .nan, count: outH * outW * channels)
            y.withUnsafeMutableBufferPointer { out in
                for rows in [0..<outH / 2, outH / 2..<outH] {
                    depthwiseConvolutionReLU6(x, g, weights: w, bias: b, output: out.baseAddress!, rows: rows)
                }
            }
            for oy in 0..<outH { for ox in 0..<outW { for c in 0..<channels {
                var sum = Double(b[c]), magnitude = abs(sum)
                for ky in 0..<kernel { for kx in 0..<kernel {
                    let iy = oy * stride + ky - top, ix = ox * stride + kx - left
                    guard iy >= 0 && iy < height && ix >= 0 && ix < width else { continue }
                    let term = Double(x[(iy * width + ix) * channels + c]) * Double(w[(ky * kernel + kx) * channels + c])
                    sum += term
                    magnitude += abs(term)
                } }
                XCTAssertEqual(Double(y[(oy * outW + ox) * channels + c]), min(max(sum, 0), 6), accuracy: 1e-6 * (1 + magnitude),
                               "C \(channels) \(height)x\(width) k \(kernel) s \(stride) padding \(top),\(left) at (\(oy), \(ox), \(c))")
            } } }
        }
    }
}
