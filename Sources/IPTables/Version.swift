import CXtables
import Glibc

/// The version this binary reports: the libxtables it was built against, legacy kernel interface.
enum Version {
    static let number = String(cString: shim_xtables_version())
    static let string = number + " (legacy)"
}
