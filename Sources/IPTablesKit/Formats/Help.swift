/// The -h/--help text of iptables/ip6tables, followed by the help of every extension
/// the command line loaded (targets first, then matches), as iptables prints it.
enum Help {
    /// The usage text (the extensions' helps follow it, written by the Kernel room).
    static func write(family: Family, programName p: String, into out: inout LineWriter) {
        var s = "\(p) v\(XtablesVersion.string)\n\n"
        s += "Usage: \(p) -[ACD] chain rule-specification [options]\n"
        s += "       \(p) -I chain [rulenum] rule-specification [options]\n"
        s += "       \(p) -R chain rulenum rule-specification [options]\n"
        s += "       \(p) -D chain rulenum [options]\n"
        s += "       \(p) -[LS] [chain [rulenum]] [options]\n"
        s += "       \(p) -[FZ] [chain] [options]\n"
        s += "       \(p) -[NX] chain\n"
        s += "       \(p) -E old-chain-name new-chain-name\n"
        s += "       \(p) -P chain target [options]\n"
        s += "       \(p) -h (print this help information)\n\n"
        s += commands
        let v4 = !family.isIPv6
        s += "    --ipv4\t-4\t\t\(v4 ? "Nothing" : "Error") (line is ignored by ip6tables-restore)\n"
        s += "    --ipv6\t-6\t\t\(v4 ? "Error" : "Nothing") (line is ignored by iptables-restore)\n"
        s += options1
        if v4 { s += "[!] --fragment\t-f\t\tmatch second or further fragments only\n" }
        s += options2
        out.put(s)
    }

    private static let commands = """
        Commands:
        Either long or short options are allowed.
          --append  -A chain\t\tAppend to chain
          --check   -C chain\t\tCheck for the existence of a rule
          --delete  -D chain\t\tDelete matching rule from chain
          --delete  -D chain rulenum
        \t\t\t\tDelete rule rulenum (1 = first) from chain
          --insert  -I chain [rulenum]
        \t\t\t\tInsert in chain as rulenum (default 1=first)
          --replace -R chain rulenum
        \t\t\t\tReplace rule rulenum (1 = first) in chain
          --list    -L [chain [rulenum]]
        \t\t\t\tList the rules in a chain or all chains
          --list-rules -S [chain [rulenum]]
        \t\t\t\tPrint the rules in a chain or all chains
          --flush   -F [chain]\t\tDelete all rules in  chain or all chains
          --zero    -Z [chain [rulenum]]
        \t\t\t\tZero counters in chain or all chains
          --new     -N chain\t\tCreate a new user-defined chain
          --delete-chain
                    -X [chain]\t\tDelete a user-defined chain
          --policy  -P chain target
        \t\t\t\tChange policy on chain to target
          --rename-chain
                    -E old-chain new-chain
        \t\t\t\tChange chain name, (moving any references)

        Options:

        """

    private static let options1 = """
        [!] --protocol\t-p proto\tprotocol: by number or name, eg. `tcp'
        [!] --source\t-s address[/mask][...]
        \t\t\t\tsource specification
        [!] --destination -d address[/mask][...]
        \t\t\t\tdestination specification
        [!] --in-interface -i input name[+]
        \t\t\t\tnetwork interface name ([+] for wildcard)
         --jump\t-j target
        \t\t\t\ttarget for rule (may load target extension)
          --goto      -g chain
        \t\t\t       jump to chain with no return
          --match\t-m match
        \t\t\t\textended match (may load extension)
          --numeric\t-n\t\tnumeric output of addresses and ports
        [!] --out-interface -o output name[+]
        \t\t\t\tnetwork interface name ([+] for wildcard)
          --table\t-t table\ttable to manipulate (default: `filter')
          --verbose\t-v\t\tverbose mode
          --wait\t-w [seconds]\tmaximum wait to acquire xtables lock before give up
          --line-numbers\t\tprint line numbers when listing
          --exact\t-x\t\texpand numbers (display exact values)

        """

    private static let options2 = """
          --modprobe=<command>\t\ttry to insert modules using this command
          --set-counters -c PKTS BYTES\tset the counter during insert/append
        [!] --version\t-V\t\tprint package version.

        """
}
