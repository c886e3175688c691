/*
 * A read-only look at the nf_tables backend: one netlink dump of the tables, chains or
 * rules of one family, reduced to their table and chain names. Used to warn when
 * iptables-nft holds rules beside our legacy tables, and by `iptables-swift status`.
 * Nothing is ever written to nf_tables.
 */
#include "CXtables.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

/* A growing text buffer of "table\tchain\n" records. */
struct records {
    char *text;
    size_t used, cap;
    int count;
};

static bool records_add(struct records *r, const char *table, const char *chain)
{
    size_t need = strlen(table) + strlen(chain) + 2;
    if (r->used + need + 1 > r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 4096;
        while (cap < r->used + need + 1)
            cap *= 2;
        char *grown = realloc(r->text, cap);
        if (!grown)
            return false;
        r->text = grown;
        r->cap = cap;
    }
    r->used += (size_t)snprintf(r->text + r->used, r->cap - r->used, "%s\t%s\n", table, chain);
    r->count++;
    return true;
}

/* The NUL-terminated string attribute `type` among a message's attributes, or "". */
static const char *string_attribute(const struct nlmsghdr *h, unsigned short type)
{
    size_t skip = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg));
    if (h->nlmsg_len < skip)
        return "";
    int left = (int)(h->nlmsg_len - skip);
    for (const struct nlattr *a = (const struct nlattr *)((const unsigned char *)h + skip);
         left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= left;
         left -= NLA_ALIGN(a->nla_len), a = (const struct nlattr *)((const unsigned char *)a + NLA_ALIGN(a->nla_len))) {
        const char *value = (const char *)a + NLA_HDRLEN;
        size_t length = a->nla_len - NLA_HDRLEN;
        if ((a->nla_type & NLA_TYPE_MASK) == type && length > 0 && value[length - 1] == '\0')
            return value;
    }
    return "";
}

/* The request: a dump of one message kind for one family. */
static int send_dump(int fd, int message, int family)
{
    struct {
        struct nlmsghdr header;
        struct nfgenmsg body;
    } request;
    memset(&request, 0, sizeof(request));
    request.header.nlmsg_len = NLMSG_LENGTH(sizeof(struct nfgenmsg));
    request.header.nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | message;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.header.nlmsg_seq = 1;
    request.body.nfgen_family = (unsigned char)family;
    request.body.version = NFNETLINK_V0;
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    return sendto(fd, &request, request.header.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0 ? -1 : 0;
}

/* Reads the dump's replies into records until NLMSG_DONE; 0, or an errno. */
static int read_dump(int fd, int message, struct records *out)
{
    /* Indexed by reply type: the attribute holding the object's table, and its chain. */
    static const unsigned short table_of[] = {
        [NFT_MSG_NEWTABLE] = NFTA_TABLE_NAME, [NFT_MSG_NEWCHAIN] = NFTA_CHAIN_TABLE, [NFT_MSG_NEWRULE] = NFTA_RULE_TABLE,
    };
    static const unsigned short chain_of[] = {
        [NFT_MSG_NEWTABLE] = 0, [NFT_MSG_NEWCHAIN] = NFTA_CHAIN_NAME, [NFT_MSG_NEWRULE] = NFTA_RULE_CHAIN,
    };
    static unsigned char buffer[65536] __attribute__((aligned(NLMSG_ALIGNTO)));
    int reply = message - 1; /* NFT_MSG_GETx - 1 == NFT_MSG_NEWx */
    for (;;) {
        ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        int left = (int)n;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
            if (h->nlmsg_type == NLMSG_DONE)
                return 0;
            if (h->nlmsg_type == NLMSG_ERROR) {
                if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
                    return EPROTO;
                int e = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
                return e == 0 ? 0 : e;
            }
            if (h->nlmsg_type != ((NFNL_SUBSYS_NFTABLES << 8) | reply))
                continue;
            const char *chain = chain_of[reply] ? string_attribute(h, chain_of[reply]) : "";
            if (!records_add(out, string_attribute(h, table_of[reply]), chain))
                return ENOMEM;
        }
        if (n == 0)
            return EPROTO;
    }
}

char *shim_nft_dump(int family, int kind, int *count)
{
    static const int messages[] = { NFT_MSG_GETTABLE, NFT_MSG_GETCHAIN, NFT_MSG_GETRULE };
    if (kind < 0 || kind > 2) {
        errno = EINVAL;
        return NULL;
    }
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
    if (fd < 0)
        return NULL;
    struct records out = { 0 };
    int err = send_dump(fd, messages[kind], family) < 0 ? errno : read_dump(fd, messages[kind], &out);
    close(fd);
    if (err == 0 && !records_add(&out, "", "")) /* ensures a buffer, then drops the marker */
        err = ENOMEM;
    if (err != 0) {
        free(out.text);
        errno = err;
        return NULL;
    }
    out.used -= 2;
    out.text[out.used] = '\0';
    *count = out.count - 1;
    return out.text;
}
