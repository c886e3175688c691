/*
 * CXtables shim: exit_err containment, extension preparation, entry layout and the
 * family-neutral libiptc table. Written for iptables-swift; behaviour follows what
 * iptables-legacy 1.8.9 does with the same libraries.
 */
#include "CXtables.h"
#include "entry_layout.h"
#include "option_index.h"

#include <errno.h>
#include <setjmp.h>
#include <stdio_ext.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------------------------------------------------------------- errors */

static jmp_buf *active_guard;
static int caught_status;
/* A section of its own: the 8 KB buffer, written only on an error, would otherwise share
 * this file's .bss with the statics every start writes, and push them (scripts/startup-order
 * puts small sections first) onto a page of their own. */
static char caught_message[8192] __attribute__((section(".bss.caught_message")));

int shim_error_status(void) { return caught_status; }
const char *shim_error_message(void) { return caught_message; }

static struct xtables_globals globals;

/* Installed as xt_params->exit_err: record the message, unwind to the armed guard. */
static void __attribute__((noreturn)) contain_exit_err(enum xtables_exittype status,
                                                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(caught_message, sizeof(caught_message), fmt, ap);
    va_end(ap);
    caught_status = (int)status;
    if (active_guard != NULL)
        longjmp(*active_guard, 1);
    /* No guard armed: a library call outside the shim's wrappers. Report and leave. */
    fflush(stdout);
    fprintf(stderr, "%s v%s: %s\n", globals.program_name, globals.program_version,
            caught_message);
    exit((int)status);
}

/*
 * GUARD(body): run body with exit_err caught; evaluates to 0 on success, -1 when an
 * error was caught. Only C frames lie between setjmp and longjmp.
 */
#define GUARD(...)                                                         \
    do {                                                                   \
        jmp_buf here;                                                      \
        jmp_buf *volatile outer = active_guard;                            \
        if (setjmp(here) != 0) {                                           \
            active_guard = outer;                                          \
            return -1;                                                     \
        }                                                                  \
        active_guard = &here;                                              \
        __VA_ARGS__;                                                       \
        active_guard = outer;                                              \
        return 0;                                                          \
    } while (0)

/* ---------------------------------------------------------------- set-up */

/* One merged getopt table per distinct sequence of extensions (see merge_extension_options). */
struct merged_options {
    const void *extension;              /* the extension this edge added */
    unsigned int offset;                /* its option offset (a multiple of 256) */
    struct option *table;               /* the merged table after it */
    struct option_index *index;         /* its names, hashed (made at the first lookup) */
    struct merged_options *children;    /* tables that extend this one */
    struct merged_options *next;        /* siblings */
};

static struct merged_options option_root;
static struct merged_options *option_current = &option_root;

/* The distance between two extensions' option codes, as libxtables spaces them. */
#define OPTION_OFFSET_SCALE 256


static char version_string[64];

#ifndef XTABLES_PACKAGE_VERSION
#error "XTABLES_PACKAGE_VERSION (pkg-config --modversion xtables) must be defined by the build"
#endif

const char *shim_xtables_version(void) { return XTABLES_PACKAGE_VERSION; }

const char *shim_plugin_directory(void)
{
    const char *env = getenv("XTABLES_LIBDIR");
    return env != NULL ? env : XTABLES_PLUGIN_DIR;
}

int shim_init(uint8_t nfproto, const char *program_name, struct option *base_options)
{
    snprintf(version_string, sizeof(version_string), "%s (legacy)", XTABLES_PACKAGE_VERSION);
    globals.option_offset = 0;
    globals.program_name = program_name;
    globals.program_version = version_string;
    globals.orig_opts = base_options;
    globals.opts = base_options;
    option_root.table = base_options;
    if (option_root.index != NULL)
        option_index_free(option_root.index);
    option_root.index = NULL;
    option_current = &option_root;
    globals.exit_err = contain_exit_err;
    globals.compat_rev = xtables_compatible_revision;
    GUARD({
        if (xtables_init_all(&globals, nfproto) < 0) {
            snprintf(caught_message, sizeof(caught_message), "Failed to initialize xtables");
            caught_status = OTHER_PROBLEM;
            active_guard = outer;
            return -1;
        }
    });
}

extern int line; /* exported by libxtables, not declared in its header */

void shim_set_line(int value) { line = value; }

struct option *shim_options(void) { return globals.opts; }

void shim_reset_options(void)
{
    option_current = &option_root;
    globals.opts = globals.orig_opts;
}

/*
 * Whether getopt's last call ended between words (it then looks at argv[optind] afresh
 * on the next call, which is where the fast path may stand in for it) with the scan still
 * going. A scan that starts (optind 0) is getopt's own to initialise: see
 * exact_long_option.
 */
static bool getopt_at_word_boundary;

/* The option the word names exactly, when getopt_long would take it as just that. */
static const struct option *exact_long_option(int argc, char **argv)
{
    if (!getopt_at_word_boundary || optind <= 0 || optind >= argc)
        return NULL;
    const char *word = argv[optind];
    /* "--" ends the options; "--name=value" and abbreviations are getopt's to read. */
    if (word[0] != '-' || word[1] != '-' || word[2] == '\0' || strchr(word + 2, '=') != NULL)
        return NULL;
    if (globals.opts == NULL || option_current->table != globals.opts)
        return NULL;
    if (option_current->index == NULL)
        option_current->index = option_index_build(option_current->table);
    if (option_current->index == NULL)
        return NULL;
    const struct option *o = option_index_find(option_current->index, word + 2);
    /* A flag-setting option, or a required argument with no word left for it (getopt's
       error message), stays with getopt. */
    if (o == NULL || o->flag != NULL || (o->has_arg == required_argument && optind + 1 >= argc))
        return NULL;
    return o;
}

