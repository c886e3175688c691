/// The result of parsing one iptables command line: what to do, on which chain, with
/// which options, and the rule it carries (held by the Kernel room's `RuleDraft`).
final class ParsedCommand {
    var commands: Commands = []
    var chain: String?
    var ruleNumber: UInt32 = 0
    var policy: String?
    var newName: String?
    var verbose = 0
    var options: GenericOptions = []
    var table = "filter"
    /// -w: 0 not given, -1 without seconds, else the seconds.
    var wait: Int32 = 0
    /// The -j/-g name ("" when none).
    var jumpTo = ""
    var isGoto = false
    /// The rule: header fields, extensions, addresses.
    let rule: RuleDraft

    init(rule: RuleDraft) { self.rule = rule }

    /// Frees the extension state held for this rule now (the rule also frees it when it goes).
    func release() { rule.release() }
}
