import Glibc

/// `iptables-xml [-c] [-v] [-h] [FILE]`: iptables-save text (standard input, or FILE) to
/// XML, as iptables-xml 1.8.9 writes it (`SaveXML`). Exit 0; 1 usage, a file that cannot
/// be opened, a line it cannot place; 2 a bad table, chain or rule line.
public enum XMLTool {
    static let usage = "Usage: iptables-xml [-c] [-v] [-h]\n          [--combine ]\n\t   [ --verbose ]\n\t   [ --help ]\n"

    /// The options this tool accepts.
    static let options = LongOptions("cvh", capacity: 3) {
        $0.add("verbose", 0, "v"); $0.add("combine", 0, "c"); $0.add("help", 0, "h")
    }

    /// The whole tool: argv to exit status.
    public static func main(arguments: [String]) -> Int32 {
        run(arguments: arguments, output: StandardOutput(), errors: StandardError())
    }

    /// One run writing into the given sinks (standard output and error in the tool).
    static func run(arguments: [String], output out: OutputSink, errors: OutputSink) -> Int32 {
        var combine = false, verbose = false
        let scanner = OptionScanner(words: arguments, quiet: false)
        while let c = scanner.next(options) {
            switch c {
            case 0x63: combine = true
            case 0x76:
                out.write("xptables-xml\n")
                verbose = true
            case 0x68: return fail(out, errors, usage, status: 1)
            default: break  // getopt said what was wrong; iptables-xml goes on
            }
        }
        let operands = (Int(scanner.index)..<Int(scanner.count)).map { scanner.word(Int32($0)) }
        if operands.count > 1 { return fail(out, errors, "Unknown arguments found on commandline", status: 1) }
        var input = stdin
        if let path = operands.first {
            guard let f = fopen(path, "r") else {
                return fail(out, errors, "Can't open \(path): \(String(cString: strerror(errno)))", status: 1)
            }
            input = f
        }
        defer { if input != stdin { fclose(input) } }
        var xml = SaveXML(combine: combine, verbose: verbose)
        xml.start()
        do {
            try convert(input!, into: &xml, out: out)
            try xml.finish()
            emit(xml.takeOutput(), to: out)
            out.flush()
            return 0
        } catch let f as SaveXML.Failure {
            emit(xml.takeOutput(), to: out)
            switch f {
            case .plain(let message): return fail(out, errors, message, status: 1)
            case .parameter(let message):
                return fail(out, errors, "iptables-xml v\(XtablesVersion.number): \(message)\nError occurred at line: \(xml.lineNumber)\n"
                            + "Try `iptables-xml -h' or 'iptables-xml --help' for more information.\n", status: 2)
            }
        } catch {
            return 1
        }
    }

    /// Reads as fgets with iptables-xml's 10240-byte buffer reads (a longer line comes in
    /// pieces, each a line of its own), handing the output over as it grows.
    private static func convert(_ input: UnsafeMutablePointer<FILE>, into xml: inout SaveXML, out: OutputSink) throws {
        let size = 10240
        var buffer = [CChar](repeating: 0, count: size)
        while fgets(&buffer, Int32(size), input) != nil {
            // iptables-xml sees a C string: nothing after a NUL byte of the input.
            let length = strlen(buffer)
            try xml.line(buffer[0..<length].map { UInt8(bitPattern: $0) }[...])
            if xml.out.count >= 1 << 16 { emit(xml.takeOutput(), to: out) }
        }
    }

    private static func emit(_ bytes: [UInt8], to out: OutputSink) {
        bytes.withUnsafeBytes { out.write($0) }
    }

    /// Writes standard output's part first, then the message (iptables-xml's order).
    private static func fail(_ out: OutputSink, _ errors: OutputSink, _ message: String, status: Int32) -> Int32 {
        out.flush()
        errors.write(message)
        errors.flush()
        return status
    }
}
