import Commands

/// Variables and procedures of a session: globals plus one frame of locals per running procedure.
struct Environment {
    private(set) var globals: [String: Value] = [:]
    /// The locals of each running procedure, innermost last.
    private(set) var frames: [[String: Value]] = []
    private(set) var procedures: [String: Procedure] = [:]

    /// A local of the running procedure, else a global.
    func lookup(_ name: String) -> Value? {
        frames.last?[name] ?? globals[name]
    }

    /// Assigns in the running procedure's frame, or globally at top level.
    mutating func assign(_ name: String, _ value: Value) {
        if frames.isEmpty { globals[name] = value } else { frames[frames.count - 1][name] = value }
    }

    mutating func remove(_ name: String) -> Bool {
        if !frames.isEmpty, frames[frames.count - 1].removeValue(forKey: name) != nil { return true }
        return globals.removeValue(forKey: name) != nil
    }

    /// Names visible here, sorted: locals then globals.
    var visibleNames: [String] {
        Array(Set(globals.keys).union(frames.last?.keys ?? [:].keys)).sorted()
    }

    mutating func define(_ procedure: Procedure) { procedures[procedure.spec.name] = procedure }

    mutating func push(_ locals: [String: Value]) { frames.append(locals) }
    mutating func pop() { frames.removeLast() }
    var depth: Int { frames.count }
}

/// A user procedure: its declaration and the spec its parameters bind through.
struct Procedure {
    let declaration: ProcedureDecl
    let spec: CommandSpec
}
