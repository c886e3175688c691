import XCTest
@testable import IPTablesKit

/// `iptables-swift status` as text and JSON, from a report made by hand.
final class StatusFormatTests: XCTestCase {
    private var sample: SystemStatus {
        let t = SystemStatus.TableCount.init
        let v4 = SystemStatus.FamilyStatus(
            family: .ipv4,
            legacy: .init(tables: [t("filter", 4, 1, false)], note: nil, failed: false),
            nft: .init(tables: [t("filter", 1, 2, true), t("custom", 1, 0, false)], note: nil, failed: false),
            alternative: .init(name: "iptables", value: "/usr/sbin/iptables-legacy", mode: "manual"))
        let v6 = SystemStatus.FamilyStatus(
            family: .ipv6,
            legacy: .init(tables: nil, note: "Permission denied", failed: true),
            nft: .init(tables: nil, note: "nf_tables not loaded", failed: false),
            alternative: .init(name: "ip6tables", value: nil, mode: nil))
        return SystemStatus(families: [v4, v6], lockPath: "/run/xtables.lock", lockHolderPID: 42,
                            lockHolderCommand: "iptables -w -S", pending: .init(timerPID: 9, deadline: 130, files: ["/etc/iptables/rules.v4"]),
                            now: 100)
    }

    func testText() {
        XCTAssertEqual(StatusFormat.text(sample), """
            iptables (IPv4):
              legacy tables: filter (4 chains, 1 rule)
              nft tables:    filter (1 chain, 2 rules, iptables-nft), custom (1 chain, 0 rules)
              alternative:   iptables -> /usr/sbin/iptables-legacy (manual mode)
              note: both backends hold iptables tables; packets pass through both
            ip6tables (IPv6):
              legacy tables: unknown (Permission denied)
              nft tables:    none (nf_tables not loaded)
              alternative:   ip6tables: none registered
            xtables lock:    /run/xtables.lock held by PID 42 (iptables -w -S)
            pending apply:   rolls back in 30 s unless confirmed (timer PID 9; /etc/iptables/rules.v4)

            """)
        XCTAssertTrue(sample.hasFailures)
    }

    func testJSON() {
        XCTAssertEqual(StatusFormat.json(sample), """
            {
              "version": 1,
              "families": [
                {"family": "ipv4", "tool": "iptables",
                 "legacy": {"tables": [{"name": "filter", "chains": 4, "rules": 1}], "error": null, "note": null},
                 "nft": {"tables": [{"name": "filter", "chains": 1, "rules": 2, "iptables_nft": true}, {"name": "custom", "chains": 1, "rules": 0, "iptables_nft": false}], "error": null, "note": null},
                 "alternative": {"name": "iptables", "value": "/usr/sbin/iptables-legacy", "mode": "manual"}},
                {"family": "ipv6", "tool": "ip6tables",
                 "legacy": {"tables": null, "error": "Permission denied", "note": null},
                 "nft": {"tables": null, "error": null, "note": "nf_tables not loaded"},
                 "alternative": {"name": "ip6tables", "value": null, "mode": null}}
              ],
              "lock": {"path": "/run/xtables.lock", "held": true, "pid": 42, "command": "iptables -w -S"},
              "pending_apply": {"timer_pid": 9, "deadline": 130, "seconds_left": 30, "files": ["/etc/iptables/rules.v4"]}
            }

            """)
    }
}
