/*
 * Exact long-option lookup for a getopt table: a hash index over the option names.
 *
 * getopt_long finds "--name" by comparing it with every entry of the table in turn
 * (strncmp, then strlen), and iptables' merged tables hold the base options plus every
 * loaded extension's: a third of iptables-restore's work on a kube-proxy ruleset went
 * into that loop. The index answers the same question (the first entry whose name is
 * exactly the word) in one probe; anything it does not answer exactly (abbreviations,
 * "--name=value", unknown names) is still left to getopt_long (shim.c, shim_getopt_rule).
 */
#include "option_index.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct option_index {
    const struct option *table;
    uint32_t mask;       /* slots - 1 (slots a power of two, at least twice the options) */
    int32_t slots[];     /* option position + 1, 0 for an empty slot */
};

/* FNV-1a over the name's bytes. */
static uint32_t name_hash(const char *name)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)name; *p != 0; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

struct option_index *option_index_build(const struct option *table)
{
    uint32_t count = 0;
    while (table[count].name != NULL)
        count++;
    uint32_t size = 16;
    while (size < 2 * count)
        size *= 2;
    struct option_index *index = calloc(1, sizeof(*index) + size * sizeof(int32_t));
    if (index == NULL)
        return NULL;
    index->table = table;
    index->mask = size - 1;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t slot = name_hash(table[i].name) & index->mask;
        /* The first entry of a name is the one getopt_long finds: later ones stay out. */
        bool seen = false;
        while (index->slots[slot] != 0) {
            if (strcmp(table[index->slots[slot] - 1].name, table[i].name) == 0) {
                seen = true;
                break;
            }
            slot = (slot + 1) & index->mask;
        }
        if (!seen)
            index->slots[slot] = (int32_t)i + 1;
    }
    return index;
}

const struct option *option_index_find(const struct option_index *index, const char *name)
{
    uint32_t slot = name_hash(name) & index->mask;
    while (index->slots[slot] != 0) {
        const struct option *o = &index->table[index->slots[slot] - 1];
        if (strcmp(o->name, name) == 0)
            return o;
        slot = (slot + 1) & index->mask;
    }
    return NULL;
}

void option_index_free(struct option_index *index) { free(index); }
