/*
 * ipset definitions for iptables-swift check: read a set's header (type, revision,
 * family, create options) from the host's kernel over nfnetlink, and create a set from
 * it in another network namespace, so that rules naming host sets can be committed
 * there. Members are never read or copied.
 */
#include "CXtables.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/ipset/ip_set.h>

/* One netlink request under construction. */
struct request {
    unsigned char bytes[4096];
    size_t used;
};

static struct nlmsghdr *request_start(struct request *r, int command, int flags)
{
    memset(r->bytes, 0, sizeof(r->bytes));
    struct nlmsghdr *h = (struct nlmsghdr *)r->bytes;
    h->nlmsg_type = (NFNL_SUBSYS_IPSET << 8) | command;
    h->nlmsg_flags = NLM_F_REQUEST | flags;
    h->nlmsg_seq = 1;
    struct nfgenmsg *g = (struct nfgenmsg *)NLMSG_DATA(h);
    g->nfgen_family = AF_INET;
    g->version = NFNETLINK_V0;
    r->used = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg));
    return h;
}

/* Appends one attribute; false when the request is full. */
static bool request_add(struct request *r, unsigned short type, const void *data, size_t length)
{
    size_t total = NLA_ALIGN(NLA_HDRLEN + length);
    if (r->used + total > sizeof(r->bytes))
        return false;
    struct nlattr *a = (struct nlattr *)(r->bytes + r->used);
    a->nla_type = type;
    a->nla_len = (unsigned short)(NLA_HDRLEN + length);
    if (length > 0)
        memcpy((unsigned char *)a + NLA_HDRLEN, data, length);
    r->used += total;
    ((struct nlmsghdr *)r->bytes)->nlmsg_len = (unsigned int)r->used;
    return true;
}

/* Sends the request and reads replies until DONE or an error message; the attributes of
 * the first reply of `want` type are copied to out. Returns 0, or -1 with errno. */
static int exchange(struct request *r, int want, unsigned char *out, size_t cap, size_t *out_length)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
    if (fd < 0)
        return -1;
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    if (sendto(fd, r->bytes, r->used, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    static unsigned char buffer[65536];
    int result = -1, err = ENOENT;
    bool done = false;
    while (!done) {
        ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            err = errno;
            break;
        }
        int left = (int)n;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
            if (h->nlmsg_type == NLMSG_DONE) {
                done = true;
                break;
            }
            if (h->nlmsg_type == NLMSG_ERROR) {
                if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
                    err = EPROTO;
                    done = true;
                    break;
                }
                struct nlmsgerr *e = (struct nlmsgerr *)NLMSG_DATA(h);
                if (e->error == 0 && want < 0)
                    result = 0;
                else
                    err = -e->error;
                done = true;
                break;
            }
            if (want >= 0 && h->nlmsg_type == ((NFNL_SUBSYS_IPSET << 8) | want) && result != 0) {
                size_t skip = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg));
                size_t length = h->nlmsg_len >= skip ? h->nlmsg_len - skip : 0;
                if (h->nlmsg_len >= skip && length <= cap) {
                    memcpy(out, (unsigned char *)h + skip, length);
                    *out_length = length;
                    result = 0;
                }
            }
        }
    }
    close(fd);
    if (result != 0)
        errno = err;
    return result;
}

int shim_ipset_header(const char *name, unsigned char *out, size_t cap, size_t *out_length)
{
    struct request r;
    request_start(&r, IPSET_CMD_LIST, 0);
    uint8_t protocol = IPSET_PROTOCOL;
    uint32_t flags = htonl(IPSET_FLAG_LIST_HEADER);
    if (!request_add(&r, IPSET_ATTR_PROTOCOL, &protocol, 1)
        || !request_add(&r, IPSET_ATTR_SETNAME, name, strlen(name) + 1)
        || !request_add(&r, IPSET_ATTR_FLAGS, &flags, sizeof(flags))) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return exchange(&r, IPSET_CMD_LIST, out, cap, out_length);
}

/* The addresses nested in a create option (IPSET_ATTR_IP, IPSET_ATTR_IP_TO) must say they
 * are in network byte order; a header dump leaves that flag off. */
static void mark_network_order(struct nlattr *nest)
{
    int left = nest->nla_len - NLA_HDRLEN;
    for (struct nlattr *a = (struct nlattr *)((unsigned char *)nest + NLA_HDRLEN);
         left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= left;
         left -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((unsigned char *)a + NLA_ALIGN(a->nla_len)))
        a->nla_type |= NLA_F_NET_BYTEORDER;
}

/* Copies the create options of a header's data nest, without the kernel-only counts. */
static bool add_create_data(struct request *r, const struct nlattr *data)
{
    size_t start = r->used;
    if (!request_add(r, IPSET_ATTR_DATA | NLA_F_NESTED, NULL, 0))
        return false;
    int left = data->nla_len - NLA_HDRLEN;
    for (const struct nlattr *a = (const struct nlattr *)((const unsigned char *)data + NLA_HDRLEN);
         left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= left;
         left -= NLA_ALIGN(a->nla_len), a = (const struct nlattr *)((const unsigned char *)a + NLA_ALIGN(a->nla_len))) {
        int type = a->nla_type & NLA_TYPE_MASK;
        if (type >= IPSET_ATTR_ELEMENTS)
            continue;
        if (!request_add(r, a->nla_type, (const unsigned char *)a + NLA_HDRLEN, a->nla_len - NLA_HDRLEN))
            return false;
        if (a->nla_type & NLA_F_NESTED)
            mark_network_order((struct nlattr *)(r->bytes + r->used - NLA_ALIGN(a->nla_len)));
    }
    ((struct nlattr *)(r->bytes + start))->nla_len = (unsigned short)(r->used - start);
    return true;
}

int shim_ipset_create(const unsigned char *header, size_t length)
{
    struct request r;
    request_start(&r, IPSET_CMD_CREATE, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
    int left = (int)length;
    for (const struct nlattr *a = (const struct nlattr *)header;
         left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= left;
         left -= NLA_ALIGN(a->nla_len), a = (const struct nlattr *)((const unsigned char *)a + NLA_ALIGN(a->nla_len))) {
        int type = a->nla_type & NLA_TYPE_MASK;
        bool ok = true;
        if (type == IPSET_ATTR_DATA)
            ok = add_create_data(&r, a);
        else if (type == IPSET_ATTR_PROTOCOL || type == IPSET_ATTR_SETNAME || type == IPSET_ATTR_TYPENAME
                 || type == IPSET_ATTR_REVISION || type == IPSET_ATTR_FAMILY)
            ok = request_add(&r, a->nla_type, (const unsigned char *)a + NLA_HDRLEN, a->nla_len - NLA_HDRLEN);
        if (!ok) {
            errno = E2BIG;
            return -1;
        }
    }
    unsigned char unused[1];
    size_t none = 0;
    return exchange(&r, -1, unused, 0, &none);
}
