import Foundation
import Kernels
import Tensors
import XCTest

/// Every variant of the dispatched kernels against a scalar double-precision reference, on this CPU:
/// the AVX2+FMA ones always, the AVX-512 ones where the CPU has AVX-512 (skipped, and saying so, elsewhere).
final class KernelVariantTests: XCTestCase {
    func testSoftmaxAVX2MatchesScalar() throws {
        try withVariant(avx512: false) { try checkSoftmax() }
    }

    func testSoftmaxAVX512MatchesScalar() throws {
        try XCTSkipUnless(KernelVariants.available, "this CPU lacks AVX-512 F/BW/DQ/VL: the AVX-512 variants are not tested here")
        try withVariant(avx512: true) { try checkSoftmax() }
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
            var y = [Float](repeating: .nan, count: row.count)
            let logSumExp = softmaxRow(row, row.count, into: &y)
            let peak = row.max()!
            if peak == -.infinity {
                XCTAssertEqual(y, [Float](repeating: 0, count: row.count))
                XCTAssertEqual(logSumExp, -.infinity)
                continue
            }
            let exps = row.map { Foundation.exp(Double($0) - Double(peak)) }, total = exps.reduce(0, +)
            for j in row.indices {
                let expected = exps[j] / total
                XCTAssertEqual(Double(y[j]), expected, accuracy: 4e-6 * expected + 1e-12, "n \(row.count), element \(j)")
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
}
