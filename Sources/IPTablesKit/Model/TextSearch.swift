/// Substring search without `_StringProcessing`.
///
/// The standard library's `contains(_:)` for a string argument lives in the
/// `_StringProcessing` module; one use of it links that module and `_RegexParser` (0.9 MB
/// of code and their protocol conformances, which the runtime registers on every start)
/// into the executables. The few places that look for a phrase in a message use this.
extension StringProtocol {
    /// Whether `text` occurs in this string, compared as UTF-8 bytes.
    func containsText(_ text: String) -> Bool {
        let haystack = Array(utf8), needle = Array(text.utf8)
        if needle.isEmpty { return true }
        if needle.count > haystack.count { return false }
        for start in 0...(haystack.count - needle.count)
        where haystack[start] == needle[0] && haystack[start..<start + needle.count].elementsEqual(needle) {
            return true
        }
        return false
    }
}
