/*
 * Exact long-option lookup over a getopt table (option_index.c); internal to the C module.
 */
#ifndef IPTABLES_SWIFT_OPTION_INDEX_H
#define IPTABLES_SWIFT_OPTION_INDEX_H

#include <getopt.h>
#include <stdbool.h>

struct option_index;

/* An index of the table's names (the table must outlive it); NULL when out of memory. */
struct option_index *option_index_build(const struct option *table);

/* The first entry named exactly `name`, as getopt_long's exact match finds it; or NULL. */
const struct option *option_index_find(const struct option_index *index, const char *name);

void option_index_free(struct option_index *index);

#endif
