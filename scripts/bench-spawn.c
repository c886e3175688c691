/*
 * The benchmark's timer: starts a program with posix_spawn (no interpreter between the
 * clock and the child) and reports what it cost, or times the kernel's own read of tables.
 *
 *   bench-spawn run STDIN|- PROGRAM [ARG...]
 *       one run; prints "wall_s cpu_s maxrss_kib minor_faults exit_status"
 *   bench-spawn kernel-read 4|6 TABLE...
 *       the floor of every read: GET_INFO and GET_ENTRIES of each table, as libiptc
 *       makes them, into fresh pages as a new process has (once); prints "seconds"
 *
 * Built by scripts/bench with the system's cc; not part of the product.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

extern char **environ;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* One spawned run, stdout and stderr to /dev/null. */
static int run(const char *input, char **argv)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, strcmp(input, "-") ? input : "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    double start = now();
    pid_t pid;
    int err = posix_spawn(&pid, argv[0], &actions, NULL, argv, environ);
    if (err != 0) {
        fprintf(stderr, "bench-spawn: %s: %s\n", argv[0], strerror(err));
        return 127;
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("bench-spawn: wait4");
        return 127;
    }
    double wall = now() - start;
    double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("%.9f %.9f %ld %ld %d\n", wall, cpu, ru.ru_maxrss, ru.ru_minflt, code);
    return 0;
}

/* GET_INFO then GET_ENTRIES of one table; the time taken, or -1. */
static double read_table(int family, const char *table)
{
    int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_RAW, IPPROTO_RAW);
    if (fd < 0)
        return -1;
    double start = now();
    /* The two families' structures have the same layout up to the entries. */
    struct ipt_getinfo info;
    socklen_t length = sizeof(info);
    memset(&info, 0, sizeof(info));
    strncpy(info.name, table, sizeof(info.name) - 1);
    int level = family == 6 ? IPPROTO_IPV6 : IPPROTO_IP;
    if (getsockopt(fd, level, family == 6 ? IP6T_SO_GET_INFO : IPT_SO_GET_INFO, &info, &length) < 0) {
        close(fd);
        return -1;
    }
    size_t size = sizeof(struct ipt_get_entries) + info.size;
    /* Fresh pages every time, as a new process gets them: malloc would hand later
       repetitions the pages of the first (glibc raises its mmap threshold to the size of
       a freed block, up to 32 MB), leaving out the page faults every tool pays. */
    struct ipt_get_entries *entries = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (entries == MAP_FAILED) {
        close(fd);
        return -1;
    }
    memset(entries, 0, sizeof(*entries));
    strncpy(entries->name, table, sizeof(entries->name) - 1);
    entries->size = info.size;
    length = (socklen_t)size;
    int ok = getsockopt(fd, level, family == 6 ? IP6T_SO_GET_ENTRIES : IPT_SO_GET_ENTRIES, entries, &length);
    double took = now() - start;
    munmap(entries, size);
    close(fd);
    return ok < 0 ? -1 : took;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "run") == 0)
        return run(argv[2], argv + 3);
    if (argc >= 4 && strcmp(argv[1], "kernel-read") == 0) {
        int family = atoi(argv[2]);
        double total = 0;
        for (int i = 3; i < argc; i++) {
            double t = read_table(family, argv[i]);
            if (t < 0) {
                fprintf(stderr, "bench-spawn: cannot read table %s: %s\n", argv[i], strerror(errno));
                return 1;
            }
            total += t;
        }
        printf("%.9f\n", total);
        return 0;
    }
    fprintf(stderr, "usage: bench-spawn run STDIN|- PROGRAM [ARG...] | kernel-read 4|6 TABLE...\n");
    return 2;
}
