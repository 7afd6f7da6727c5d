import Foundation

/// Median-of-repeats wall-clock timing, printed as one JSON object per case (the format the peer's
/// bench_torch.py prints, so scripts/bench can put both side by side).
struct Timing {
    var warmup = 2
    var repeats = 5
    /// The cases to run (nil: all), as the peer's `bench_torch.py --cases` names them (the tensor
    /// suite's groups: matmul, thin, elementwise, attention).
    var cases: Set<String>?
    /// A checkpoint to score (`rlr-bench score --model M`: case infer_model_b8) instead of untrained heads.
    var model: String?

    init(warmup: Int = 2, repeats: Int = 5) {
        self.warmup = warmup
        self.repeats = repeats
    }

    func includes(_ name: String) -> Bool { cases?.contains(name) ?? true }

    /// Runs `body` warmup + repeats times; returns the median in milliseconds.
    func median(_ body: () -> Void) -> Double { medians(body).wall }

    /// Runs `body` warmup + repeats times; returns the median wall time and the median CPU time of the
    /// whole process (all threads; steadier than wall time on a shared machine), in milliseconds.
    func medians(_ body: () -> Void) -> (wall: Double, cpu: Double) {
        for _ in 0..<warmup { body() }
        var times: [Double] = [], cpuTimes: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds, cpuStart = BackboneBenchmark.processCPUMilliseconds()
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            cpuTimes.append(BackboneBenchmark.processCPUMilliseconds() - cpuStart)
        }
        return (times.sorted()[times.count / 2], cpuTimes.sorted()[cpuTimes.count / 2])
    }
}

/// Prints one benchmark record as a JSON line.
func report(_ fields: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
    fflush(nil)
}

/// Peak resident memory of this process in MB.
func peakResidentMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}
