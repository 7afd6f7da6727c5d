import Synchronization
import Tensors

/// Services the host (rlr) offers plugins through RLRCore, installed by the host at start.
public enum HostServices {
    /// Reads every tensor of a weights file (torch .pth/.pt zip or legacy, wheel, safetensors).
    public typealias WeightsReader = @Sendable (_ path: String) throws -> [String: Tensor]

    private static let reader = Mutex<WeightsReader?>(nil)

    /// Installs the host's weights reader (rlr's Weights module).
    public static func install(weightsReader: @escaping WeightsReader) {
        reader.withLock { $0 = weightsReader }
    }

    /// Every tensor of the weights file at `path`, read by the host; falls back to safetensors only
    /// when no reader is installed.
    public static func readWeights(_ path: String) throws -> [String: Tensor] {
        if let read = reader.withLock({ $0 }) { return try read(path) }
        return try SafeTensors.read(path).tensors
    }
}
