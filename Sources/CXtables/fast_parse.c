/*
 * Shortcuts for the commonest restore inputs (declared in CXtables.h).
 *
 * A restore of 100k rules reads 100k -s/-d words and runs every rule's extension final
 * checks. libxtables reads an address by copying the word, splitting it at '/', trying
 * a numeric parse of each byte through strtoumax, then copying the result through two
 * heap arrays (about 2,000 instructions for "10.0.0.1/32"); its final check looks up
 * every other option id of the extension for each option given (32 table walks per
 * option). Both are exact but slow for inputs whose answer is plain; these functions
 * give that answer directly and leave every other input to libxtables.
 */
#include "CXtables.h"

/* One decimal byte at *p (no sign, no leading zero, at most 255); advances *p past it.
 * xtables_strtoui(s, NULL, &v, 0, 255) reads such a text as the same value. */
static bool plain_decimal(const char **p, unsigned int max, unsigned int *out)
{
    const char *s = *p;
    if (*s < '0' || *s > '9')
        return false;
    unsigned int v = (unsigned int)(*s++ - '0');
    if (v == 0) {
        /* "0" alone: a leading zero means octal (or hex) to strtoumax's base 0. */
        if (*s >= '0' && *s <= '9')
            return false;
    } else {
        for (int digits = 1; *s >= '0' && *s <= '9'; digits++, s++) {
            if (digits == 3)
                return false;
            v = v * 10 + (unsigned int)(*s - '0');
        }
    }
    if (v > max)
        return false;
    *out = v;
    *p = s;
    return true;
}

bool fast_plain_ipv4(const char *spec, uint8_t *addr, uint8_t *mask)
{
    const char *p = spec;
    unsigned int byte[4], bits = 32;
    for (int i = 0; i < 4; i++) {
        if (i > 0 && *p++ != '.')
            return false;
        if (!plain_decimal(&p, 255, &byte[i]))
            return false;
    }
    if (*p == '/') {
        p++;
        if (!plain_decimal(&p, 32, &bits))
            return false;
    }
    if (*p != '\0')
        return false;
    uint32_t m = bits == 0 ? 0 : 0xFFFFFFFFu << (32 - bits);
    for (int i = 0; i < 4; i++) {
        mask[i] = (uint8_t)(m >> (24 - 8 * i));
        addr[i] = (uint8_t)byte[i] & mask[i];
    }
    return true;
}

bool fast_fcheck_may_fail(unsigned int xflags, const struct xt_option_entry *table)
{
    for (const struct xt_option_entry *e = table; e->name != NULL; e++) {
        if (e->id >= 32)
            return true;
        unsigned int self = 1u << e->id;
        if (!(xflags & self)) {
            if (e->flags & XTOPT_MAND)
                return true;
            continue;
        }
        if ((e->also & ~xflags & ~self) != 0 || (e->excl & xflags & ~self) != 0)
            return true;
    }
    return false;
}
