/*
 * The kernel's copy of a table, read the way libiptc reads it (IPT_SO_GET_INFO, then
 * IPT_SO_GET_ENTRIES; the IPv6 calls for IPv6) but without building libiptc's chain cache:
 * the read-only commands decode the entries in place (Kernel/TableBlob.swift).
 */
#include "CXtables.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

/* ipt_getinfo and ip6t_getinfo, ipt_get_entries and ip6t_get_entries have one layout. */
_Static_assert(sizeof(struct ipt_getinfo) == sizeof(struct ip6t_getinfo), "getinfo layouts");
_Static_assert(sizeof(struct ipt_get_entries) == sizeof(struct ip6t_get_entries), "get_entries layouts");

void *shim_table_read(uint8_t nfproto, const char *name, struct shim_table_info *info)
{
    bool v6 = nfproto == NFPROTO_IPV6;
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
    if (fd < 0)
        return NULL;
    int level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
    struct ipt_getinfo gi;
    memset(&gi, 0, sizeof(gi));
    if (strlen(name) >= sizeof(gi.name)) {
        close(fd);
        errno = EINVAL;
        return NULL;
    }
    strcpy(gi.name, name);
    socklen_t length = sizeof(gi);
    if (getsockopt(fd, level, v6 ? IP6T_SO_GET_INFO : IPT_SO_GET_INFO, &gi, &length) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return NULL;
    }
    size_t total = sizeof(struct ipt_get_entries) + gi.size;
    struct ipt_get_entries *entries = malloc(total);
    if (entries == NULL) {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    memset(entries, 0, sizeof(*entries));
    strcpy(entries->name, name);
    entries->size = gi.size;
    length = (socklen_t)total;
    if (getsockopt(fd, level, v6 ? IP6T_SO_GET_ENTRIES : IPT_SO_GET_ENTRIES, entries, &length) < 0) {
        int e = errno;
        free(entries);
        close(fd);
        errno = e;
        return NULL;
    }
    close(fd);
    info->valid_hooks = gi.valid_hooks;
    for (int h = 0; h < 5; h++) {
        info->hook_entry[h] = gi.hook_entry[h];
        info->underflow[h] = gi.underflow[h];
    }
    info->num_entries = gi.num_entries;
    info->size = gi.size;
    info->entries = (unsigned char *)entries + sizeof(struct ipt_get_entries);
    return entries;
}

int shim_entry_decode(uint8_t nfproto, const void *entry, struct shim_entry_facts *facts)
{
    const uint16_t *offsets = nfproto == NFPROTO_IPV6 ? &((const struct ip6t_entry *)entry)->target_offset
                                                     : &((const struct ipt_entry *)entry)->target_offset;
    const struct xt_counters *c = nfproto == NFPROTO_IPV6 ? &((const struct ip6t_entry *)entry)->counters
                                                         : &((const struct ipt_entry *)entry)->counters;
    facts->target_offset = offsets[0];
    facts->next_offset = offsets[1];
    facts->packets = c->pcnt;
    facts->bytes = c->bcnt;
    if (offsets[0] + sizeof(struct xt_entry_target) > offsets[1])
        return -1;
    const struct xt_entry_target *t = (const void *)((const unsigned char *)entry + offsets[0]);
    facts->target_name = t->u.user.name;
    facts->verdict = 0;
    facts->error_name = NULL;
    if (strcmp(t->u.user.name, XT_STANDARD_TARGET) == 0) {
        if (t->u.target_size != XT_ALIGN(sizeof(struct xt_standard_target)))
            return -1;
        facts->verdict = ((const struct xt_standard_target *)t)->verdict;
        return SHIM_ENTRY_STANDARD;
    }
    if (strcmp(t->u.user.name, XT_ERROR_TARGET) == 0) {
        if (t->u.target_size < sizeof(struct xt_error_target))
            return -1;
        const struct xt_error_target *et = (const void *)t;
        if (memchr(et->errorname, 0, sizeof(et->errorname)) == NULL)
            return -1;
        facts->error_name = et->errorname;
        return SHIM_ENTRY_ERROR;
    }
    return SHIM_ENTRY_MODULE;
}
