/// The image- and pixel-level metrics of one category.
///
/// A metric the data cannot support is nil (JSON null), never zero, and `notes` says why: image metrics
/// need good and anomalous images; pixel metrics need masks with anomalous and normal pixels.
public struct CategoryMetrics: Sendable, Equatable {
    /// Category name, e.g. "bottle" (or "mean" for the average row of a report).
    public var category: String
    /// Number of good (normal) test images.
    public var goodCount: Int
    /// Number of anomalous test images.
    public var anomalousCount: Int
    public var imageAUROC: Double?
    public var imageAP: Double?
    public var imageF1Max: Double?
    public var pixelAUROC: Double?
    public var pixelAP: Double?
    public var pixelF1Max: Double?
    public var aupro: Double?
    /// How far the pixel metrics may be from the exact values when they come from score bins (a category with
    /// more pixels than are ranked exactly); nil when they are exact.
    public var pixelErrorBound: RankingMetrics.ErrorBound?
    /// Why a metric is nil, one sentence each.
    public var notes: [String]

    /// A row with every metric given explicitly.
    public init(category: String, goodCount: Int, anomalousCount: Int, imageAUROC: Double? = nil,
                imageAP: Double? = nil, imageF1Max: Double? = nil, pixelAUROC: Double? = nil,
                pixelAP: Double? = nil, pixelF1Max: Double? = nil, aupro: Double? = nil, notes: [String] = []) {
        self.category = category
        self.goodCount = goodCount
        self.anomalousCount = anomalousCount
        self.imageAUROC = imageAUROC
        self.imageAP = imageAP
        self.imageF1Max = imageF1Max
        self.pixelAUROC = pixelAUROC
        self.pixelAP = pixelAP
        self.pixelF1Max = pixelF1Max
        self.aupro = aupro
        self.notes = notes
    }

    /// Evaluates image scores [N] against labels [N] (true = anomalous) and, when given, the pixel ranking
    /// of the category's maps and masks (`PixelAccumulator.finish()`): P-AUROC, pixel AP, pixel F1-max and
    /// AUPRO from one sweep.
    /// - Throws: `MetricError` for malformed input (length mismatch, NaN, no images).
    public init(category: String, imageScores: [Float], imageLabels: [Bool], pixels: Ranking?,
                fprLimit: Double = AUPRO.defaultFPRLimit) throws {
        let images = try Ranking(scores: imageScores, labels: imageLabels)
        self.init(category: category, goodCount: images.negatives, anomalousCount: images.positives)
        if images.positives > 0 && images.negatives > 0 {
            let metrics = try RankingMetrics(images, fprLimit: fprLimit)
            imageAUROC = metrics.auroc
            imageAP = metrics.averagePrecision
            imageF1Max = metrics.f1Max.value
        } else {
            notes.append("image metrics need good and anomalous images; got \(images.negatives) good and \(images.positives) anomalous")
        }
        guard let pixels, pixels.count > 0 else {
            notes.append("pixel metrics need ground-truth masks; none were given")
            return
        }
        guard pixels.positives > 0, pixels.negatives > 0 else {
            notes.append("pixel metrics need anomalous and normal pixels; the masks hold \(pixels.positives) anomalous and \(pixels.negatives) normal")
            return
        }
        let metrics = try RankingMetrics(pixels, fprLimit: fprLimit)
        pixelAUROC = metrics.auroc
        pixelAP = metrics.averagePrecision
        pixelF1Max = metrics.f1Max.value
        aupro = metrics.aupro
        if !pixels.isExact {
            pixelErrorBound = metrics.errorBound
            notes.append(Self.binningNote(pixels: pixels.count, bound: metrics.errorBound))
        }
    }

    /// What binned pixel metrics may be off by, e.g. "pixel metrics from score bins (328073216 pixels, more
    /// than are ranked exactly); at most 1.3e-6 P-AUROC, 2.0e-5 AUPRO, ... from the exact values".
    static func binningNote(pixels: Int, bound: RankingMetrics.ErrorBound) -> String {
        var parts = ["\(roundedUp(bound.auroc)) P-AUROC"]
        if let aupro = bound.aupro { parts.append("\(roundedUp(aupro)) AUPRO") }
        parts += ["\(roundedUp(bound.averagePrecision)) pixel AP", "\(roundedUp(bound.f1Max)) pixel F1-max (from below)"]
        return "pixel metrics from score bins (\(pixels) pixels, more than are ranked exactly); at most "
            + parts.joined(separator: ", ") + " from the exact values"
    }

    /// `value` (>= 0) rounded up to two significant digits: 1.23e-06 -> "1.3e-6", 0 -> "0".
    static func roundedUp(_ value: Double) -> String {
        guard value > 0 else { return "0" }
        var mantissa = value, exponent = 0
        while mantissa >= 10 { mantissa /= 10; exponent += 1 }
        while mantissa < 1 { mantissa *= 10; exponent -= 1 }
        var tenths = Int((mantissa * 10).rounded(.up))
        if tenths == 100 { tenths = 10; exponent += 1 }
        return "\(tenths / 10).\(tenths % 10)e\(exponent)"
    }
}
