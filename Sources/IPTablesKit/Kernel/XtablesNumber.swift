import CXtables

/// Numbers read as libxtables reads them (xtables_strtoui: any base, no sign, whole word).
enum XtablesNumber {
    static func unsigned(_ s: String, min: UInt32, max: UInt32) -> UInt32? {
        var n: UInt32 = 0
        return xtables_strtoui(s, nil, &n, min, max) ? n : nil
    }
}

extension RuleDraft {
    /// Forgets the previous rule's extension state (flags, used marks, merged options).
    static func resetExtensionState() {
        shim_reset_extension_flags()
        shim_reset_options()
    }
}
