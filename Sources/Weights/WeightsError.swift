/// Why a weights file could not be read; the description names the file and the cause.
public struct WeightsError: Error, CustomStringConvertible, Equatable {
    /// What went wrong, coarsely (for callers that branch on it).
    public enum Kind: Sendable, Equatable {
        /// The file is missing or cannot be read.
        case unreadable
        /// The bytes do not follow the format they claim.
        case malformed
        /// A valid file using a feature this reader does not implement (e.g. an unknown dtype).
        case unsupported
        /// A pickle names a global outside the allow-list of a state dict (it could run code in Python).
        case refused
        /// A tensor the caller needs is absent or has the wrong shape.
        case missingTensor
    }

    public let kind: Kind
    public let path: String
    public let reason: String

    public init(_ kind: Kind, _ path: String, _ reason: String) {
        self.kind = kind
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
