/*
 * Process plumbing the Glibc module does not export (it is built without _GNU_SOURCE):
 * anonymous memory files, for the input of the programs the tools hand work to.
 */
#define _GNU_SOURCE
#include "CXtables.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

int shim_memory_file(void)
{
    return memfd_create("iptables-swift", MFD_CLOEXEC);
}
