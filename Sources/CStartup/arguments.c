/*
 * The program's arguments for Swift's CommandLine, taken for free.
 *
 * The statically linked Swift runtime finds argv on Linux with a static initialiser
 * (CommandLine.cpp's "argvGrabber") that opens /proc/self/maps and sscanf's every line to
 * locate the stack, before main: about 140,000 instructions and six system calls on every
 * start, which is 15% of `iptables --version`. glibc already hands argc and argv to every
 * initialiser of the executable, so this file keeps them and defines the one function the
 * standard library asks (_swift_stdlib_getUnsafeArgvArgc, declared in the runtime's
 * SwiftShims). With it defined here, the linker has no reason to take CommandLine.cpp's
 * object out of libswiftCore.a, and its initialiser never runs. Should a later runtime
 * need that object for something else, the link fails on the duplicate definition rather
 * than silently running both.
 */
static int saved_argc;
static char **saved_argv;
static char *no_arguments[] = { 0 };

__attribute__((constructor)) static void keep_arguments(int argc, char **argv, char **envp)
{
    (void)envp;
    saved_argc = argc;
    saved_argv = argv;
}

char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen);

char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen)
{
    if (saved_argv == 0) {
        *outArgLen = 0;
        return no_arguments;
    }
    *outArgLen = saved_argc;
    return saved_argv;
}
