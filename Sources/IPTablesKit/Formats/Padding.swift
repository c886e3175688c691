/// printf-style padding helpers for the fixed-width listing columns.
extension String {
    /// Left-justified in `width` columns ("%-Ns").
    func padRight(_ width: Int) -> String {
        let n = utf8.count
        return n >= width ? self : self + String(repeating: " ", count: width - n)
    }

    /// Right-justified in `width` columns ("%Ns").
    func padLeft(_ width: Int) -> String {
        let n = utf8.count
        return n >= width ? self : String(repeating: " ", count: width - n) + self
    }
}