/*
 * The letter of a word that is one short option alone ("-A"), when getopt_long would take
 * it as just that: a letter of the option string that takes no argument, or requires one
 * with a word left for it. Optional arguments ("::"), letters getopt reserves (':', ';',
 * "W;"), unknown letters, clusters and attached arguments stay with getopt. 0 otherwise;
 * *with_argument says whether the next word is the argument.
 */
static int exact_short_option(int argc, char **argv, const char *optstring, bool *with_argument)
{
    if (!getopt_at_word_boundary || optind <= 0 || optind >= argc)
        return 0;
    const char *word = argv[optind];
    if (word[0] != '-')
        return 0;
    /* word[1] exists (word[0] is not the end); word[2] only when word[1] is not. */
    char c = word[1];
    if (c == '\0' || c == '-' || word[2] != '\0' || c == ':' || c == ';')
        return 0;
    /* The ordering mark at the start of the option string is not a letter. */
    const char *letters = optstring[0] == '-' || optstring[0] == '+' ? optstring + 1 : optstring;
    const char *spec = strchr(letters, c);
    if (spec == NULL || spec[1] == ';')
        return 0;
    *with_argument = spec[1] == ':';
    if (*with_argument && (spec[2] == ':' || optind + 1 >= argc))
        return 0;
    return (unsigned char)c;
}

int shim_getopt_rule(int argc, char **argv, const char *optstring)
{
    const struct option *o = exact_long_option(argc, argv);
    if (o != NULL) {
        /* As getopt_long's process_long_option consumes an exact match. */
        optarg = NULL;
        optind++;
        if (o->has_arg == required_argument)
            optarg = argv[optind++];
        return o->val;
    }
    bool with_argument = false;
    int letter = exact_short_option(argc, argv, optstring, &with_argument);
    if (letter != 0) {
        /* As getopt reads a short option that is the whole word. */
        optarg = NULL;
        optind++;
        if (with_argument)
            optarg = argv[optind++];
        return letter;
    }
    /* optind 0 starts a scan: getopt sets it to 1 before it reads the first word. */
    int before = optind == 0 ? 1 : optind;
    int c = getopt_long(argc, argv, optstring, globals.opts, NULL);
    /* A short option inside a cluster ("-nv") leaves optind where it was; after the end
       ("--" or the last word) getopt's own bookkeeping decides what follows. */
    getopt_at_word_boundary = c != -1 && optind != before;
    return c;
}

void shim_reset_extension_flags(void)
{
    for (struct xtables_match *m = xtables_matches; m != NULL; m = m->next)
        m->mflags = 0;
    for (struct xtables_target *t = xtables_targets; t != NULL; t = t->next) {
        t->tflags = 0;
        t->used = 0;
    }
}

/* ---------------------------------------------------------------- extensions */

int shim_find_match(const char *name, enum xtables_tryload tryload,
                    struct xtables_rule_match **list, struct xtables_match **out)
{
    GUARD(*out = xtables_find_match(name, tryload, list));
}

int shim_find_target(const char *name, enum xtables_tryload tryload,
                     struct xtables_target **out)
{
    GUARD(*out = xtables_find_target(name, tryload));
}

/*
 * Option tables. libxtables rebuilds the merged getopt table for every extension of every
 * rule (and frees the previous one). A rule's table depends only on which extensions it
 * loaded, in which order, so we build each distinct sequence's table once and keep it: a
 * tree whose root is the base table and whose edges are extensions. The table content and
 * order are what libxtables' merge produces (base options, newest extension, older ones),
 * so getopt_long matches exactly as it would there.
 */

static unsigned int count_options(const struct option *o)
{
    unsigned int n = 0;
    while (o != NULL && o[n].name != NULL)
        n++;
    return n;
}

/* The table of `current` extended by one extension's options at `offset`. */
static struct option *build_merged(const struct option *extra, const struct xt_option_entry *x6,
                                   unsigned int offset)
{
    unsigned int base = count_options(globals.orig_opts);
    unsigned int old = count_options(globals.opts) - base;
    unsigned int added = 0;
    if (x6 != NULL)
        while (x6[added].name != NULL)
            added++;
    else
        added = count_options(extra);
    struct option *table = xtables_calloc(base + added + old + 1, sizeof(*table));
    memcpy(table, globals.orig_opts, base * sizeof(*table));
    for (unsigned int i = 0; i < added; i++) {
        struct option *o = &table[base + i];
        if (x6 != NULL) {
            o->name = x6[i].name;
            o->has_arg = x6[i].type != XTTYPE_NONE;
            o->flag = NULL;
            o->val = x6[i].id + offset;
        } else {
            *o = extra[i];
            o->val += offset;
        }
    }
    memcpy(table + base + added, globals.opts + base, old * sizeof(*table));
    return table;
}

