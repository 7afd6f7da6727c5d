import Datasets
import Foundation
import Tensors

/// The per-epoch record of a training run, for time-to-accuracy studies: training wall time (test
/// evaluation excluded), loss, validation loss and, when a test split is tracked, its per-category
/// and mean I-AUROC / P-AUROC. Reporting only: nothing in training reads it.
public final class TrainingCurve {
    /// One epoch's record (JSON keys in snake case).
    public struct Row: Codable, Equatable {
        public var epoch: Int
        /// Training seconds since the run started, test evaluations excluded.
        public var seconds: Double
        public var loss: Float
        public var validation: Float?
        /// Mean over categories (pixel mean over those with masks), in [0, 1].
        public var imageAUROC: Double?
        public var pixelAUROC: Double?
        /// Per category: [I-AUROC, P-AUROC] (nil where undefined).
        public var categories: [String: [Double?]]?

        enum CodingKeys: String, CodingKey {
            case epoch, seconds, loss, validation, categories
            case imageAUROC = "i_auroc", pixelAUROC = "p_auroc"
        }
    }

    public private(set) var rows: [Row] = []
    let detector: Detector
    let test: (dataset: Dataset, preloaded: Evaluation.Preloaded)?
    let path: String?
    /// When the current epoch's training time started counting.
    private var mark = Date()

    /// - Parameters:
    ///   - test: the dataset whose test split is evaluated after every epoch, preloaded once.
    ///   - path: where the rows are written (atomically) after every epoch.
    ///   - previous: rows of the run this one resumes (their time continues).
    public init(detector: Detector, test: (dataset: Dataset, preloaded: Evaluation.Preloaded)?, path: String?, previous: [Row] = []) {
        self.detector = detector
        self.test = test
        self.path = path
        rows = previous
    }

    /// Starts the training clock (call when the first epoch starts).
    public func start() { mark = Date() }

    /// Records a finished epoch (evaluating the tracked test split off the clock), writes the file,
    /// and returns the line to print.
    public func record(epoch: Int, loss: Float, validation: Float?, shouldStop: () -> Bool) throws -> String {
        let seconds = (rows.last?.seconds ?? 0) + Date().timeIntervalSince(mark)
        var row = Row(epoch: epoch, seconds: seconds, loss: loss, validation: validation)
        if let test {
            let report = try Evaluation.run(detector, on: test.dataset, preloaded: test.preloaded, shouldStop: shouldStop).report
            row.imageAUROC = report.mean.imageAUROC
            row.pixelAUROC = report.mean.pixelAUROC
            row.categories = Dictionary(uniqueKeysWithValues: report.categories.map { ($0.category, [$0.imageAUROC, $0.pixelAUROC]) })
        }
        rows.append(row)
        if let path {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(rows), to: path)
        }
        mark = Date()
        func percent(_ value: Double?) -> String { value.map { String(format: "%.1f", 100 * $0) } ?? "-" }
        return String(format: "epoch %d: %.0f s of training", epoch, seconds)
            + (test == nil ? "" : "  test mean I-AUROC \(percent(row.imageAUROC))  P-AUROC \(percent(row.pixelAUROC))")
    }
}
