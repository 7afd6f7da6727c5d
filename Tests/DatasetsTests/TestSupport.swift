import Foundation
import XCTest

/// A fresh temporary folder; callers remove it in tearDown.
func makeTemporaryFolder(_ label: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("rlr-\(label)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The shared real-data folder: $RLR_SHARED/data, else <package root>/../shared/data; skips the test when absent.
func sharedDataFolder(file: StaticString = #filePath) throws -> String {
    let shared: String
    if let variable = ProcessInfo.processInfo.environment["RLR_SHARED"], !variable.isEmpty {
        shared = variable
    } else {
        // <package root>/Tests/DatasetsTests/TestSupport.swift -> <package root>/../shared
        let packageRoot = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared").path
    }
    let data = shared + "/data"
    guard FileManager.default.fileExists(atPath: data + "/MANIFEST.tsv") else {
        throw XCTSkip("real data not found at \(data) (set RLR_SHARED to the folder holding data/MANIFEST.tsv)")
    }
    return data
}

/// Creates the parent folders of `path` and writes `data` there.
func writeFile(_ data: Data, to path: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try data.write(to: URL(fileURLWithPath: path))
}
