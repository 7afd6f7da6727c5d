import Commands
import Foundation
import Synchronization

/// One thing to fuzz: seeds (from the test fixtures and small files built in code) and a body that
/// feeds it one input. Any error the body throws is a correct rejection; a trap, a crash, a hang or
/// running out of memory is a finding.
public struct FuzzTarget: Sendable {
    public let name: String
    public let summary: String
    /// Inputs are cut to this many bytes.
    public let maximumLength: Int
    let seeds: @Sendable () throws -> [[UInt8]]
    let body: @Sendable ([UInt8]) throws -> Void

    /// Feeds one input to the target (what a campaign does for each input, without the crash capture).
    public func run(_ input: [UInt8]) throws { try body(input) }

    init(_ name: String, _ summary: String, maximumLength: Int = 4096, seeds: @escaping @Sendable () throws -> [[UInt8]],
         body: @escaping @Sendable ([UInt8]) throws -> Void) {
        self.name = name; self.summary = summary; self.maximumLength = maximumLength; self.seeds = seeds; self.body = body
    }
}

/// What a campaign did.
public struct FuzzReport: Sendable {
    public var target: String
    public var executions = 0
    public var seconds = 0.0
    /// Inputs the target accepted (the rest were rejected with an error).
    public var accepted = 0
    /// Distinct rejection messages (digits and file names folded), a rough measure of paths reached.
    public var distinctErrors = 0
    public var corpus = 0
    public var executionsPerSecond: Double { Double(executions) / Swift.max(seconds, 1e-9) }

    public var line: String {
        String(format: "%@: %d executions in %.1f s (%.0f/s), %d accepted, %d distinct errors, corpus %d, no crash",
               target, executions, seconds, executionsPerSecond, accepted, distinctErrors, corpus)
    }
}

// State the signal handlers and the watchdog read: the input being run and where to save it.
nonisolated(unsafe) private var currentInput = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
nonisolated(unsafe) private var currentLength = 0
nonisolated(unsafe) private var crashPath: UnsafeMutablePointer<CChar>? = nil
nonisolated(unsafe) private var hangPath: UnsafeMutablePointer<CChar>? = nil
private let executionStarted = Atomic<UInt64>(0)   // uptime in ns, 0 between executions

/// Writes the current input to `path` with async-signal-safe calls only.
private func saveCurrentInput(_ path: UnsafeMutablePointer<CChar>?) {
    guard let path else { return }
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    if fd >= 0 { _ = write(fd, currentInput, currentLength); close(fd) }
}

/// Runs a target on mutated inputs: deterministic for a seed and an execution count.
///
/// A crash (Swift trap, bad access, abort, out of memory under `ulimit -v`) saves the input being run to
/// `<findings>/crash-<target>` before the process dies; an execution longer than `hangSeconds` saves it to
/// `hang-<target>` and exits with status 3. Corpus entries that produce a new rejection message are kept.
public final class FuzzRunner {
    public let target: FuzzTarget
    let seed: UInt64
    let findings: String
    let hangSeconds: Double
    /// Set by the watchdog when an execution runs past a second: long-running bodies (the interpreter) poll it.
    static let softDeadline = InterruptFlag()

    public init(target: FuzzTarget, seed: UInt64, findings: String, hangSeconds: Double = 10) {
        self.target = target; self.seed = seed; self.findings = findings; self.hangSeconds = hangSeconds
    }

