/*
 * A fast answer for numeric port lookups.
 *
 * libxtables resolves every guided port option (udp --sport/--dport, conntrack --ctorigsrcport,
 * TPROXY --on-port, ...) with getaddrinfo(NULL, port, NULL, &res), even when the port is a
 * plain number. glibc then asks the kernel for the interface addresses over netlink and opens
 * and connects UDP sockets to sort its answer: about ten system calls per port, a quarter of
 * the time of a 100k-rule restore. Only the port of the first answer is ever read.
 *
 * This executable defines getaddrinfo, so the libraries' calls bind here first. A call with no
 * host, no hints and a service of one to five decimal digits up to 65535 gets one IPv4 answer
 * carrying that port, which is what glibc's first answer holds for such a service; any other
 * call goes to the C library's own getaddrinfo unchanged. The answer is one malloc block
 * (addrinfo followed by its sockaddr_in, no canonical name), the shape glibc's freeaddrinfo
 * releases.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/// The C library's getaddrinfo, found once on first need.
typedef int (*getaddrinfo_fn)(const char *, const char *, const struct addrinfo *,
                              struct addrinfo **);

/// The numeric value of a service made of 1..5 decimal digits and at most 65535, or -1.
static long plain_port_number(const char *service)
{
    long value = 0;
    size_t length = 0;
    for (; service[length] != '\0'; length++) {
        if (length == 5 || service[length] < '0' || service[length] > '9')
            return -1;
        value = value * 10 + (service[length] - '0');
    }
    return (length == 0 || value > 65535) ? -1 : value;
}

/// One answer block for a numeric port: addrinfo and its sockaddr_in in one allocation.
static int answer_port(long port, struct addrinfo **result)
{
    struct block {
        struct addrinfo info;
        struct sockaddr_in address;
    } *answer = calloc(1, sizeof(*answer));
    if (answer == NULL)
        return EAI_MEMORY;
    answer->address.sin_family = AF_INET;
    answer->address.sin_port = htons((uint16_t)port);
    answer->address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    answer->info.ai_family = AF_INET;
    answer->info.ai_socktype = SOCK_STREAM;
    answer->info.ai_protocol = IPPROTO_TCP;
    answer->info.ai_addrlen = sizeof(answer->address);
    answer->info.ai_addr = (struct sockaddr *)&answer->address;
    *result = &answer->info;
    return 0;
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **result)
{
    static getaddrinfo_fn libc_getaddrinfo;
    if (node == NULL && hints == NULL && service != NULL) {
        long port = plain_port_number(service);
        if (port >= 0)
            return answer_port(port, result);
    }
    if (libc_getaddrinfo == NULL)
        libc_getaddrinfo = (getaddrinfo_fn)dlsym(RTLD_NEXT, "getaddrinfo");
    if (libc_getaddrinfo == NULL)
        return EAI_SYSTEM;
    return libc_getaddrinfo(node, service, hints, result);
}
