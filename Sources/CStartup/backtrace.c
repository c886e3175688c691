/*
 * No crash backtracer in the executables, and no search for one on every start.
 *
 * Swift's static runtime links its crash catcher (Backtrace.cpp and what it pulls in:
 * the crash handler, the auxiliary-executable path finder, part of the demangler) into
 * every executable: swiftrt.o names _swift_backtrace_isThunkFunction only to drag that
 * object in, and Errors.cpp reads _swift_backtraceSettings. Its static initialiser then
 * parses SWIFT_BACKTRACE and looks for the `swift-backtrace` helper in seven places beside
 * the executable (eight stat calls on every `iptables` start); no installation of ours
 * has that helper, so the initialiser always ends by turning backtracing off.
 *
 * Defining both symbols here keeps that object out of the link, with the state it
 * always ended in: settings all zero, whose `enabled` field (the second int, the only
 * one Errors.cpp reads) is Off. A crash is then reported as it is today: the runtime's
 * message and the signal's default action. A runtime that needs other symbols of that
 * object fails the link on a duplicate definition instead of running both.
 */
#include <stdbool.h>

/* The runtime's BacktraceSettings is 88 bytes on x86_64 and aarch64; zero means
   algorithm Auto, enabled Off. Kept as plain ints: only the field above is ever read. */
__attribute__((visibility("hidden"))) int _swift_backtraceSettings[22];

/* Hidden: enough for the static link, and in a debug build (the runtime as a shared
   library) it overrides nothing there. The runtime declares it with Swift's calling
   convention, which for one pointer argument and a bool result is the C one. */
__attribute__((visibility("hidden"))) bool _swift_backtrace_isThunkFunction(const char *mangledName);

/* Asked by the backtracer only; there is none. */
bool _swift_backtrace_isThunkFunction(const char *mangledName)
{
    (void)mangledName;
    return false;
}