    /// Runs until `executions` inputs or `seconds` have passed, whichever comes first.
    public func run(executions limit: Int = .max, seconds: Double = .infinity,
                    progress: (FuzzReport) -> Void = { _ in }) throws -> FuzzReport {
        var corpus = try target.seeds()
        guard !corpus.isEmpty else { throw FuzzError("target \(target.name) has no seeds") }
        let previous = install()
        defer { for (sig, handler) in previous { signal(sig, handler) } }
        var mutator = Mutator(seed: seed, maximumLength: target.maximumLength)
        var report = FuzzReport(target: target.name)
        var signatures = Set<String>()
        let start = Date()
        var lastProgress = start
        // Every seed once, then mutations of random corpus entries.
        var index = 0
        while report.executions < limit {
            let input: [UInt8]
            if index < corpus.count { input = corpus[index]; index += 1 } else {
                input = mutator.mutate(corpus[mutator.below(corpus.count)], other: corpus[mutator.below(corpus.count)])
            }
            if let signature = execute(input) {
                if signatures.insert(signature).inserted, corpus.count < 512 { corpus.append(input) }
            } else {
                report.accepted += 1
            }
            report.executions += 1
            if report.executions % 16 == 0 {
                let now = Date()
                if now.timeIntervalSince(start) >= seconds { break }
                if now.timeIntervalSince(lastProgress) >= 10 {
                    lastProgress = now
                    report.seconds = now.timeIntervalSince(start)
                    progress(report)
                }
            }
        }
        report.seconds = Date().timeIntervalSince(start)
        report.distinctErrors = signatures.count
        report.corpus = corpus.count
        return report
    }

    /// Runs one input; returns the folded error message when the target rejected it.
    private func execute(_ input: [UInt8]) -> String? {
        input.withUnsafeBufferPointer { currentInput.update(from: $0.baseAddress!, count: $0.count) }
        currentLength = input.count
        return FuzzRunner.feed(target, input)
    }

    /// Feeds one input with the watchdog's clock running (it sets `softDeadline` after a second, for long-running
    /// bodies to poll); returns the folded rejection message, nil when the target accepted the input.
    static func feed(_ target: FuzzTarget, _ input: [UInt8]) -> String? {
        softDeadline.clear()
        executionStarted.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
        defer { executionStarted.store(0, ordering: .relaxed) }
        do {
            try target.body(input)
            return nil
        } catch {
            return String(String(describing: error).map { $0.isNumber ? "#" : $0 }.prefix(120))
        }
    }

    /// Installs the crash handlers; returns the ones they replace (restored when the run ends).
    private func install() -> [(Int32, __sighandler_t?)] {
        currentInput.deallocate()
        currentInput = .allocate(capacity: target.maximumLength + 1)
        try? FileManager.default.createDirectory(atPath: findings, withIntermediateDirectories: true)
        crashPath = strdup(findings + "/crash-" + target.name)
        hangPath = strdup(findings + "/hang-" + target.name)
        let previous = [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE].map { sig in
            (sig, signal(sig) { sig in
                saveCurrentInput(crashPath)
                let message = "\nfuzz: crash (signal \(sig)); the input is saved as crash-<target> in the findings folder\n"
                message.utf8CString.withUnsafeBufferPointer { _ = write(2, $0.baseAddress, $0.count - 1) }
                signal(sig, SIG_DFL)
                raise(sig)
            })
        }
        FuzzRunner.startWatchdog(hangSeconds: hangSeconds)
        return previous
    }

    private static let watchdogStarted = Mutex(false)
    nonisolated(unsafe) private static var hangLimit: UInt64 = 10_000_000_000

    /// Starts the thread that sets the soft deadline and ends an execution longer than `hangSeconds` (once per process).
    static func startWatchdog(hangSeconds: Double) {
        hangLimit = UInt64(hangSeconds * 1e9)
        let first = watchdogStarted.withLock { started in defer { started = true }; return !started }
        guard first else { return }
        Thread.detachNewThread {
            while true {
                usleep(50_000)
                let started = executionStarted.load(ordering: .relaxed)
                guard started != 0 else { continue }
                let elapsed = DispatchTime.now().uptimeNanoseconds &- started
                if elapsed > 1_000_000_000 { softDeadline.set() }
                if elapsed > hangLimit {
                    saveCurrentInput(hangPath)
                    FileHandle.standardError.write(Data("fuzz: hang (one input ran \(elapsed / 1_000_000_000) s); saved as hang-<target>\n".utf8))
                    exit(3)
                }
            }
        }
    }
}

/// A misuse of the harness (unknown target, no seeds), not a finding.
public struct FuzzError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
