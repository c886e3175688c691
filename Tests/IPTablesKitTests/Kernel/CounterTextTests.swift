import XCTest
@testable import IPTablesKit

/// Counters as iptables 1.8.9 reads them: restore's policy counters with
/// sscanf("[%llu:%llu]"), -c/--set-counters with sscanf("%llu").
final class CounterTextTests: XCTestCase {
    func testPolicyCounters() {
        XCTAssertEqual(CounterText.policy("[1:23]").map { [$0.0, $0.1] }, [1, 23])
        XCTAssertEqual(CounterText.policy("[1:2").map { [$0.0, $0.1] }, [1, 2], "the closing ] is not checked")
        XCTAssertEqual(CounterText.policy("[ 1: 2]").map { [$0.0, $0.1] }, [1, 2], "%llu skips spaces")
        XCTAssertNil(CounterText.policy("[74648':6264884]"), "a quote before the colon")
        XCTAssertNil(CounterText.policy("[0x10:5]"))
        XCTAssertNil(CounterText.policy("[1 :2]"))
        XCTAssertNil(CounterText.policy("1:23"))
        XCTAssertNil(CounterText.policy("[1]"))
        XCTAssertNil(CounterText.policy("[:2]"))
    }

    func testCounterNumbers() {
        XCTAssertEqual(CounterText.number("5"), 5)
        XCTAssertEqual(CounterText.number(" 12x"), 12, "trailing text is allowed")
        XCTAssertEqual(CounterText.number("0x10"), 0)
        XCTAssertEqual(CounterText.number("-1"), UInt64.max)
        XCTAssertNil(CounterText.number("x"))
        XCTAssertNil(CounterText.number(""))
    }
}
