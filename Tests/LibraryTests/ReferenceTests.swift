import XCTest
import Commands
import Library
import Script

/// docs/commands.md is the markdown reference generated from every declaration; this test rewrites it.
final class ReferenceTests: XCTestCase {
    func testCommandReferenceCoversEveryCommandAndIsRegenerated() throws {
        let interpreter = try Interpreter(libraries: Library.all, output: { _ in }, interrupt: InterruptFlag())
        let markdown = Help.markdown(interpreter.registry)
        for spec in interpreter.registry.all {
            XCTAssertTrue(markdown.contains("### `\(spec.name)`\n\n\(spec.abstract)\n\n```\n\(Help.usage(spec))\n```"), spec.name)
            for option in spec.options { XCTAssertTrue(markdown.contains("`--\(option.name)`") || markdown.contains("`--[no-]\(option.name)`")) }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = root.appendingPathComponent("docs/commands.md")
        if (try? String(contentsOf: file, encoding: .utf8)) != markdown {
            try markdown.write(to: file, atomically: true, encoding: .utf8)
        }
    }
}
