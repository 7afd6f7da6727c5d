import Synchronization

/// Where a registered backbone, attention block or command library came from.
public enum Provenance: Sendable, Equatable, CustomStringConvertible {
    case builtIn
    case plugin(PluginInfo)

    public var description: String {
        switch self {
        case .builtIn: "built in"
        case .plugin(let info): "plugin \(info.name) \(info.version) (\(info.file))"
        }
    }
}

/// A loaded plugin: the name and version it declared and the file it came from.
public struct PluginInfo: Sendable, Codable, Equatable {
    public var name: String
    public var version: String
    public var file: String

    public init(name: String, version: String, file: String) {
        self.name = name; self.version = version; self.file = file
    }
}

/// A registration refused because the name is taken, naming who holds it.
public struct DuplicateRegistration: Error, CustomStringConvertible, Equatable {
    public let kind: String
    public let name: String
    public let holder: Provenance
    public var description: String { "\(kind) \"\(name)\" is already registered (\(holder))" }
}

/// An open table of named entries (backbone factories, attention blocks), each with its provenance.
/// Built-ins and plugins register through the same call; a name is registered once.
public final class Registry<Entry: Sendable>: Sendable {
    /// What an entry is, for messages ("backbone", "attention block").
    public let kind: String
    private let table = Mutex<[String: (entry: Entry, provenance: Provenance)]>([:])

    public init(kind: String) { self.kind = kind }

    /// Adds `entry` under `name`; throws `DuplicateRegistration` when the name is taken.
    public func register(_ name: String, _ entry: Entry, provenance: Provenance = .builtIn) throws {
        try table.withLock { table in
            if let existing = table[name] { throw DuplicateRegistration(kind: kind, name: name, holder: existing.provenance) }
            table[name] = (entry, provenance)
        }
    }

    /// Throws `DuplicateRegistration` for the first of `names` already registered.
    public func checkFree(_ names: [String]) throws {
        try table.withLock { table in
            for name in names {
                if let existing = table[name] { throw DuplicateRegistration(kind: kind, name: name, holder: existing.provenance) }
            }
        }
    }

    /// The entry called `name`.
    public func entry(_ name: String) -> Entry? { table.withLock { $0[name]?.entry } }

    /// Where the entry called `name` came from.
    public func provenance(of name: String) -> Provenance? { table.withLock { $0[name]?.provenance } }

    /// Registered names, sorted.
    public var names: [String] { table.withLock { $0.keys.sorted() } }
}
