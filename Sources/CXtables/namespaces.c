/*
 * Namespaces for iptables-swift check: unshare(2) needs _GNU_SOURCE, which the Swift
 * importer of <sched.h> does not see.
 */
#define _GNU_SOURCE
#include "CXtables.h"

#include <sched.h>

int shim_unshare_network(bool with_user_namespace)
{
    int flags = CLONE_NEWNET;
    if (with_user_namespace)
        flags |= CLONE_NEWUSER;
    return unshare(flags);
}
