/*
 * The layout facts of an ipt_entry / ip6t_entry that shim.c and table_read.c both use
 * (internal to the C module; not part of its public header).
 */
#ifndef IPTABLES_SWIFT_ENTRY_LAYOUT_H
#define IPTABLES_SWIFT_ENTRY_LAYOUT_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

/* Bytes of the fixed ipt_entry or ip6t_entry header. */
static inline size_t shim_entry_header_size(uint8_t nfproto)
{
    return nfproto == NFPROTO_IPV6 ? sizeof(struct ip6t_entry) : sizeof(struct ipt_entry);
}

/* target_offset and next_offset (adjacent in both families' headers). */
static inline uint16_t *entry_offsets(uint8_t nfproto, void *entry)
{
    if (nfproto == NFPROTO_IPV6)
        return &((struct ip6t_entry *)entry)->target_offset;
    return &((struct ipt_entry *)entry)->target_offset;
}

static inline const uint16_t *entry_offsets_const(uint8_t nfproto, const void *entry)
{
    return entry_offsets(nfproto, (void *)entry);
}

#endif
