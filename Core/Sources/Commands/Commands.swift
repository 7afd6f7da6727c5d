// Commands: every capability of rlr declared once, as plain values.
//
// A command is a `CommandSpec` (path, abstract, positional `ArgumentSpec`s, `OptionSpec`s, examples and a
// `run` closure). From that single declaration the rest of the system derives: argument binding and type
// checks (`Binder`), "did you mean" suggestions, usage/help text and the markdown reference (`Help`), REPL
// completion (`Completion` values), and the shell form `rlr NOUN VERB ...`. Nothing here exits the process:
// every failure is a thrown `CommandError` (or the command's own domain error).
//
// How a module declares its commands (one table per noun, nothing else global):
//
//     import Commands
//
//     public enum MetricCommands {
//         public static let commands: [CommandSpec] = [
//             CommandSpec(
//                 path: ["metric", "auroc"],
//                 abstract: "Area under the ROC curve of scores against labels.",
//                 arguments: [
//                     ArgumentSpec("scores", .tensor, help: "Anomaly scores [N]."),
//                     ArgumentSpec("labels", .tensor, help: "Ground truth, 1 = anomalous [N]."),
//                 ],
//                 options: [
//                     OptionSpec("max-fpr", .double(0...1), default: .double(1), help: "Integrate up to this FPR."),
//                     OptionSpec("verbose", .bool, default: .bool(false), help: "Print the curve size."),
//                 ],
//                 examples: ["metric auroc (tensor arange 4) [0 0 1 1]"],
//                 run: { inv in
//                     let scores = try inv.tensor("scores")
//                     let maxFPR = try inv.double("max-fpr")
//                     if try inv.bool("verbose") { inv.print("\(scores.count) scores") }
//                     return .double(Double(AUROC.compute(scores, try inv.tensor("labels"), maxFPR: maxFPR)))
//                 })
//         ]
//     }
//
// Rules that registration enforces (`CommandRegistry.register` throws `CommandError.invalidSpec` naming the
// library): a unique path of lowercase kebab-case words; a non-empty abstract and help on every argument and
// option; unique option names and short names (`--no-x` is reserved for a bool option `x`); required
// positionals before optional ones, at most one variadic positional and only last; defaults that fit their
// kind (range, choices). An option or argument with `default: nil` is required. Bool options are flags:
// `--x` sets true, `--no-x` false.
//
// In `run`, read bound values with the typed accessors of `Invocation` (`try inv.int("epochs")`,
// `inv.path`, `inv.tensor`, `inv.double`, `inv.bool`, `inv.string`, `inv.list`, `inv.ints` for
// `.list(.int)`, `inv.object(_:as:)`, positional by index `inv.tensor(0)`); an option declared with
// `default: .nil` is optional without a value: test it with `inv.has("name")`. Cross-argument rules go in
// the spec's `validate` closure, which runs after binding and before `run`. Write output with
// `inv.print`, report progress with `inv.progress(...)`, and call `try inv.checkInterrupted()` at safe
// points of long loops (Ctrl-C). Throw `CommandError.badArgument(name:reason:)` to blame one argument (the
// language then underlines it), any other error to blame the whole command. Domain objects (datasets,
// models, curves, plots) are returned as `.object(x)` where `x` conforms to `ScriptObject`.
//
// Where the list of libraries lives: the app package's `Library` module, `Sources/Library/Library.swift`
// (`Library.all`, the role of Lua's linit.c). Add `YourCommands.commands` there; the executable and the REPL
// register every table of that list with `registry.register(table, library: "name")`, and nothing else.
// Plugins call the same `register` on the registry they are handed.
