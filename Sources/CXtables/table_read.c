/*
 * The kernel's copy of a table, read the way libiptc reads it (IPT_SO_GET_INFO, then
 * IPT_SO_GET_ENTRIES; the IPv6 calls for IPv6) but without building libiptc's chain cache:
 * the read-only commands decode the entries in place (Kernel/TableBlob.swift).
 */
#include "CXtables.h"
#include "entry_layout.h"

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

/* A socket of the family for the table calls, or -1 with errno. */
static int table_socket(bool v6)
{
    return socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
}

/* GET_INFO of the table on fd into gi; -1 with errno. */
static int get_info(int fd, bool v6, const char *name, struct ipt_getinfo *gi)
{
    memset(gi, 0, sizeof(*gi));
    if (strlen(name) >= sizeof(gi->name)) {
        errno = EINVAL;
        return -1;
    }
    strcpy(gi->name, name);
    socklen_t length = sizeof(*gi);
    return getsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IP6T_SO_GET_INFO : IPT_SO_GET_INFO, gi, &length);
}

int shim_table_size(uint8_t nfproto, const char *name, unsigned int *size, unsigned int *num_entries)
{
    bool v6 = nfproto == NFPROTO_IPV6;
    int fd = table_socket(v6);
    if (fd < 0)
        return -1;
    struct ipt_getinfo gi;
    int r = get_info(fd, v6, name, &gi);
    int e = errno;
    close(fd);
    errno = e;
    if (r < 0)
        return -1;
    *size = gi.size;
    *num_entries = gi.num_entries;
    return 0;
}

void *shim_table_read(uint8_t nfproto, const char *name, struct shim_table_info *info)
{
    bool v6 = nfproto == NFPROTO_IPV6;
    int fd = table_socket(v6);
    if (fd < 0)
        return NULL;
    int level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
    struct ipt_getinfo gi;
    if (get_info(fd, v6, name, &gi) < 0) {
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
    /* The kernel writes every page of it: present in one step, not fault by fault. */
    shim_populate(entries, total);
    memset(entries, 0, sizeof(*entries));
    strcpy(entries->name, name);
    entries->size = gi.size;
    socklen_t length = (socklen_t)total;
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

int shim_entry_decode(uint8_t nfproto, const void *entry, size_t room, struct shim_entry_facts *facts)
{
    size_t header = shim_entry_header_size(nfproto);
    if (room < header)
        return -1;
    const uint16_t *offsets = entry_offsets_const(nfproto, entry);
    const struct xt_counters *c = nfproto == NFPROTO_IPV6 ? &((const struct ip6t_entry *)entry)->counters
                                                         : &((const struct ipt_entry *)entry)->counters;
    facts->target_offset = offsets[0];
    facts->next_offset = offsets[1];
    facts->packets = c->pcnt;
    facts->bytes = c->bcnt;
    if (offsets[0] < header || offsets[1] > room || offsets[0] + sizeof(struct xt_entry_target) > offsets[1])
        return -1;
    const struct xt_entry_target *t = (const void *)((const unsigned char *)entry + offsets[0]);
    if (t->u.target_size < sizeof(*t) || offsets[0] + t->u.target_size > offsets[1])
        return -1;
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

/* The header comparison of libiptc's is_same: addresses, masks, protocol, flags,
 * inversions (and, for IPv6, the tos byte), the interfaces under their masks, and the
 * offsets. No counters, no nfcache. */
static bool same_header(uint8_t nfproto, const void *a, const void *b)
{
    const unsigned char *ia, *ib, *ma, *mb, *oa, *ob, *pa, *pb;
    if (nfproto == NFPROTO_IPV6) {
        const struct ip6t_ip6 *x = &((const struct ip6t_entry *)a)->ipv6, *y = &((const struct ip6t_entry *)b)->ipv6;
        if (memcmp(&x->src, &y->src, 16) || memcmp(&x->dst, &y->dst, 16) || memcmp(&x->smsk, &y->smsk, 16)
            || memcmp(&x->dmsk, &y->dmsk, 16) || x->proto != y->proto || x->tos != y->tos
            || x->flags != y->flags || x->invflags != y->invflags)
            return false;
        ia = (const void *)x->iniface; ib = (const void *)y->iniface; ma = x->iniface_mask; mb = y->iniface_mask;
        oa = (const void *)x->outiface; ob = (const void *)y->outiface; pa = x->outiface_mask; pb = y->outiface_mask;
    } else {
        const struct ipt_ip *x = &((const struct ipt_entry *)a)->ip, *y = &((const struct ipt_entry *)b)->ip;
        if (x->src.s_addr != y->src.s_addr || x->dst.s_addr != y->dst.s_addr || x->smsk.s_addr != y->smsk.s_addr
            || x->dmsk.s_addr != y->dmsk.s_addr || x->proto != y->proto || x->flags != y->flags
            || x->invflags != y->invflags)
            return false;
        ia = (const void *)x->iniface; ib = (const void *)y->iniface; ma = x->iniface_mask; mb = y->iniface_mask;
        oa = (const void *)x->outiface; ob = (const void *)y->outiface; pa = x->outiface_mask; pb = y->outiface_mask;
    }
    for (int i = 0; i < IFNAMSIZ; i++) {
        if (ma[i] != mb[i] || (ia[i] & ma[i]) != (ib[i] & mb[i]))
            return false;
        if (pa[i] != pb[i] || (oa[i] & pa[i]) != (ob[i] & pb[i]))
            return false;
    }
    const uint16_t *ofa = entry_offsets_const(nfproto, a), *ofb = entry_offsets_const(nfproto, b);
    return ofa[0] == ofb[0] && ofa[1] == ofb[1];
}

bool shim_entry_same_masked(uint8_t nfproto, const void *a, const void *b, const unsigned char *mask,
                            bool compare_target)
{
    if (!same_header(nfproto, a, b))
        return false;
    size_t header = shim_entry_header_size(nfproto);
    const uint16_t *offsets = entry_offsets_const(nfproto, a);
    const unsigned char *pa = a, *pb = b, *m = mask + header;
    size_t at = header;
    /* libiptc's match_different over each match: size, name, data under the mask. */
    while (at < offsets[0]) {
        const struct xt_entry_match *x = (const void *)(pa + at), *y = (const void *)(pb + at);
        if (x->u.match_size < sizeof(*x) || at + x->u.match_size > offsets[0])
            return false;
        if (x->u.match_size != y->u.match_size || strcmp(x->u.user.name, y->u.user.name) != 0)
            return false;
        m += XT_ALIGN(sizeof(*x));
        size_t data = x->u.match_size - XT_ALIGN(sizeof(*x));
        for (size_t i = 0; i < data; i++)
            if ((x->data[i] ^ y->data[i]) & m[i])
                return false;
        m += data;
        at += x->u.match_size;
    }
    if (!compare_target)
        return true;
    /* target_same for an extension target: size, name, data under the mask. */
    m += XT_ALIGN(sizeof(struct xt_entry_target));
    const struct xt_entry_target *ta = (const void *)(pa + offsets[0]), *tb = (const void *)(pb + offsets[0]);
    if (ta->u.target_size != tb->u.target_size || strcmp(ta->u.user.name, tb->u.user.name) != 0)
        return false;
    for (size_t i = 0; i + sizeof(*ta) < ta->u.target_size; i++)
        if ((ta->data[i] ^ tb->data[i]) & m[i])
            return false;
    return true;
}
