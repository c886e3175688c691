import Glibc
import IPTablesKit

exit(Dispatcher.main(CommandLine.arguments))
