/*
 * Namespaces for iptables-swift check: unshare(2) and pipe2(2) need _GNU_SOURCE, which the Swift
 * importer of <sched.h> does not see.
 */
#define _GNU_SOURCE
#include "CXtables.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

int shim_unshare_network(bool with_user_namespace)
{
    int flags = CLONE_NEWNET;
    if (with_user_namespace)
        flags |= CLONE_NEWUSER;
    return unshare(flags);
}

int shim_pipe_cloexec(int fds[_Nonnull 2])
{
    return pipe2(fds, O_CLOEXEC);
}
