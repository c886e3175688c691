import Glibc
import IPTables

exit(Dispatcher.main(CommandLine.arguments))
