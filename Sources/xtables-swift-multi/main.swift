import Glibc
import IPTablesKit

// The words in place, not CommandLine.arguments (see CommandWords).
exit(Dispatcher.main(CommandWords(argc: CommandLine.argc, argv: CommandLine.unsafeArgv)))
