import Foundation
import Tensors
import XCTest

/// Reference arrays written by scripts/reference/tensor_ops.py (PyTorch 2.13, SciPy 1.17).
func fixture(_ name: String) throws -> Tensor {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/tensor-ops")
    return try NPY.read(folder.appendingPathComponent(name + ".npy").path)
}

/// Max absolute error relative to the largest finite reference magnitude (at least 1) within `tolerance`.
func assertClose(_ actual: Tensor, _ expectedName: String, tolerance: Float = 1e-5,
                 file: StaticString = #filePath, line: UInt = #line) throws {
    let expected = try fixture(expectedName)
    assertClose(actual, expected, tolerance: tolerance, label: expectedName, file: file, line: line)
}

func assertClose(_ actual: Tensor, _ expected: Tensor, tolerance: Float = 1e-5, label: String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.shape, expected.shape, "shape of \(label)", file: file, line: line)
    let scale = Swift.max(expected.toArray().filter(\.isFinite).map(Swift.abs).max() ?? 1, 1)
    let worst = zip(actual.toArray(), expected.toArray()).map { $0 == $1 ? 0 : Swift.abs($0 - $1) }.max() ?? 0
    XCTAssertLessThanOrEqual(worst / scale, tolerance, "\(label): max error \(worst)", file: file, line: line)
}
