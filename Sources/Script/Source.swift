/// A named piece of rlr source text: a file, a REPL entry (`<repl:12>`) or a `-e` argument (`<command line>`).
public final class SourceFile: Sendable {
    public let name: String
    public let text: String
    /// The text as UTF-8 bytes; spans index into it.
    public let bytes: [UInt8]
    /// Byte offset of the start of each line.
    let lineStarts: [Int]

    public init(name: String, text: String) {
        self.name = name
        self.text = text
        self.bytes = Array(text.utf8)
        var starts = [0]
        for (i, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(i + 1) }
        self.lineStarts = starts
    }

    /// 1-based line and column (in characters) of a byte offset.
    public func location(of offset: Int) -> (line: Int, column: Int) {
        let line = lineIndex(of: offset)
        let prefix = bytes[lineStarts[line]..<min(offset, bytes.count)]
        return (line + 1, String(decoding: prefix, as: UTF8.self).count + 1)
    }

    /// The text of the 1-based line, without its newline.
    public func line(_ number: Int) -> String {
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The source text in a byte range.
    public func text(in range: Range<Int>) -> String {
        String(decoding: bytes[range.clamped(to: 0..<bytes.count)], as: UTF8.self)
    }

    private func lineIndex(of offset: Int) -> Int {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }
}

/// A byte range in a source file.
public struct SourceSpan: Sendable {
    public let file: SourceFile
    public let start: Int
    public let end: Int

    public init(file: SourceFile, start: Int, end: Int) {
        self.file = file
        self.start = start
        self.end = max(start, end)
    }

    /// The span from the start of `self` to the end of `other`.
    public func through(_ other: SourceSpan) -> SourceSpan { SourceSpan(file: file, start: start, end: max(end, other.end)) }

    /// `file:line:col`.
    public var position: String {
        let (line, column) = file.location(of: start)
        return "\(file.name):\(line):\(column)"
    }

    public var text: String { file.text(in: start..<end) }
}
