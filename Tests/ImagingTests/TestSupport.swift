import Foundation

/// A fresh temporary folder, removed when the test case tears down (callers register the cleanup).
func makeTemporaryFolder(_ label: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("rlr-\(label)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Lines of a fixture file next to this source file (comments starting with # skipped).
func fixtureLines(_ name: String, file: StaticString = #filePath) throws -> [[Substring]] {
    let folder = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().appendingPathComponent("Fixtures")
    let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ") }
}

/// Bytes of a hexadecimal string.
func bytes(hex: Substring) -> [UInt8] {
    var result = [UInt8]()
    result.reserveCapacity(hex.count / 2)
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        result.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return result
}

/// The synthetic pattern of scripts/imaging-references.py.
func referencePattern(width: Int, height: Int, channels: Int) -> [UInt8] {
    var values = [UInt8]()
    for y in 0..<height {
        for x in 0..<width {
            for c in 0..<channels { values.append(UInt8((x * 37 + y * 91 + c * 53 + ((x * y) % 17) * 13) % 256)) }
        }
    }
    return values
}
