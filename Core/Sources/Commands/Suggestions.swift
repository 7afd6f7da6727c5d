/// "Did you mean" helpers: nearest names by edit distance.
public enum Suggestions {
    /// The candidates within a small edit distance of `word` (or having it as a prefix), nearest first.
    public static func nearby(_ word: String, in candidates: [String], limit: Int = 3) -> [String] {
        let budget = word.count <= 2 ? 0 : max(1, word.count / 3)
        let scored = candidates.compactMap { candidate -> (String, Int)? in
            if candidate.hasPrefix(word) && !word.isEmpty { return (candidate, 0) }
            let d = distance(word, candidate)
            return d <= budget ? (candidate, d) : nil
        }
        var seen = Set<String>()
        return scored.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.map(\.0).filter { seen.insert($0).inserted }.prefix(limit).map { $0 }
    }

    /// The single nearest candidate, if any is close enough.
    public static func nearest(to word: String, in candidates: [String]) -> String? {
        nearby(word, in: candidates, limit: 1).first
    }

    /// " (did you mean 'a' or 'b'?)" or "".
    public static func hint(_ suggestions: [String]) -> String {
        guard !suggestions.isEmpty else { return "" }
        return " (did you mean " + suggestions.map { "'\($0)'" }.joined(separator: " or ") + "?)"
    }

    /// Edit distance over characters counting insertions, deletions, substitutions and adjacent swaps.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}
