/// "Did you mean …?": the known names closest to a mistyped one.
enum NearestName {
    /// The candidates at the smallest edit distance from `word`, if that distance is small
    /// enough to be a typo (at most a third of the word, and at least 1, at most 3).
    /// Case-only differences count as 1. Sorted, without repeats.
    static func suggestions(for word: String, among candidates: [String]) -> [String] {
        let limit = min(3, max(1, word.count / 3))
        var best = limit + 1
        var found: Set<String> = []
        for c in candidates where c != word {
            let d = c.lowercased() == word.lowercased() ? 1 : distance(Array(word.utf8), Array(c.utf8), limit: best)
            if d < best {
                best = d
                found = [c]
            } else if d == best {
                found.insert(c)
            }
        }
        return best <= limit ? found.sorted() : []
    }

    /// The Damerau–Levenshtein distance (adjacent swaps count 1), or more than `limit`
    /// as soon as it is clear the distance exceeds it.
    static func distance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMin = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var v = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] { v = min(v, before[j - 2] + 1) }
                current[j] = v
                rowMin = min(rowMin, v)
            }
            if rowMin > limit { return limit + 1 }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }

    /// " (did you mean `X'?)" or " (did you mean `X' or `Y'?)", empty without suggestions.
    static func hint(_ names: [String]) -> String {
        guard !names.isEmpty else { return "" }
        let quoted = names.prefix(3).map { "`\($0)'" }
        return "did you mean " + quoted.joined(separator: " or ") + "?"
    }
}
