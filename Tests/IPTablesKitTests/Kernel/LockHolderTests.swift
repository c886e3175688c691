import XCTest
@testable import IPTablesKit

/// Reading the lock holder out of /proc/locks text.
final class LockHolderTests: XCTestCase {
    private let locks = """
        1: POSIX  ADVISORY  WRITE 812 00:1a:99 0 EOF
        2: FLOCK  ADVISORY  WRITE 999999999 00:19:1234 0 EOF
        2: -> FLOCK  ADVISORY  WRITE 4343 00:19:1234 0 EOF
        3: FLOCK  ADVISORY  WRITE 0 fd:01:77 0 EOF

        """

    func testTheGrantedLockOfTheFileNotItsWaiters() {
        let holder = LockHolder.find(in: locks, device: 0x19, inode: 1234)
        XCTAssertEqual(holder?.pid, 999999999)
    }

    func testDeviceNumbersInHexAndNoMatchForOtherFiles() {
        XCTAssertNil(LockHolder.find(in: locks, device: 0x19, inode: 99))
        // fd:01 is major 253, minor 1 (st_dev 0xfd01).
        XCTAssertEqual(LockHolder.find(in: locks, device: 0xfd01, inode: 77)?.pid, 0)
    }

    func testAHolderOutsideThePIDNamespaceIsSaidSo() {
        XCTAssertEqual(LockHolder(pid: 0, commandLine: "").description, "a process outside this PID namespace")
        XCTAssertEqual(LockHolder(pid: 7, commandLine: "iptables -w -A INPUT").description, "PID 7 (iptables -w -A INPUT)")
    }
}