/* Merge an extension's options into the live option table (cached per sequence). */
static void merge_extension_options(const void *extension, const struct option *extra,
                                    const struct xt_option_entry *x6, unsigned int *offset)
{
    if (extra == NULL && x6 == NULL)
        return;
    for (struct merged_options *c = option_current->children; c != NULL; c = c->next) {
        if (c->extension == extension) {
            option_current = c;
            globals.opts = c->table;
            *offset = c->offset;
            return;
        }
    }
    struct merged_options *c = xtables_calloc(1, sizeof(*c));
    globals.option_offset += OPTION_OFFSET_SCALE;
    c->extension = extension;
    c->offset = globals.option_offset;
    c->table = build_merged(extra, x6, c->offset);
    c->next = option_current->children;
    option_current->children = c;
    option_current = c;
    globals.opts = c->table;
    *offset = c->offset;
}

/* Blob, init and (unless a clone, or always) option merge for a match. */
static void prepare_match(struct xtables_match *m, const char *entry_name, bool always_merge)
{
    {
        size_t size = XT_ALIGN(sizeof(struct xt_entry_match)) + m->size;
        m->m = xtables_calloc(1, size);
        m->m->u.match_size = size;
        strncpy(m->m->u.user.name, entry_name, sizeof(m->m->u.user.name) - 1);
        m->m->u.user.revision = m->revision;
        if (m->udata_size != 0) {
            free(m->udata);
            m->udata = xtables_calloc(1, m->udata_size);
        }
        if (m->init != NULL)
            m->init(m->m);
        if (always_merge || m != m->next)
            merge_extension_options(m, m->extra_opts, m->x6_options, &m->option_offset);
    }
}

int shim_match_prepare(struct xtables_match *m, const char *entry_name)
{
    GUARD(prepare_match(m, entry_name, false));
}

int shim_proto_match_prepare(struct xtables_match *m)
{
    GUARD(prepare_match(m, m->name, true));
}

static void init_target_blob(struct xtables_target *t, const char *entry_name, bool revision)
{
    size_t size = XT_ALIGN(sizeof(struct xt_entry_target)) + t->size;
    t->t = xtables_calloc(1, size);
    t->t->u.target_size = size;
    strncpy(t->t->u.user.name, entry_name, sizeof(t->t->u.user.name) - 1);
    if (revision)
        t->t->u.user.revision = t->revision;
    if (t->udata_size != 0) {
        free(t->udata);
        t->udata = xtables_calloc(1, t->udata_size);
    }
    if (t->init != NULL)
        t->init(t->t);
}

int shim_target_prepare(struct xtables_target *t, const char *entry_name)
{
    GUARD({
        init_target_blob(t, entry_name, true);
        merge_extension_options(t, t->extra_opts, t->x6_options, &t->option_offset);
    });
}

int shim_standard_target(const char *label, bool set_revision, struct xtables_target **out)
{
    GUARD({
        struct xtables_target *t = xtables_find_target(XT_STANDARD_TARGET, XTF_LOAD_MUST_SUCCEED);
        init_target_blob(t, label, set_revision);
        *out = t;
    });
}

int shim_match_parse(int c, char **argv, bool invert, struct xtables_match *m, void *fw)
{
    GUARD(xtables_option_mpcall(c, argv, invert, m, fw));
}

int shim_target_parse(int c, char **argv, bool invert, struct xtables_target *t, void *fw)
{
    GUARD(xtables_option_tpcall(c, argv, invert, t, fw));
}

/* An extension's final check as xtables_option_mfcall/tfcall make it: its own x6_fcheck
 * (or old-style final_check), then the generic check of its option table, which is
 * skipped when it certainly finds nothing (fast_fcheck_may_fail). */
static void final_check(const char *name, void *data, unsigned int xflags, void *udata,
                        void (*x6_fcheck)(struct xt_fcheck_call *),
                        void (*old_check)(unsigned int),
                        const struct xt_option_entry *options)
{
    if (x6_fcheck != NULL) {
        struct xt_fcheck_call cb = {.ext_name = name, .data = data, .xflags = xflags, .udata = udata};
        x6_fcheck(&cb);
    } else if (old_check != NULL) {
        old_check(xflags);
    }
    if (options != NULL && fast_fcheck_may_fail(xflags, options))
        xtables_options_fcheck(name, xflags, options);
}

int shim_options_fcheck(const char *name, unsigned int xflags, const struct xt_option_entry *table)
{
    GUARD(xtables_options_fcheck(name, xflags, table));
}

int shim_final_checks(struct xtables_rule_match *list, struct xtables_target *t)
{
    GUARD({
        for (struct xtables_rule_match *p = list; p != NULL; p = p->next) {
            struct xtables_match *m = p->match;
            final_check(m->name, m->m->data, m->mflags, m->udata, m->x6_fcheck, m->final_check,
                        m->x6_options);
        }
        if (t != NULL)
            final_check(t->name, t->t->data, t->tflags, t->udata, t->x6_fcheck, t->final_check,
                        t->x6_options);
    });
}

void shim_free_rule(struct xtables_rule_match **list, struct xtables_target *t)
{
    xtables_rule_matches_free(list);
    if (t != NULL) {
        free(t->t);
        t->t = NULL;
        free(t->udata);
        t->udata = NULL;
        if (t == t->next)
            free(t);
    }
}

/* ---------------------------------------------------------------- parsing helpers */

int shim_parse_protocol(const char *s, uint16_t *out)
{
    GUARD(*out = xtables_parse_protocol(s));
}

