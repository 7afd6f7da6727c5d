import Foundation

/// A message about source text: rendered as `file:line:col: error: message`, the line, a caret underline,
/// then notes (each with its own position) and a hint.
public struct Diagnostic: Error, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    public var message: String
    public var span: SourceSpan?
    public var notes: [(String, SourceSpan?)]
    public var hint: String?

    public init(_ severity: Severity = .error, message: String, span: SourceSpan?,
                notes: [(String, SourceSpan?)] = [], hint: String? = nil) {
        self.severity = severity
        self.message = message
        self.span = span
        self.notes = notes
        self.hint = hint
    }

    public var description: String { rendered() }

    /// The full text, one line per part.
    public func rendered() -> String {
        var lines: [String] = []
        lines += Diagnostic.located("\(severity.rawValue): \(message)", span)
        for (note, noteSpan) in Diagnostic.condensed(notes) { lines += Diagnostic.located("note: \(note)", noteSpan) }
        if let hint { lines.append("hint: \(hint)") }
        return lines.joined(separator: "\n")
    }

    /// Repeated notes (recursion) merged into one with a count; long stacks cut in the middle, like Lua's traceback.
    private static func condensed(_ notes: [(String, SourceSpan?)]) -> [(String, SourceSpan?)] {
        var merged: [(String, SourceSpan?, Int)] = []
        for (text, span) in notes {
            if let last = merged.last, last.0 == text, last.1?.position == span?.position, last.1?.end == span?.end {
                merged[merged.count - 1].2 += 1
            } else {
                merged.append((text, span, 1))
            }
        }
        let lines = merged.map { ($0.2 > 1 ? "\($0.0) (\($0.2) times)" : $0.0, $0.1) }
        guard lines.count > 12 else { return lines }
        return Array(lines.prefix(6)) + [("... \(lines.count - 11) more", nil)] + lines.suffix(5)
    }

    /// `position: text`, then the source line and an underline when the span has text to show.
    private static func located(_ text: String, _ span: SourceSpan?) -> [String] {
        guard let span else { return [text] }
        let (line, column) = span.file.location(of: span.start)
        let source = span.file.line(line)
        var result = ["\(span.position): \(text)"]
        guard !source.trimmingCharacters(in: .whitespaces).isEmpty else { return result }
        let (endLine, endColumn) = span.file.location(of: max(span.start, span.end - 1))
        let width = endLine == line ? max(1, endColumn - column + 1) : max(1, source.count - column + 1)
        let indent = String(source.prefix(column - 1).map { $0 == "\t" ? "\t" : " " })
        result.append(source)
        result.append(indent + "^" + String(repeating: "~", count: max(0, min(width, source.count - column + 1) - 1)))
        return result
    }
}
