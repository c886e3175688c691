import XCTest
@testable import IPTablesKit

/// iptables-xml's conversion, on lines (the tool is compared with Debian's in tests/system/xml.py).
final class SaveXMLTests: XCTestCase {
    private func convert(_ text: String, combine: Bool = false) throws -> String {
        var x = SaveXML(combine: combine, verbose: false)
        x.start()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            try x.line(ArraySlice(Array((line + "\n").utf8)))
        }
        try x.finish()
        return String(decoding: x.takeOutput(), as: UTF8.self)
    }

    func testOneRule() throws {
        XCTAssertEqual(try convert("*filter\n:INPUT ACCEPT [1:2]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n"), """
            <iptables-rules version="1.0">
              <table name="filter" >
                <chain name="INPUT" policy="ACCEPT" packet-count="1" byte-count="2" >
                  <rule >
                   <conditions>
                    <match >
                      <p >tcp</p>
                      <dport >22</dport>
                    </match>
                   </conditions>
                   <actions>
                    <ACCEPT  />
                   </actions>

                  </rule>

                </chain>
              </table>
            </iptables-rules>

            """)
    }

    func testCommentsAndEscapes() {
        XCTAssertEqual(String(decoding: SaveXML.commentText(Array("-A INPUT -p tcp --dport 22\n".utf8)), as: UTF8.self),
                       "*-A INPUT  *-p tcp *- *-dport 22")
        XCTAssertEqual(String(decoding: SaveXML.escaped(Array("a<&>\"é".utf8)), as: UTF8.self), "a&lt;&amp;&gt;&quot;&#195;&#169;")
    }

    func testErrors() {
        XCTAssertThrowsError(try convert("*\n")) { XCTAssertEqual($0 as? SaveXML.Failure, .parameter("iptables-xml: line 1 table name invalid")) }
        XCTAssertThrowsError(try convert("-A INPUT\n")) { XCTAssertEqual($0 as? SaveXML.Failure, .plain("iptables-xml: line 1 failed\n")) }
        XCTAssertThrowsError(try convert("*filter\n")) { XCTAssertEqual($0 as? SaveXML.Failure, .plain("iptables-xml: COMMIT expected at line 2\n")) }
    }

    func testCounterScan() {
        var c: (UInt64, UInt64) = (7, 8)
        SaveXML.scanCounters(Array("[9".utf8), into: &c)
        XCTAssertEqual(c.0, 9); XCTAssertEqual(c.1, 8)
        SaveXML.scanCounters(Array("[-1:+5]".utf8), into: &c)
        XCTAssertEqual(c.0, UInt64.max); XCTAssertEqual(c.1, 5)
    }
}
