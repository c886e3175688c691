/// -w/-W as iptables reads them (shared by the command line tools and restore).
enum WaitOptions {
    /// -w [SECONDS]: -1 without seconds.
    static func seconds(_ scanner: OptionScanner) throws -> Int32 {
        guard let t = optionalArgument(scanner) else { return -1 }
        guard let v = CNumber.scanInt(t) else { throw IPTablesError.parameter("wait seconds not numeric") }
        return v
    }

    /// -W [USECONDS]: checked, then ignored with a notice (as 1.8.9 does).
    static func interval(_ scanner: OptionScanner, context: XtablesContext) throws {
        guard let t = optionalArgument(scanner) else { throw IPTablesError.parameter("wait interval value required") }
        guard let usec = CNumber.scanUnsigned(t).map({ UInt32(truncatingIfNeeded: $0) }) else {
            throw IPTablesError.parameter("wait interval not numeric")
        }
        if usec > 999_999 { throw IPTablesError.parameter("too long usec wait \(usec) > 999999 usec") }
        context.warn("Ignoring deprecated --wait-interval option.\n")
    }

    /// An attached argument, or the next word when it starts with neither '-' nor '!'.
    private static func optionalArgument(_ scanner: OptionScanner) -> String? {
        if scanner.hasArgument { return scanner.argument }
        return scanner.hasNextArgument ? scanner.nextArgument() : nil
    }
}
