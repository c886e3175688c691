/*
 * Memory made present in one step, before a table is copied into it.
 *
 * A page a process touches for the first time costs a page fault: an exception, the
 * kernel's fault path and the return, about 1.1 us a page on the virtual machines we
 * measure on, against about 0.6 us when madvise(MADV_POPULATE_WRITE) makes a whole range
 * present at once (the zeroing is the same; the exceptions go). A command on a table of
 * 1,000 rules writes ~150 fresh pages: the kernel's copy of the table, libiptc's chain
 * cache and the new blob it commits. Made present in one call, that is about 5% of the
 * command's time.
 *
 * libiptc allocates those copies itself, so the heap is grown and populated ahead of it:
 * one allocation of about what the table will need, freed at once, leaves a populated
 * top of heap that the allocations which follow carve up (malloc's thresholds are raised
 * so that libiptc's large blocks come from the heap, not from fresh mappings, and the heap
 * is not trimmed back before they do). On kernels without MADV_POPULATE_WRITE (before
 * 5.14) madvise fails and the pages fault one by one as before; under a memory checker
 * that replaces malloc the heap does not move and nothing is populated.
 */
#include "CXtables.h"

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/mman.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* glibc's largest mmap threshold on 64-bit systems (HEAP_MAX_SIZE / 2): a reservation is
   kept below it, unless a one-shot tool turns malloc's mappings off (M_MMAP_MAX 0). */
#define RESERVE_LIMIT (((size_t)32 << 20) - 4096)
/* glibc's default mmap threshold: below it, blocks come from the heap anyway. */
#define DEFAULT_MMAP_THRESHOLD ((size_t)128 << 10)

void shim_populate(void *start, size_t length)
{
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t from = ((uintptr_t)start + page - 1) & ~(page - 1);
    uintptr_t to = ((uintptr_t)start + length) & ~(page - 1);
    int saved = errno;  /* an older kernel's EINVAL is no error of the caller's */
    if (to > from)
        madvise((void *)from, to - from, MADV_POPULATE_WRITE);
    errno = saved;
}

/* The mmap threshold set by the largest reservation so far (0: malloc's own). */
static size_t raised_threshold;

/* The trim threshold that turns trimming off (mallopt(3)): the top is never handed back. */
#define NEVER_TRIM (-1)
/* Whether trimming is off (a reservation leaves it so). */
static bool never_trim;

void shim_heap_for_one_shot(void)
{
    /* Blocks up to glibc's largest threshold come from the heap, and freeing one keeps its
       pages for the next. By default a block over 128 KiB is a mapping of its own: every
       array that doubles past that size (a restore's chain list, libiptc's counters)
       costs an mmap, a page fault for each of its pages and an munmap, and the dynamic
       threshold then trims the heap top that later blocks fault in again. */
    size_t threshold = RESERVE_LIMIT + 4096;
    if (threshold > raised_threshold && mallopt(M_MMAP_THRESHOLD, (int)threshold) == 1)
        raised_threshold = threshold;
    if (mallopt(M_TRIM_THRESHOLD, NEVER_TRIM) == 1)
        never_trim = true;
}

void shim_heap_reserve(size_t bytes)
{
    /* Past the largest threshold a block would be a mapping of its own again, faulted a
       page at a time: malloc stops mapping instead, and the whole reservation comes from
       the heap (in one-shot mode only: a library user's malloc keeps its mappings). */
    if (bytes > RESERVE_LIMIT && !(never_trim && mallopt(M_MMAP_MAX, 0) == 1))
        bytes = RESERVE_LIMIT;
    if (bytes <= DEFAULT_MMAP_THRESHOLD)
        return;
    /* Blocks up to the reservation's size (and the reservation itself, with its chunk
       header) come from the heap from now on, and freeing does not hand its top back. */
    size_t threshold = bytes + 4096;
    if (threshold > raised_threshold && threshold <= RESERVE_LIMIT + 4096) {
        /* A malloc that refuses the threshold (a smaller maximum) would serve the
           reservation from a mapping of its own: nothing to reserve then. */
        if (mallopt(M_MMAP_THRESHOLD, (int)threshold) != 1)
            return;
        if (!never_trim)
            mallopt(M_TRIM_THRESHOLD, (int)(2 * threshold));
        raised_threshold = threshold;
    }
    char *before = sbrk(0);
    char *volatile block = malloc(bytes);
    /* The block may start below the old end of the heap, in a top chunk whose pages were
       never touched: those are populated too (present pages cost the call little). */
    char *from = block != NULL && block < before ? block : before;
    free(block);
    char *after = sbrk(0);
    if (before != (char *)-1 && after > before)
        shim_populate(from, (size_t)(after - from));
}