int shim_parse_interface(const char *arg, char *name, unsigned char *mask)
{
    GUARD(xtables_parse_interface(arg, name, mask));
}

/* The arrays xtables_ip(6)parse_multiple allocates before it may fail: they live here, not
 * in locals, so that they can be freed after an error unwinds to the guard. */
static void *parsed_addresses, *parsed_masks;

static int parse_addresses_guarded(uint8_t nfproto, const char *spec, unsigned int *count)
{
    GUARD({
        if (nfproto == NFPROTO_IPV6)
            xtables_ip6parse_multiple(spec, (struct in6_addr **)&parsed_addresses,
                                      (struct in6_addr **)&parsed_masks, count);
        else
            xtables_ipparse_multiple(spec, (struct in_addr **)&parsed_addresses,
                                     (struct in_addr **)&parsed_masks, count);
    });
}

int shim_parse_addresses(uint8_t nfproto, const char *spec,
                         uint8_t **addrs, uint8_t **masks, unsigned int *count)
{
    unsigned int n = 0;
    parsed_addresses = parsed_masks = NULL;
    int status = parse_addresses_guarded(nfproto, spec, &n);
    if (status == 0) {
        size_t width = nfproto == NFPROTO_IPV6 ? 16 : 4;
        *addrs = xtables_calloc(n ? n : 1, 16);
        *masks = xtables_calloc(n ? n : 1, 16);
        for (unsigned int i = 0; i < n; i++) {
            memcpy(*addrs + 16 * i, (uint8_t *)parsed_addresses + width * i, width);
            memcpy(*masks + 16 * i, (uint8_t *)parsed_masks + width * i, width);
        }
        *count = n;
    }
    free(parsed_addresses);
    free(parsed_masks);
    parsed_addresses = parsed_masks = NULL;
    return status;
}

/* ---------------------------------------------------------------- printing */

int shim_match_print(const struct xtables_match *mt, const void *ip,
                     const struct xt_entry_match *m, int numeric)
{
    GUARD(mt->print(ip, m, numeric));
}

int shim_match_save(const struct xtables_match *mt, const void *ip,
                    const struct xt_entry_match *m)
{
    GUARD(mt->save(ip, m));
}

int shim_target_print(const struct xtables_target *tt, const void *ip,
                      const struct xt_entry_target *t, int numeric)
{
    GUARD(tt->print(ip, t, numeric));
}

int shim_target_save(const struct xtables_target *tt, const void *ip,
                     const struct xt_entry_target *t)
{
    GUARD(tt->save(ip, t));
}

const char *shim_match_name(const struct xt_entry_match *m) { return m->u.user.name; }
uint8_t shim_match_revision(const struct xt_entry_match *m) { return m->u.user.revision; }
uint16_t shim_match_size(const struct xt_entry_match *m) { return m->u.match_size; }
const char *shim_target_name(const struct xt_entry_target *t) { return t->u.user.name; }
uint8_t shim_target_revision(const struct xt_entry_target *t) { return t->u.user.revision; }
uint16_t shim_target_size(const struct xt_entry_target *t) { return t->u.target_size; }
struct xt_entry_target *shim_target_blob(const struct xtables_target *t) { return t->t; }

/* ---------------------------------------------------------------- entry layout */


void *shim_entry_scratch(uint8_t nfproto)
{
    return xtables_calloc(1, shim_entry_header_size(nfproto));
}

/*
 * The header fields are named alike in struct ipt_ip and struct ip6t_ip6; only the address
 * width differs. COPY_HEADER(TO, FROM, width) copies every field one way or the other.
 */
#define COPY_HEADER(TO, FROM, width)                                 \
    do {                                                             \
        memcpy(&(TO).src, &(FROM).src, (width));                     \
        memcpy(&(TO).dst, &(FROM).dst, (width));                     \
        memcpy(&(TO).smsk, &(FROM).smsk, (width));                   \
        memcpy(&(TO).dmsk, &(FROM).dmsk, (width));                   \
        memcpy((TO).iniface, (FROM).iniface, IFNAMSIZ);              \
        memcpy((TO).outiface, (FROM).outiface, IFNAMSIZ);            \
        memcpy((TO).iniface_mask, (FROM).iniface_mask, IFNAMSIZ);    \
        memcpy((TO).outiface_mask, (FROM).outiface_mask, IFNAMSIZ);  \
        (TO).proto = (FROM).proto;                                   \
        (TO).flags = (FROM).flags;                                   \
        (TO).invflags = (FROM).invflags;                             \
    } while (0)

void shim_entry_set_ip(uint8_t nfproto, void *entry, const struct shim_rule_ip *ip)
{
    struct xt_counters *counters;
    if (nfproto == NFPROTO_IPV6) {
        struct ip6t_entry *e = entry;
        COPY_HEADER(e->ipv6, *ip, 16);
        counters = &e->counters;
    } else {
        struct ipt_entry *e = entry;
        COPY_HEADER(e->ip, *ip, 4);
        counters = &e->counters;
    }
    counters->pcnt = ip->pcnt;
    counters->bcnt = ip->bcnt;
}

void shim_entry_get_ip(uint8_t nfproto, const void *entry, struct shim_rule_ip *ip)
{
    const struct xt_counters *counters;
    memset(ip, 0, sizeof(*ip));
    if (nfproto == NFPROTO_IPV6) {
        const struct ip6t_entry *e = entry;
        COPY_HEADER(*ip, e->ipv6, 16);
        counters = &e->counters;
    } else {
        const struct ipt_entry *e = entry;
        COPY_HEADER(*ip, e->ip, 4);
        counters = &e->counters;
    }
    ip->pcnt = counters->pcnt;
    ip->bcnt = counters->bcnt;
}


