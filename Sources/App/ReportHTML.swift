import Foundation

/// The HTML twin of a notebook report: the few markdown constructs `Report` writes (headings,
/// paragraphs, fenced code, images, inline code and emphasis) rendered as one self-contained page.
enum ReportHTML {
    static func render(markdown: String, title: String) -> String {
        var body: [String] = []
        var code: [String]? = nil
        var paragraph: [String] = []
        func flushParagraph() {
            if !paragraph.isEmpty { body.append("<p>" + paragraph.map(inline).joined(separator: " ") + "</p>") }
            paragraph = []
        }
        for line in markdown.components(separatedBy: "\n") {
            if line.hasPrefix("```") {
                if let lines = code {
                    body.append("<pre><code>" + lines.map(escape).joined(separator: "\n") + "</code></pre>")
                    code = nil
                } else {
                    flushParagraph()
                    code = []
                }
            } else if code != nil {
                code!.append(line)
            } else if line.hasPrefix("## ") || line.hasPrefix("# ") {
                flushParagraph()
                let level = line.hasPrefix("## ") ? 2 : 1
                body.append("<h\(level)>" + inline(String(line.dropFirst(level + 1))) + "</h\(level)>")
            } else if line.hasPrefix("!["), let close = line.firstIndex(of: "]"), line[close...].hasPrefix("](") {
                flushParagraph()
                let alt = String(line[line.index(line.startIndex, offsetBy: 2)..<close])
                let source = String(line[line.index(close, offsetBy: 2)...].dropLast())
                body.append("<p><img src=\"\(escape(source))\" alt=\"\(escape(alt))\"></p>")
            } else if line.trimmingCharacters(in: .whitespaces).isEmpty {
                flushParagraph()
            } else {
                paragraph.append(line)
            }
        }
        flushParagraph()
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>\(escape(title))</title>
            <style>body{font-family:"DejaVu Sans",sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}
            pre{background:#f5f5f5;padding:.8em;overflow-x:auto}code{font-family:"DejaVu Sans Mono",monospace}
            img{max-width:100%}h2{border-bottom:1px solid #ddd;padding-bottom:.2em}</style></head>
            <body>
            \(body.joined(separator: "\n"))
            </body></html>

            """
    }

    /// `code` spans and _emphasis_, with everything else escaped.
    static func inline(_ text: String) -> String {
        var result = "", inCode = false
        for (index, part) in text.components(separatedBy: "`").enumerated() {
            if index > 0 { result += inCode ? "</code>" : "<code>"; inCode.toggle() }
            var piece = escape(part)
            if !inCode, piece.hasPrefix("_"), piece.hasSuffix("_"), piece.count > 2 { piece = "<em>" + piece.dropFirst().dropLast() + "</em>" }
            result += piece
        }
        return result + (inCode ? "</code>" : "")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
