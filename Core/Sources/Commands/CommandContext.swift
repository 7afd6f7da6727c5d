import Synchronization

/// A process-wide interruption flag: set from a SIGINT handler, polled at safe points, cleared at the prompt.
public final class InterruptFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    /// The flag the executable's SIGINT handler sets.
    public static let shared = InterruptFlag()

    /// Whether Ctrl-C was pressed since the last `clear()`.
    public var isSet: Bool { flag.load(ordering: .relaxed) }
    /// Async-signal-safe: called from the SIGINT handler.
    public func set() { flag.store(true, ordering: .relaxed) }
    /// Called at the prompt, once the interruption has been handled.
    public func clear() { flag.store(false, ordering: .relaxed) }
}

/// Where a running command writes, reports progress, learns of Ctrl-C, and finds its host.
public final class CommandContext: Sendable {
    /// Receives text a command prints (a newline is included).
    public let output: @Sendable (String) -> Void
    /// Receives progress: (label, done, total).
    public let progress: @Sendable (String, Int, Int) -> Void
    /// The flag `Invocation.checkInterrupted()` polls.
    public let interrupt: InterruptFlag
    /// The object running commands (the interpreter), for builtins that need it. Held weakly: the host keeps
    /// its context, and outlives the commands it runs.
    public weak let host: (any AnyObject & Sendable)?

    /// A context printing to stdout and ignoring progress by default.
    public init(output: @escaping @Sendable (String) -> Void = { Swift.print($0, terminator: "") },
                progress: @escaping @Sendable (String, Int, Int) -> Void = { _, _, _ in },
                interrupt: InterruptFlag = .shared, host: (any AnyObject & Sendable)? = nil) {
        self.output = output
        self.progress = progress
        self.interrupt = interrupt
        self.host = host
    }
}

/// A command host that owns a command registry (the interpreter): commands that add commands, such as
/// `plugin load`, find it through `CommandContext.host`.
public protocol CommandRegistryHost: AnyObject {
    var registry: CommandRegistry { get }
}
