import Commands
import Foundation
import Tensors

/// A trained model as a language value: its checkpoint, and the detector (backbone + network) built
/// on first use.
public final class ModelObject: ScriptObject, @unchecked Sendable {
    public let path: String
    public let checkpoint: Checkpoint
    private let lock = NSLock()
    private var built: Detector?

    init(path: String, checkpoint: Checkpoint, detector: Detector? = nil) {
        self.path = path
        self.checkpoint = checkpoint
        self.built = detector
    }

    /// The model of a checkpoint file.
    public static func load(_ path: String) throws -> ModelObject {
        ModelObject(path: path, checkpoint: try Checkpoint.load(path))
    }

    /// The detector of the checkpoint (its backbone is made on the first call).
    public func detector() throws -> Detector {
        try lock.withLock {
            if let built { return built }
            let detector = try ModelCommands.detector(of: checkpoint, path: path)
            built = detector
            return detector
        }
    }

    public var typeName: String { "model" }
    public var summary: String {
        let c = checkpoint.config
        return "RLR model \(path): \(checkpoint.backbone.name) \(checkpoint.backbone.taps.joined(separator: ",")), "
            + "D \(c.dims.map(String.init).joined(separator: "/")), \(c.layers) layers, \(checkpoint.lossHistory.count) epochs"
            + (checkpoint.lossHistory.last.map { String(format: ", loss %.4f", $0) } ?? "")
            + ", categories \(checkpoint.categories.joined(separator: ","))"
            + (checkpoint.calibration.map { ", calibrated at FPR \(Value.format($0.fpr))" } ?? ", not calibrated")
    }

    /// Everything `model info` prints and the members of a model value.
    public var info: Record {
        let b = checkpoint.backbone, network = checkpoint.network
        let levels: [Value] = network.levels.enumerated().map { index, level in
            .record(Record([("tap", .string(b.taps[index])), ("channels", .int(level.channels)), ("side", .int(level.side)),
                            ("dims", .int(level.dims)), ("window", .int(level.windowSize))]))
        }
        return Record([
            ("path", .string(path)),
            ("backbone", .string(b.name)),
            ("taps", .list(b.taps.map { .string($0) })),
            ("image_size", .int(b.imageSize)),
            ("levels", .list(levels)),
            ("parameters", .int(network.parameterCount)),
            ("categories", .list(checkpoint.categories.map { .string($0) })),
            ("epochs", .int(checkpoint.lossHistory.count)),
            ("loss", .tensor(Tensor(shape: [checkpoint.lossHistory.count], data: checkpoint.lossHistory))),
            ("validation_loss", .tensor(Tensor(shape: [checkpoint.validationHistory.count], data: checkpoint.validationHistory))),
            ("config", ModelObject.value(json: checkpoint.config)),
            ("calibration", checkpoint.calibration.map { ModelObject.value(json: $0) } ?? .nil),
        ])
    }

    public var memberNames: [String] { info.keys }
    public func member(_ name: String) -> Value? { info[name] }

    /// An encodable value as a language value, through its JSON form (record fields in sorted order).
    static func value<T: Encodable>(json item: T) -> Value {
        guard let data = try? JSONEncoder().encode(item), let json = try? JSONDecoder().decode(JSONValue.self, from: data) else { return .nil }
        return json.value
    }
}

/// Any JSON document, decoded strictly (booleans stay booleans, integers stay integers).
private enum JSONValue: Decodable {
    case value(Value)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .value(.nil) }
        else if let b = try? container.decode(Bool.self) { self = .value(.bool(b)) }
        else if let i = try? container.decode(Int.self) { self = .value(.int(i)) }
        else if let d = try? container.decode(Double.self) { self = .value(.double(d)) }
        else if let s = try? container.decode(String.self) { self = .value(.string(s)) }
        else if let a = try? container.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    var value: Value {
        switch self {
        case .value(let v): v
        case .array(let items): .list(items.map(\.value))
        case .object(let fields): .record(Record(fields.keys.sorted().map { ($0, fields[$0]!.value) }))
        }
    }
}
