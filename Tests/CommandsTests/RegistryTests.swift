import XCTest
import Commands

final class RegistryTests: XCTestCase {
    func spec(_ path: [String], arguments: [ArgumentSpec] = [], options: [OptionSpec] = [], abstract: String = "Does it.") -> CommandSpec {
        CommandSpec(path: path, abstract: abstract, arguments: arguments, options: options, run: { _ in .nil })
    }

    func rejection(_ specs: [CommandSpec], _ registry: CommandRegistry = CommandRegistry()) -> String {
        do {
            try registry.register(specs, library: "test")
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    func testValidationRejectsBadDeclarations() {
        XCTAssertEqual(rejection([spec(["a", "b"]), spec(["a", "b"])]), "library 'test', command 'a b': already declared by library 'test'")
        XCTAssertEqual(rejection([spec(["A"])]), "library 'test', command 'A': path words must be lowercase kebab-case (a-z, 0-9, '-')")
        XCTAssertEqual(rejection([spec(["a"], abstract: " ")]), "library 'test', command 'a': empty abstract")
        XCTAssertEqual(rejection([spec(["a"], options: [OptionSpec("x", .int, default: .int(1), help: "")])]),
                       "library 'test', command 'a': option --x has no help")
        XCTAssertEqual(rejection([spec(["a"], options: [OptionSpec("x", short: "x", .int, default: .int(1), help: "h"),
                                                        OptionSpec("y", short: "x", .int, default: .int(1), help: "h")])]),
                       "library 'test', command 'a': duplicate short option -x")
        XCTAssertEqual(rejection([spec(["a"], options: [OptionSpec("x", .int(0...3), default: .int(9), help: "h")])]),
                       "library 'test', command 'a': default of --x: 9 is outside 0...3")
        XCTAssertEqual(rejection([spec(["a"], arguments: [ArgumentSpec("p", .int, default: .int(1), help: "h"),
                                                          ArgumentSpec("q", .int, help: "h")])]),
                       "library 'test', command 'a': required <q> follows an optional argument")
        XCTAssertEqual(rejection([spec(["a"], options: [OptionSpec("x", .bool, default: .bool(true), help: "h"),
                                                        OptionSpec("no-x", .int, default: .int(1), help: "h")])]),
                       "library 'test', command 'a': option --no-x conflicts with the negation of flag --x")
        XCTAssertEqual(rejection([spec(["a"]), spec(["a", "b"])]),
                       "library 'test', command 'a': is a prefix of command 'a b'; a noun cannot also be a command")
    }

    func testRegistrationIsAllOrNothingAndResolvesLongestPath() throws {
        let registry = CommandRegistry()
        try registry.register([spec(["tensor", "zeros"]), spec(["tensor", "ones"]), spec(["print"])], library: "core")
        XCTAssertEqual(rejection([spec(["other"]), spec(["print"])], registry),
                       "library 'test', command 'print': already declared by library 'core'")
        XCTAssertNil(registry.lookup(["other"]))
        XCTAssertEqual(registry.resolve(["tensor", "ones", "x"])?.consumed, 2)
        XCTAssertEqual(registry.nouns, ["print", "tensor"])
        XCTAssertEqual(registry.unknown(["tensor", "zero"]).description,
                       "unknown command 'tensor zero' (did you mean 'tensor zeros'?)")
        XCTAssertEqual(registry.unknown(["tensr"]).description, "unknown command 'tensr' (did you mean 'tensor'?)")
    }

    func testHelpIsDerivedFromTheSpec() {
        let s = spec(["tensor", "randn"], arguments: [ArgumentSpec("shape", .list(.int), help: "Shape.")],
                     options: [OptionSpec("seed", short: "s", .int, default: .int(0), help: "Seed."),
                               OptionSpec("center", .bool, default: .bool(false), help: "Center.")])
        XCTAssertEqual(Help.usage(s), "tensor randn <shape> [--seed <int>] [--[no-]center]")
        XCTAssertEqual(Help.text(s), """
            tensor randn: Does it.

            usage: tensor randn <shape> [--seed <int>] [--[no-]center]

            arguments:
              <shape> <list of int>  Shape. (required)

            options:
              -s, --seed <int>  Seed. (default: 0)
              --[no-]center     Center. (default: false)
            """)
    }
}
