import CXtables

/// Names with a number each, kept in C (name_table.c): restore asks about chain names for
/// every line it reads (is the jump a declared chain, does the chain exist), and a table
/// of C strings hashed with FNV-1a answers in a fraction of what a `[String: Int]` spends
/// hashing a String. Numbers are from 0 to Int32.max.
final class NameTable {
    private let table: OpaquePointer

    init() {
        guard let t = name_table_new() else { fatalError("out of memory") }
        table = t
    }

    /// A table holding these names, each with 0.
    convenience init<S: Sequence>(_ names: S) where S.Element == String {
        self.init()
        for n in names { insert(n) }
    }

    deinit { name_table_free(table) }

    /// The name's number; nil when the name is not in the table.
    subscript(name: String) -> Int? {
        let v = name.withCString { name_table_get(table, $0) }
        return v >= 0 ? v : nil
    }

    func contains(_ name: String) -> Bool { self[name] != nil }

    /// Sets the number of the NUL-terminated name at `name`; the number it had, nil when new.
    @discardableResult
    func updateValue(_ value: Int, forCName name: UnsafePointer<CChar>) -> Int? {
        precondition(value >= 0 && value <= Int(Int32.max))
        let previous = name_table_put(table, name, value)
        if previous == -2 { fatalError("out of memory") }
        return previous >= 0 ? previous : nil
    }

    /// Sets the name's number; the number it had, nil when it is new.
    @discardableResult
    func updateValue(_ value: Int, forKey name: String) -> Int? {
        name.withCString { updateValue(value, forCName: $0) }
    }

    func insert(_ name: String) { updateValue(0, forKey: name) }

    func remove(_ name: String) { _ = name.withCString { name_table_remove(table, $0) } }

    var count: Int { name_table_count(table) }
}
