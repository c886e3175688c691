/*
 * A table of C-string names with an integer each: open addressing, FNV-1a hashing,
 * tombstones for removal. Restore asks about chain names for every rule line (is the
 * jump a declared chain? does the chain exist?); Swift's String hashing (SipHash over
 * a 25-byte kube-proxy chain name, through a generic Hasher) cost more than a thousand
 * instructions a question. See CXtables.h for the interface.
 */
#include "CXtables.h"

#include <stdlib.h>
#include <string.h>

/* A slot's name: NULL when never used; TOMBSTONE after its name was removed. */
static char tombstone_mark;
#define TOMBSTONE (&tombstone_mark)

struct name_table {
    char **names;
    long *values;
    uint64_t *hashes;
    size_t mask;     /* slots - 1; slots a power of two */
    size_t used;     /* names plus tombstones */
    size_t count;    /* names */
};

static uint64_t name_hash(const char *name)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)name; *p != 0; p++)
        h = (h ^ *p) * 1099511628211ull;
    return h;
}

static bool allocate(struct name_table *t, size_t slots)
{
    t->names = calloc(slots, sizeof(char *));
    t->values = calloc(slots, sizeof(long));
    t->hashes = calloc(slots, sizeof(uint64_t));
    if (t->names == NULL || t->values == NULL || t->hashes == NULL) {
        free(t->names);
        free(t->values);
        free(t->hashes);
        return false;
    }
    t->mask = slots - 1;
    t->used = t->count = 0;
    return true;
}

struct name_table *name_table_new(void)
{
    struct name_table *t = malloc(sizeof(*t));
    if (t != NULL && !allocate(t, 64)) {
        free(t);
        t = NULL;
    }
    return t;
}

void name_table_free(struct name_table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i <= t->mask; i++)
        if (t->names[i] != NULL && t->names[i] != TOMBSTONE)
            free(t->names[i]);
    free(t->names);
    free(t->values);
    free(t->hashes);
    free(t);
}

/* The slot holding `name`, or (when absent) the slot an insertion should use: the first
 * tombstone on the probe path, else the empty slot that ended it. *found says which. */
static size_t probe(const struct name_table *t, const char *name, uint64_t h, bool *found)
{
    size_t i = (size_t)h & t->mask, reuse = SIZE_MAX;
    for (;;) {
        const char *n = t->names[i];
        if (n == NULL) {
            *found = false;
            return reuse != SIZE_MAX ? reuse : i;
        }
        if (n == TOMBSTONE) {
            if (reuse == SIZE_MAX)
                reuse = i;
        } else if (t->hashes[i] == h && strcmp(n, name) == 0) {
            *found = true;
            return i;
        }
        i = (i + 1) & t->mask;
    }
}

/* Twice the slots (or the same number, to clear tombstones), names moved over. */
static bool rehash(struct name_table *t, size_t slots)
{
    struct name_table old = *t;
    if (!allocate(t, slots)) {
        *t = old;
        return false;
    }
    for (size_t i = 0; i <= old.mask; i++) {
        if (old.names[i] == NULL || old.names[i] == TOMBSTONE)
            continue;
        bool found;
        size_t j = probe(t, old.names[i], old.hashes[i], &found);
        t->names[j] = old.names[i];
        t->values[j] = old.values[i];
        t->hashes[j] = old.hashes[i];
        t->used++;
        t->count++;
    }
    free(old.names);
    free(old.values);
    free(old.hashes);
    return true;
}

long name_table_get(const struct name_table *t, const char *name)
{
    bool found;
    size_t i = probe(t, name, name_hash(name), &found);
    return found ? t->values[i] : -1;
}

long name_table_put(struct name_table *t, const char *name, long value)
{
    uint64_t h = name_hash(name);
    bool found;
    size_t i = probe(t, name, h, &found);
    if (found) {
        long previous = t->values[i];
        t->values[i] = value;
        return previous;
    }
    char *copy = strdup(name);
    if (copy == NULL)
        return -2;
    /* At most half the slots in use, tombstones counted (they lengthen probes): twice the
       slots when names fill a quarter, else the same number with the tombstones gone. */
    if (2 * (t->used + 1) > t->mask + 1) {
        size_t slots = 4 * (t->count + 1) > t->mask + 1 ? 2 * (t->mask + 1) : t->mask + 1;
        if (!rehash(t, slots)) {
            free(copy);
            return -2;
        }
        i = probe(t, name, h, &found);
    }
    if (t->names[i] == NULL)
        t->used++;
    t->names[i] = copy;
    t->values[i] = value;
    t->hashes[i] = h;
    t->count++;
    return -1;
}

bool name_table_remove(struct name_table *t, const char *name)
{
    bool found;
    size_t i = probe(t, name, name_hash(name), &found);
    if (!found)
        return false;
    free(t->names[i]);
    t->names[i] = TOMBSTONE;
    t->count--;
    return true;
}

size_t name_table_count(const struct name_table *t) { return t->count; }
