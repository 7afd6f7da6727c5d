import CLibFuzzer
import Foundation

/// libFuzzer as the engine: coverage-guided mutation with AddressSanitizer, available when this rlr-fuzz was built
/// with it (scripts/fuzz builds one in .build-libfuzzer); the seeded `FuzzRunner` is the engine otherwise.
public enum LibFuzzer {
    /// Whether libFuzzer is linked into this binary.
    public static var isLinked: Bool { rlr_libfuzzer_linked() != 0 }

    /// The target libFuzzer's callback feeds (libFuzzer runs one target per process).
    nonisolated(unsafe) private static var active: FuzzTarget?

    /// The libFuzzer command line for `target`: its flags, `extra` (libFuzzer flags passed through), then `corpus`.
    /// A crash, a hang (one input over 10 s), an allocation past 8 GiB or a leak is saved as `<findings>/<target>-crash-…`
    /// (`timeout-…`, `oom-…`, `leak-…`: memory an input left unreachable, like a pickle list holding itself).
    public static func arguments(_ target: FuzzTarget, seconds: Double, seed: UInt64, corpus: String, findings: String,
                                 extra: [String] = []) -> [String] {
        var arguments = ["-max_len=\(target.maximumLength)", "-timeout=10", "-rss_limit_mb=8192", "-print_final_stats=1",
                         "-seed=\(seed % (1 << 32))", "-artifact_prefix=\(findings)/\(target.name)-"]
        if seconds.isFinite { arguments.append("-max_total_time=\(Int(seconds.rounded(.up)))") }
        return arguments + extra + [corpus]
    }

    /// Writes the target's seeds into `corpus`, then fuzzes it under libFuzzer until `seconds` have passed and exits
    /// the process with libFuzzer's status (libFuzzer never returns).
    public static func run(_ target: FuzzTarget, seconds: Double, seed: UInt64, corpus: String, findings: String,
                           extra: [String] = []) throws -> Never {
        guard isLinked else {
            throw FuzzError("this rlr-fuzz was built without libFuzzer (scripts/fuzz --engine libfuzzer builds one)")
        }
        for folder in [corpus, findings] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        for (index, seed) in try target.seeds().enumerated() {
            try Data(seed.prefix(target.maximumLength)).write(to: URL(fileURLWithPath: corpus + "/seed-\(index)"))
        }
        active = target
        FuzzRunner.startWatchdog(hangSeconds: 3600)  // only the soft deadline: libFuzzer's -timeout reports hangs
        let words = [CommandLine.arguments[0]] + arguments(target, seconds: seconds, seed: seed, corpus: corpus,
                                                             findings: findings, extra: extra)
        var argc = Int32(words.count)
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = .allocate(capacity: words.count + 1)
        for (index, word) in words.enumerated() { argv![index] = strdup(word) }
        argv![words.count] = nil
        let status = rlr_libfuzzer_run(&argc, &argv) { data, size in
            guard let target = LibFuzzer.active else { return 0 }
            _ = FuzzRunner.feed(target, size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
            return 0
        }
        exit(status)
    }
}
