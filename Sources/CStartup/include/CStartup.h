/*
 * CStartup has no interface: its objects only define symbols the statically linked Swift
 * runtime would otherwise take from libswiftCore.a together with work done before main
 * (see arguments.c and backtrace.c). The executables depend on it; the library does not.
 */
#ifndef CSTARTUP_H
#define CSTARTUP_H
#endif