void *shim_entry_build(uint8_t nfproto, const struct shim_rule_ip *ip,
                       const struct xtables_rule_match *list, const struct xt_entry_target *t)
{
    size_t header = shim_entry_header_size(nfproto);
    size_t size = header;
    for (const struct xtables_rule_match *p = list; p != NULL; p = p->next)
        size += p->match->m->u.match_size;
    unsigned char *e = xtables_calloc(1, size + t->u.target_size);
    shim_entry_set_ip(nfproto, e, ip);
    uint16_t *offsets = entry_offsets(nfproto, e);
    offsets[0] = size;                      /* target_offset */
    offsets[1] = size + t->u.target_size;   /* next_offset */
    size_t at = header;
    for (const struct xtables_rule_match *p = list; p != NULL; p = p->next) {
        memcpy(e + at, p->match->m, p->match->m->u.match_size);
        at += p->match->m->u.match_size;
    }
    memcpy(e + at, t, t->u.target_size);
    return e;
}

unsigned char *shim_entry_mask(uint8_t nfproto, const struct xtables_rule_match *list,
                               const struct xtables_target *t)
{
    size_t header = shim_entry_header_size(nfproto);
    size_t size = header;
    for (const struct xtables_rule_match *p = list; p != NULL; p = p->next)
        size += XT_ALIGN(sizeof(struct xt_entry_match)) + p->match->size;
    unsigned char *mask = xtables_calloc(1, size + XT_ALIGN(sizeof(struct xt_entry_target)) + t->size);
    memset(mask, 0xFF, header);
    unsigned char *at = mask + header;
    for (const struct xtables_rule_match *p = list; p != NULL; p = p->next) {
        memset(at, 0xFF, XT_ALIGN(sizeof(struct xt_entry_match)) + p->match->userspacesize);
        at += XT_ALIGN(sizeof(struct xt_entry_match)) + p->match->size;
    }
    memset(at, 0xFF, XT_ALIGN(sizeof(struct xt_entry_target)) + t->userspacesize);
    return mask;
}

const struct xt_entry_match *shim_entry_match(uint8_t nfproto, const void *entry, unsigned int i)
{
    const unsigned char *e = entry;
    size_t at = shim_entry_header_size(nfproto);
    size_t end = entry_offsets(nfproto, (void *)entry)[0];
    while (at < end) {
        const struct xt_entry_match *m = (const void *)(e + at);
        if (i == 0)
            return m;
        if (m->u.match_size == 0)
            return NULL;
        at += m->u.match_size;
        i--;
    }
    return NULL;
}

const struct xt_entry_target *shim_entry_target(uint8_t nfproto, const void *entry)
{
    return (const void *)((const unsigned char *)entry + entry_offsets(nfproto, (void *)entry)[0]);
}


/* ---------------------------------------------------------------- libiptc tables */

/* Before libiptc reads a table, the heap grows by what it is about to write, present in
   one step (prefault.c): its copy of the kernel's blob, its chain cache (about the blob
   again, a block a rule) and the blob it commits come to about 2.5 times the blob's size,
   plus the commit's counters (16 bytes an entry). 2.5 measured best on tables of 1,000
   rules of every bench workload (3 populates pages nothing touches). */
static bool reserving;
void shim_reserve_before_reads(bool on) { reserving = on; }

static void reserve_for_table(uint8_t nfproto, const char *table)
{
    unsigned int size, entries;
    if (!reserving)
        return;
    int saved = errno;
    if (shim_table_size(nfproto, table, &size, &entries) == 0)
        shim_heap_reserve((size_t)size * 5 / 2 + (size_t)entries * 16);
    errno = saved;
}

/* Each table entry is a wrapper of our own that calls the libiptc function directly. The
   tables then hold addresses the linker fixes: a table of the library's own function
   addresses made the loader look up 58 symbols at every start and write them into
   read-only-after-relocation data (a copy-on-write page fault), though a command calls a
   handful of them; a direct call goes through the PLT and is bound at its first use. */
