import Foundation

/// Where the REPL keeps its history: $RLR_HISTORY, else ~/.rlr_history.
public enum History {
    public static var path: String {
        if let custom = ProcessInfo.processInfo.environment["RLR_HISTORY"], !custom.isEmpty { return custom }
        return NSHomeDirectory() + "/.rlr_history"
    }

    /// How many entries are kept.
    public static let limit: Int32 = 2000
}
