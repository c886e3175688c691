/*
 * A table of C-string names with an integer each: open addressing, FNV-1a hashing,
 * tombstones for removal, names copied into shared chunks. Restore asks about chain names
 * for every rule line (is the jump a declared chain? does the chain exist?); Swift's
 * String hashing (SipHash over a 25-byte kube-proxy chain name, through a generic
 * Hasher) cost more than a thousand instructions a question. See CXtables.h for the interface.
 */
#include "CXtables.h"

#include <stdlib.h>
#include <string.h>

/* A slot's name: NULL when never used; TOMBSTONE after its name was removed. */
static char tombstone_mark;
#define TOMBSTONE (&tombstone_mark)

/* One slot: 16 bytes, so a table of 70k chain names stays within 2 MB of slots. */
struct slot {
    char *name;
    uint32_t hash;
    int32_t value;
};

/* Names are copied into chunks, one after another: no allocation per name, and freeing
 * the table frees a few chunks instead of every name. A removed name stays in its chunk. */
struct chunk {
    struct chunk *previous;
    size_t used, size;
    char bytes[];
};

struct name_table {
    struct slot *slots;
    size_t mask;     /* slots - 1; slots a power of two */
    size_t used;     /* names plus tombstones */
    size_t count;    /* names */
    struct chunk *chunk;
};

/* A copy of the name in the table's chunks; NULL when out of memory. */
static char *copy_name(struct name_table *t, const char *name)
{
    size_t n = strlen(name) + 1;
    struct chunk *c = t->chunk;
    if (c == NULL || c->size - c->used < n) {
        size_t size = n > 32768 ? n : 32768;
        c = malloc(sizeof(struct chunk) + size);
        if (c == NULL)
            return NULL;
        c->previous = t->chunk;
        c->used = 0;
        c->size = size;
        t->chunk = c;
    }
    char *copy = c->bytes + c->used;
    memcpy(copy, name, n);
    c->used += n;
    return copy;
}

static uint32_t name_hash(const char *name)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)name; *p != 0; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

static bool allocate(struct name_table *t, size_t slots)
{
    t->slots = calloc(slots, sizeof(struct slot));
    if (t->slots == NULL)
        return false;
    t->mask = slots - 1;
    t->used = t->count = 0;
    return true;
}

struct name_table *name_table_new(void)
{
    struct name_table *t = malloc(sizeof(*t));
    if (t != NULL)
        t->chunk = NULL;
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
    for (struct chunk *c = t->chunk, *previous; c != NULL; c = previous) {
        previous = c->previous;
        free(c);
    }
    free(t->slots);
    free(t);
}

/* The slot holding `name`, or (when absent) the slot an insertion should use: the first
 * tombstone on the probe path, else the empty slot that ended it. *found says which. */
static size_t probe(const struct name_table *t, const char *name, uint32_t h, bool *found)
{
    size_t i = (size_t)h & t->mask, reuse = SIZE_MAX;
    for (;;) {
        const struct slot *s = &t->slots[i];
        if (s->name == NULL) {
            *found = false;
            return reuse != SIZE_MAX ? reuse : i;
        }
        if (s->name == TOMBSTONE) {
            if (reuse == SIZE_MAX)
                reuse = i;
        } else if (s->hash == h && strcmp(s->name, name) == 0) {
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
        struct slot s = old.slots[i];
        if (s.name == NULL || s.name == TOMBSTONE)
            continue;
        bool found;
        t->slots[probe(t, s.name, s.hash, &found)] = s;
        t->used++;
        t->count++;
    }
    free(old.slots);
    return true;
}

long name_table_get(const struct name_table *t, const char *name)
{
    bool found;
    size_t i = probe(t, name, name_hash(name), &found);
    return found ? t->slots[i].value : -1;
}

long name_table_put(struct name_table *t, const char *name, long value)
{
    if (value < 0 || value > INT32_MAX)
        return -2;
    uint32_t h = name_hash(name);
    bool found;
    size_t i = probe(t, name, h, &found);
    if (found) {
        long previous = t->slots[i].value;
        t->slots[i].value = (int32_t)value;
        return previous;
    }
    char *copy = copy_name(t, name);
    if (copy == NULL)
        return -2;
    /* At most three quarters of the slots in use, tombstones counted (they lengthen
       probes): twice the slots when names fill half, else the same number without them. */
    size_t slots = t->mask + 1;
    if (4 * (t->used + 1) > 3 * slots) {
        if (!rehash(t, 2 * (t->count + 1) > slots ? 2 * slots : slots))
            return -2;  /* the copy stays unused in its chunk */
        i = probe(t, name, h, &found);
    }
    if (t->slots[i].name == NULL)
        t->used++;
    t->slots[i] = (struct slot){.name = copy, .hash = h, .value = (int32_t)value};
    t->count++;
    return -1;
}

bool name_table_remove(struct name_table *t, const char *name)
{
    bool found;
    size_t i = probe(t, name, name_hash(name), &found);
    if (!found)
        return false;
    t->slots[i].name = TOMBSTONE;
    t->count--;
    return true;
}

size_t name_table_count(const struct name_table *t) { return t->count; }