#define TC_WRAPPERS(P, E, DUMP, NF)                                                        \
    static struct xtc_handle *P##_w_open(const char *t)                                   \
    { reserve_for_table(NF, t); return P##_init(t); }                                     \
    static int P##_w_commit(struct xtc_handle *h) { return P##_commit(h); }               \
    static void P##_w_release(struct xtc_handle *h) { P##_free(h); }                      \
    static const char *P##_w_first_chain(struct xtc_handle *h) { return P##_first_chain(h); } \
    static const char *P##_w_next_chain(struct xtc_handle *h) { return P##_next_chain(h); } \
    static const void *P##_w_first_rule(const char *c, struct xtc_handle *h)              \
    { return P##_first_rule(c, h); }                                                      \
    static const void *P##_w_next_rule(const void *r, struct xtc_handle *h)               \
    { return P##_next_rule((const E *)r, h); }                                            \
    static const char *P##_w_get_target(const void *r, struct xtc_handle *h)              \
    { return P##_get_target((const E *)r, h); }                                           \
    static int P##_w_is_chain(const char *c, struct xtc_handle *h) { return P##_is_chain(c, h); } \
    static int P##_w_builtin(const char *c, struct xtc_handle *h) { return P##_builtin(c, h); } \
    static const char *P##_w_get_policy(const char *c, struct xt_counters *n, struct xtc_handle *h) \
    { return P##_get_policy(c, n, h); }                                                   \
    static int P##_w_get_references(unsigned int *r, const char *c, struct xtc_handle *h) \
    { return P##_get_references(r, c, h); }                                               \
    static int P##_w_append(const char *c, const void *r, struct xtc_handle *h)           \
    { return P##_append_entry(c, (const E *)r, h); }                                      \
    static int P##_w_insert(const char *c, const void *r, unsigned int n, struct xtc_handle *h) \
    { return P##_insert_entry(c, (const E *)r, n, h); }                                   \
    static int P##_w_replace(const char *c, const void *r, unsigned int n, struct xtc_handle *h) \
    { return P##_replace_entry(c, (const E *)r, n, h); }                                  \
    static int P##_w_delete_entry(const char *c, const void *r, unsigned char *m, struct xtc_handle *h) \
    { return P##_delete_entry(c, (const E *)r, m, h); }                                   \
    static int P##_w_delete_num(const char *c, unsigned int n, struct xtc_handle *h)      \
    { return P##_delete_num_entry(c, n, h); }                                             \
    static int P##_w_check(const char *c, const void *r, unsigned char *m, struct xtc_handle *h) \
    { return P##_check_entry(c, (const E *)r, m, h); }                                    \
    static int P##_w_flush(const char *c, struct xtc_handle *h) { return P##_flush_entries(c, h); } \
    static int P##_w_zero(const char *c, struct xtc_handle *h) { return P##_zero_entries(c, h); } \
    static int P##_w_zero_counter(const char *c, unsigned int n, struct xtc_handle *h)    \
    { return P##_zero_counter(c, n, h); }                                                 \
    static struct xt_counters *P##_w_read_counter(const char *c, unsigned int n, struct xtc_handle *h) \
    { return P##_read_counter(c, n, h); }                                                 \
    static int P##_w_set_counter(const char *c, unsigned int n, struct xt_counters *k, struct xtc_handle *h) \
    { return P##_set_counter(c, n, k, h); }                                               \
    static int P##_w_create_chain(const char *c, struct xtc_handle *h) { return P##_create_chain(c, h); } \
    static int P##_w_delete_chain(const char *c, struct xtc_handle *h) { return P##_delete_chain(c, h); } \
    static int P##_w_rename_chain(const char *o, const char *n, struct xtc_handle *h)     \
    { return P##_rename_chain(o, n, h); }                                                 \
    static int P##_w_set_policy(const char *c, const char *p, struct xt_counters *k, struct xtc_handle *h) \
    { return P##_set_policy(c, p, k, h); }                                                \
    static const char *P##_w_strerror(int e) { return P##_strerror(e); }                  \
    static void P##_w_dump(struct xtc_handle *h) { DUMP(h); }                             \
    static const struct shim_tc P##_table = {                                             \
        .open = P##_w_open, .commit = P##_w_commit, .release = P##_w_release,             \
        .first_chain = P##_w_first_chain, .next_chain = P##_w_next_chain,                 \
        .first_rule = P##_w_first_rule, .next_rule = P##_w_next_rule,                     \
        .get_target = P##_w_get_target, .is_chain = P##_w_is_chain,                       \
        .builtin = P##_w_builtin, .get_policy = P##_w_get_policy,                         \
        .get_references = P##_w_get_references, .append = P##_w_append,                  \
        .insert = P##_w_insert, .replace = P##_w_replace,                                 \
        .delete_entry = P##_w_delete_entry, .delete_num = P##_w_delete_num,               \
        .check = P##_w_check, .flush = P##_w_flush, .zero = P##_w_zero,                   \
        .zero_counter = P##_w_zero_counter, .read_counter = P##_w_read_counter,           \
        .set_counter = P##_w_set_counter, .create_chain = P##_w_create_chain,             \
        .delete_chain = P##_w_delete_chain, .rename_chain = P##_w_rename_chain,           \
        .set_policy = P##_w_set_policy, .strerror = P##_w_strerror, .dump = P##_w_dump,   \
    };

TC_WRAPPERS(iptc, struct ipt_entry, dump_entries, NFPROTO_IPV4)
TC_WRAPPERS(ip6tc, struct ip6t_entry, dump_entries6, NFPROTO_IPV6)

const struct shim_tc *shim_tc_for(uint8_t nfproto)
{
    return nfproto == NFPROTO_IPV6 ? &ip6tc_table : &iptc_table;
}

/* ---------------------------------------------------------------- stdio */

/* Bytes to C stdout. A listing hands its line buffer to stdout before every extension
   prints (twice a rule), so the common case is a few bytes into a fully buffered stream
   with room: they are copied into its buffer as putc_unlocked's macro does, under the
   same test (write pointer below the write end). glibc keeps the write end at or below
   the write pointer of line-buffered and unbuffered streams (a line-buffered one's
   pointer runs past it), so those, wide streams and a full buffer take fwrite's way.
   Single-threaded, like every caller. */
void shim_out(const char *s, size_t n)
{
    FILE *f = stdout;
    if (f->_mode <= 0 && f->_IO_write_ptr < f->_IO_write_end
        && (size_t)(f->_IO_write_end - f->_IO_write_ptr) > n) {
        memcpy(f->_IO_write_ptr, s, n);
        f->_IO_write_ptr += n;
        return;
    }
    fwrite(s, 1, n, f);
}
void shim_err(const char *s, size_t n) { fflush(stdout); fwrite(s, 1, n, stderr); }
/* Restore flushes after every line in case the line printed something (a -L, an
 * extension's notice); an empty buffer has nothing to write, and fflush still locks it. */
void shim_flush(void)
{
    if (__fpending(stdout) > 0)
        fflush(stdout);
}

const struct xtables_pprot *shim_chain_protos(void) { return xtables_chain_protos; }

/* ---------------------------------------------------------------- capture */

static FILE *captured_stdout;
static char *capture_buffer;
static size_t capture_length;

int shim_capture_begin(void)
{
    if (captured_stdout != NULL)
        return -1;
    fflush(stdout);
    FILE *memory = open_memstream(&capture_buffer, &capture_length);
    if (memory == NULL)
        return -1;
    captured_stdout = stdout;
    stdout = memory;
    return 0;
}

char *shim_capture_end(size_t *length)
{
    if (captured_stdout == NULL) {
        *length = 0;
        return NULL;
    }
    fclose(stdout);
    stdout = captured_stdout;
    captured_stdout = NULL;
    *length = capture_length;
    char *text = capture_buffer;
    capture_buffer = NULL;
    return text;
}

/* ---------------------------------------------------------------- family switch */

/* Exported by libxtables, not declared in its header. */
extern struct xtables_match *xtables_pending_matches;
extern struct xtables_target *xtables_pending_targets;

void shim_forget_extensions(void)
{
    /* Unload every plugin (their registrations go with them) and forget the lists that
     * pointed into them, and the option tables merged from their options. */
    xtables_fini();
    xtables_matches = NULL;
    xtables_targets = NULL;
    xtables_pending_matches = NULL;
    xtables_pending_targets = NULL;
    option_root.children = NULL;
    option_current = &option_root;
}

/* ---------------------------------------------------------------- entries in memory */

size_t shim_entry_size(uint8_t nfproto, const void *entry)
{
    return entry_offsets(nfproto, (void *)entry)[1];
}

void shim_entry_clear_target_name(uint8_t nfproto, void *entry)
{
    struct xt_entry_target *t = (void *)((unsigned char *)entry + entry_offsets(nfproto, entry)[0]);
    memset(t->u.user.name, 0, sizeof(t->u.user.name));
}

/* Whether two entries have the same offsets and header fields (addresses, masks,
 * interfaces, protocol, flags), counters too when asked. */
static bool same_frame(uint8_t nfproto, const void *a, const void *b, bool counters)
{
    const uint16_t *oa = entry_offsets(nfproto, (void *)a);
    const uint16_t *ob = entry_offsets(nfproto, (void *)b);
    if (oa[0] != ob[0] || oa[1] != ob[1])
        return false;
    struct shim_rule_ip ha, hb;
    shim_entry_get_ip(nfproto, a, &ha);
    shim_entry_get_ip(nfproto, b, &hb);
    if (!counters) {
        ha.pcnt = hb.pcnt = 0;
        ha.bcnt = hb.bcnt = 0;
    }
    return memcmp(&ha, &hb, sizeof(ha)) == 0;
}

bool shim_entry_same(uint8_t nfproto, const void *a, const void *b, const unsigned char *mask)
{
    /* As libiptc compares rules for delete and check: the address/interface/protocol
     * header, the offsets, then every byte of matches and target the mask selects. */
    if (!same_frame(nfproto, a, b, false))
        return false;
    const uint16_t *oa = entry_offsets(nfproto, (void *)a);
    const unsigned char *pa = a, *pb = b;
    for (size_t i = shim_entry_header_size(nfproto); i < oa[1]; i++)
        if ((pa[i] ^ pb[i]) & mask[i])
            return false;
    return true;
}

void shim_entry_set_counters(uint8_t nfproto, void *entry, uint64_t packets, uint64_t bytes)
{
    struct shim_rule_ip ip;
    shim_entry_get_ip(nfproto, entry, &ip);
    ip.pcnt = packets;
    ip.bcnt = bytes;
    shim_entry_set_ip(nfproto, entry, &ip);
}

void shim_entry_set_target_name(uint8_t nfproto, void *entry, const char *name)
{
    struct xt_entry_target *t = (void *)((unsigned char *)entry + entry_offsets(nfproto, entry)[0]);
    memset(t->u.user.name, 0, sizeof(t->u.user.name));
    strncpy(t->u.user.name, name, sizeof(t->u.user.name) - 1);
}

void shim_set_program_name(const char *program_name)
{
    globals.program_name = program_name;
}

bool shim_entry_fits(uint8_t nfproto, const void *entry, size_t size)
{
    size_t header = shim_entry_header_size(nfproto);
    if (size < header + sizeof(struct xt_entry_target))
        return false;
    const uint16_t *offsets = entry_offsets(nfproto, (void *)entry);
    if (offsets[1] != size || offsets[0] < header || offsets[0] + sizeof(struct xt_entry_target) > size)
        return false;
    const unsigned char *e = entry;
    size_t at = header;
    while (at < offsets[0]) {
        const struct xt_entry_match *m = (const void *)(e + at);
        if (at + sizeof(*m) > offsets[0] || m->u.match_size < sizeof(*m) || at + m->u.match_size > offsets[0])
            return false;
        at += m->u.match_size;
    }
    const struct xt_entry_target *t = (const void *)(e + offsets[0]);
    return t->u.target_size >= sizeof(*t) && offsets[0] + t->u.target_size == size;
}

void shim_entry_clear_header(uint8_t nfproto, void *entry)
{
    memset(entry, 0, shim_entry_header_size(nfproto));
}

/* ---------------------------------------------------------------- counters */

int shim_scan_policy_counters(const char *text, uint64_t *packets, uint64_t *bytes)
{
    /* iptables-restore's own test: both numbers must convert ("[1:2" passes, "[1x:2]" not). */
    unsigned long long p = 0, b = 0;
    int n = sscanf(text, "[%llu:%llu]", &p, &b);
    *packets = p;
    *bytes = b;
    return n == 2;
}

int shim_scan_counter(const char *text, uint64_t *value)
{
    /* The -c / --set-counters test: sscanf "%llu" converts one number (trailing text allowed). */
    unsigned long long v = 0;
    int n = sscanf(text, "%llu", &v);
    *value = v;
    return n == 1;
}

/* ---------------------------------------------------------------- exit from a plugin */

#include <dlfcn.h>

/* Whether an exit() inside a guarded call becomes an error (a library user's process) or
 * exits as iptables does (the tools, the default being set by shim_contain_exit). */
static bool exit_contained = true;

void shim_contain_exit(bool contained) { exit_contained = contained; }

/*
 * Some plugins call exit() themselves rather than exit_err: libxt_rateest's print callback
 * does for a rule the kernel would have refused (such a rule can stand in a table in
 * memory). Defined here, exit() is the one every library of the process calls; inside a
 * guarded call of a library user it unwinds to the guard like exit_err, anywhere else it is
 * the C library's exit.
 */
void exit(int status)
{
    if (exit_contained && active_guard != NULL) {
        snprintf(caught_message, sizeof(caught_message),
                 "an extension ended the program (exit status %d)", status);
        caught_status = OTHER_PROBLEM;
        longjmp(*active_guard, 1);
    }
    typedef void (*exit_function)(int);
    exit_function real_exit = (exit_function)dlsym(RTLD_NEXT, "exit");
    real_exit(status);
    __builtin_unreachable();
}

/* ---------------------------------------------------------------- rule equivalence */

/* The userspace size of a loaded extension of this name and revision for the family, as
 * -C compares it; -1 when none is loaded (the caller then compares every byte). */
static int userspace_size(const char *name, uint8_t revision, uint8_t nfproto, bool target)
{
    if (target) {
        for (const struct xtables_target *t = xtables_targets; t != NULL; t = t->next) {
            const char *n = t->real_name != NULL ? t->real_name : t->name;
            if (t->revision == revision && (t->family == nfproto || t->family == NFPROTO_UNSPEC) && strcmp(n, name) == 0)
                return (int)t->userspacesize;
        }
        return -1;
    }
    for (const struct xtables_match *m = xtables_matches; m != NULL; m = m->next) {
        const char *n = m->real_name != NULL ? m->real_name : m->name;
        if (m->revision == revision && (m->family == nfproto || m->family == NFPROTO_UNSPEC) && strcmp(n, name) == 0)
            return (int)m->userspacesize;
    }
    return -1;
}

/* Whether two extension blobs (an xt_entry_match or xt_entry_target: the same header
 * layout) are the same: size, name, revision, then the data up to the userspace size. */
static bool same_blob(const unsigned char *a, const unsigned char *b, uint8_t nfproto, bool target)
{
    const struct xt_entry_match *ma = (const void *)a, *mb = (const void *)b;
    if (ma->u.user.match_size != mb->u.user.match_size || ma->u.user.revision != mb->u.user.revision)
        return false;
    /* The standard target: verdicts and jumps are compared by libiptc's label. A rule libiptc
     * read from the kernel has the name "" there; one appended since still has the chain's. */
    if (target && (ma->u.user.name[0] == '\0' || mb->u.user.name[0] == '\0'))
        return true;
    if (strncmp(ma->u.user.name, mb->u.user.name, sizeof(ma->u.user.name)) != 0)
        return false;
    size_t data = ma->u.user.match_size - sizeof(struct xt_entry_match);
    int size = userspace_size(ma->u.user.name, ma->u.user.revision, nfproto, target);
    if (size >= 0 && (size_t)XT_ALIGN(size) < data)
        data = (size_t)size;
    return memcmp(a + sizeof(struct xt_entry_match), b + sizeof(struct xt_entry_match), data) == 0;
}

bool shim_entries_equivalent(uint8_t nfproto, const void *a, const void *b, bool counters)
{
    if (!same_frame(nfproto, a, b, counters))
        return false;
    const uint16_t *oa = entry_offsets(nfproto, (void *)a);
    const unsigned char *pa = a, *pb = b;
    size_t at = shim_entry_header_size(nfproto);
    while (at < oa[0]) {
        const struct xt_entry_match *m = (const void *)(pa + at);
        if (m->u.match_size < sizeof(*m) || at + m->u.match_size > oa[0] || !same_blob(pa + at, pb + at, nfproto, false))
            return false;
        at += m->u.match_size;
    }
    return same_blob(pa + oa[0], pb + oa[0], nfproto, true);
}

