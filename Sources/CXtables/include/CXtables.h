/*
 * CXtables: the C boundary of iptables-swift.
 *
 * Umbrella header for libxtables, libiptc and libip6tc (getopt.h must come before
 * xtables.h so that `struct option` is complete), plus the small shim for what Swift
 * cannot express: the variadic exit_err callback contained with setjmp/longjmp,
 * the layout of ipt_entry/ip6t_entry, and one family-neutral libiptc function table.
 *
 * Every shim_* function that may reach an extension's or libxtables' exit_err returns
 * 0 on success and -1 when the error was caught; shim_error_status()/shim_error_message()
 * then describe it. Nothing here exits the process.
 */
#ifndef CXTABLES_H
#define CXTABLES_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>
#include <xtables.h>
#include <xtables-version.h>
#include <libiptc/libiptc.h>
#include <libiptc/libip6tc.h>

#pragma clang assume_nonnull begin

/* ---- Errors caught from exit_err ---- */

/// The xtables_exittype of the last caught error (1 other, 2 parameter, 3 version, 4 resource).
int shim_error_status(void);
/// The formatted message of the last caught error, exactly as the extension wrote it.
const char *shim_error_message(void);

/* ---- Global set-up ---- */

/// The libxtables version this binary was built against ("1.8.9").
const char *shim_xtables_version(void);
/// Moves the calling process into a new network namespace (and, when asked, a new user
/// namespace first, for callers without CAP_SYS_ADMIN); 0 or -1 with errno, as unshare(2).
int shim_unshare_network(bool with_user_namespace);
/// pipe2(fds, O_CLOEXEC).
int shim_pipe_cloexec(int fds[_Nonnull 2]);
/// The header of the host's ipset `name` (type, revision, family, create options; no
/// members) as nfnetlink attributes, copied to out. 0, or -1 with errno (ENOENT: no such set).
int shim_ipset_header(const char *name, unsigned char *out, size_t cap, size_t *out_length);
/// Creates a set from a header read by shim_ipset_header (in the calling process's network
/// namespace). 0, or -1 with errno.
int shim_ipset_create(const unsigned char *header, size_t length);
/// One netlink dump of nf_tables objects of `family` (NFPROTO_IPV4/NFPROTO_IPV6) in the
/// calling process's network namespace: `kind` 0 tables, 1 chains, 2 rules. Returns a
/// malloc'd text of one "table\tchain\n" line per object (chain empty for tables), and the
/// number of objects in *count; NULL with errno on failure. Reads only; the caller frees.
char *_Nullable shim_nft_dump(int family, int kind, int *_Nonnull count);
/// An anonymous memory file (memfd_create, close-on-exec); -1 with errno on failure.
int shim_memory_file(void);
/// A table as GET_INFO describes it, and where its entries are.
struct shim_table_info {
    unsigned int valid_hooks;
    unsigned int hook_entry[5];
    unsigned int underflow[5];
    unsigned int num_entries;
    unsigned int size;
    /// The first entry (inside the block shim_table_read returned).
    const unsigned char *_Nullable entries;
};
/// Reads one table of the family from the kernel (GET_INFO, GET_ENTRIES) into a malloc'd
/// block, described by info; the caller frees the block. NULL with errno on failure.
void *_Nullable shim_table_read(uint8_t nfproto, const char *name, struct shim_table_info *info);

/// GET_INFO of one table of the family: its blob's size in bytes and its entry count.
/// 0, or -1 with errno.
int shim_table_size(uint8_t nfproto, const char *name, unsigned int *size, unsigned int *num_entries);

/* ---- Memory made present in one step (prefault.c) ---- */

/// Makes the whole pages inside [start, start + length) present and writable in one call
/// (MADV_POPULATE_WRITE) instead of a page fault each; does nothing where unsupported.
void shim_populate(void *start, size_t length);
/// Grows the malloc heap by about `bytes`, present, for the allocations that follow (and
/// from then on serves blocks up to that size from the heap, without trimming it back).
/// Small reservations (up to malloc's default mmap threshold) do nothing; 32 MiB at most,
/// unless shim_heap_for_one_shot is in effect: then malloc's mappings are turned off and
/// the whole reservation comes from the heap.
void shim_heap_reserve(size_t bytes);
/// Sets malloc up for a one-shot process: blocks up to 32 MiB from the heap (not from
/// mappings of their own) and a heap top that is never trimmed, so freed memory is reused
/// instead of unmapped and faulted in again. For the tools only: a library user's malloc
/// keeps its own settings.
void shim_heap_for_one_shot(void);
/// Whether libiptc's table reads are preceded by a heap reservation (the tools: a one-shot
/// process; off by default, so a library user's malloc keeps its own settings).
void shim_reserve_before_reads(bool on);

/// What an entry of a kernel blob holds, for decoding it as libiptc does.
enum { SHIM_ENTRY_MODULE = 0, SHIM_ENTRY_STANDARD = 1, SHIM_ENTRY_ERROR = 2 };
struct shim_entry_facts {
    unsigned int target_offset;
    unsigned int next_offset;
    uint64_t packets;
    uint64_t bytes;
    /// The target's name in the entry ("" standard, "ERROR", or an extension).
    const char *_Nullable target_name;
    /// A standard target's verdict.
    int verdict;
    /// An ERROR target's text (a user chain's name, or "ERROR" at the table's end).
    const char *_Nullable error_name;
};
/// Decodes one entry, `room` bytes of the blob being left from it: SHIM_ENTRY_MODULE,
/// _STANDARD or _ERROR; -1 when malformed (sizes that do not fit).
int shim_entry_decode(uint8_t nfproto, const void *entry, size_t room, struct shim_entry_facts *facts);
/// libiptc 1.8.9's comparison for -C and -D by rule (is_same, match_different, and
/// target_same for an extension target when compare_target): the header, then each
/// match's size, name and data under `mask` (laid out as the entry), then the target's.
bool shim_entry_same_masked(uint8_t nfproto, const void *a, const void *b, const unsigned char *mask,
                            bool compare_target);
/// Where libxtables loads plugins from: $XTABLES_LIBDIR, else the directory it was built with.
const char *shim_plugin_directory(void);
/// Sets xtables_globals (name, version, base options) and runs xtables_init_all.
int shim_init(uint8_t nfproto, const char *program_name, struct option *base_options);
/// The program name libxtables puts in its own messages (the string must stay alive).
void shim_set_program_name(const char *program_name);
/// libxtables' exported `line` global (restore line number used in its own messages).
void shim_set_line(int line);
/// The option table getopt_long must use now (base options merged with loaded extensions').
struct option *shim_options(void);
/// Puts the option table back to the base options (between rules).
void shim_reset_options(void);
/// getopt_long over shim_options() for a scan that starts at optind 0 and stops at the
/// first -1: the same results, optind, optarg and optopt, but a word "--name" naming an
/// option exactly is found through a hash index instead of getopt's walk of the whole
/// table, and a word that is one short option alone ("-A") is read directly (see shim.c).
int shim_getopt_rule(int argc, char *_Nullable *_Nonnull argv, const char *optstring);
/// Forgets per-rule extension state: mflags/tflags/used of every known extension.
void shim_reset_extension_flags(void);

/* ---- Extensions ---- */

/// Finds (and with tryload, loads) a match; MUST_SUCCEED failures are caught.
int shim_find_match(const char *_Nonnull name, enum xtables_tryload tryload,
                    struct xtables_rule_match *_Nullable *_Nullable list,
                    struct xtables_match *_Nullable *_Nonnull out);
/// Finds (and with tryload, loads) a target; MUST_SUCCEED failures are caught.
int shim_find_target(const char *_Nonnull name, enum xtables_tryload tryload,
                     struct xtables_target *_Nullable *_Nonnull out);
/// Gives a found match its zeroed entry blob with name and revision (entry_name: the
/// name stored in the blob), runs its init, and merges its options unless it is a clone.
int shim_match_prepare(struct xtables_match *m, const char *entry_name);
/// The same for a match loaded on demand for -p: named by its own name, options always merged.
int shim_proto_match_prepare(struct xtables_match *m);
/// The same for a target; always merges its options.
int shim_target_prepare(struct xtables_target *t, const char *entry_name);
/// An allocated standard target blob naming `label` (a chain, verdict or "" for none).
int shim_standard_target(const char *_Nonnull label, bool set_revision, struct xtables_target *_Nullable *_Nonnull out);
/// Hands option code c to a match / target parser (xtables_option_mpcall/tpcall).
int shim_match_parse(int c, char *_Nullable *_Nonnull argv, bool invert, struct xtables_match *_Nonnull m, void *_Nonnull fw);
/// (The same for the target.)
int shim_target_parse(int c, char *_Nullable *_Nonnull argv, bool invert, struct xtables_target *_Nonnull t, void *_Nonnull fw);
/// Final checks of every match of the rule and of its target.
int shim_final_checks(struct xtables_rule_match *_Nullable list, struct xtables_target *_Nullable t);
/// Frees the per-rule match list and the target blob.
void shim_free_rule(struct xtables_rule_match *_Nullable *_Nonnull list, struct xtables_target *_Nullable t);

/* ---- Parsing helpers of libxtables that may call exit_err ---- */
/// xtables_parse_protocol: a -p name or number into its number.
int shim_parse_protocol(const char *s, uint16_t *out);
/// xtables_parse_interface: an -i/-o name (with `+` wildcard) into name and mask (IFNAMSIZ each).
int shim_parse_interface(const char *arg, char *name, unsigned char *mask);
/// Parses a comma list of host/network[/mask] for the family; addresses and masks are
/// 16-byte slots (IPv4 uses the first 4 bytes), freed with free().
int shim_parse_addresses(uint8_t nfproto, const char *_Nonnull spec,
                         uint8_t *_Nullable *_Nonnull addrs, uint8_t *_Nullable *_Nonnull masks, unsigned int *_Nonnull count);
/// The IPv4 shortcut Addresses.parse tries before shim_parse_addresses (fast_parse.c):
/// a -s/-d word that is one plain dotted quad, optionally with "/bits" (every number
/// decimal without a leading zero: bytes 0-255, bits 0-32). Fills the 4-byte address (masked, as
/// xtables_ipparse_multiple leaves it) and mask in network order; false for anything
/// else (names, lists, other bases, dotted masks, spaces), which libxtables reads.
bool fast_plain_ipv4(const char *_Nonnull spec, uint8_t *_Nonnull addr, uint8_t *_Nonnull mask);
/// Whether xtables_options_fcheck(name, xflags, table) could report an error (a
/// mandatory option left out; an option given with one it requires missing or one it
/// excludes present). False only when it certainly would not, and the final checks then
/// skip it; true sends them to the real check, which decides (fast_parse.c).
bool fast_fcheck_may_fail(unsigned int xflags, const struct xt_option_entry *_Nonnull table);
/// xtables_options_fcheck with exit_err caught (for tests of the shortcut above).
int shim_options_fcheck(const char *_Nonnull name, unsigned int xflags,
                        const struct xt_option_entry *_Nonnull table);

/* ---- Name tables (name_table.c) ---- */

struct name_table;

/// A table of C-string names, each with a value from 0 to INT32_MAX (chain names for restore's
/// per-line questions: hashed with FNV-1a, probed in place). NULL when out of memory.
struct name_table *_Nullable name_table_new(void);
void name_table_free(struct name_table *_Nullable table);
/// The name's value, or -1 when the name is not in the table.
long name_table_get(const struct name_table *_Nonnull table, const char *_Nonnull name);
/// Sets the name's value (a copy of the name is kept); returns the previous value, -1
/// when the name was new, -2 when memory ran out or the value is out of range (the table
/// is then unchanged).
long name_table_put(struct name_table *_Nonnull table, const char *_Nonnull name, long value);
/// Removes the name; whether it was there.
bool name_table_remove(struct name_table *_Nonnull table, const char *_Nonnull name);
/// How many names the table holds.
size_t name_table_count(const struct name_table *_Nonnull table);

/* ---- Printing through extensions (they print with C stdio) ---- */
/// A match's -L text (its print callback), errors caught.
int shim_match_print(const struct xtables_match *mt, const void *ip,
                     const struct xt_entry_match *m, int numeric);
/// A match's save text (its save callback), errors caught.
int shim_match_save(const struct xtables_match *mt, const void *ip,
                    const struct xt_entry_match *m);
/// A target's -L text (its print callback), errors caught.
int shim_target_print(const struct xtables_target *tt, const void *ip,
                      const struct xt_entry_target *t, int numeric);
/// A target's save text (its save callback), errors caught.
int shim_target_save(const struct xtables_target *tt, const void *ip,
                     const struct xt_entry_target *t);
/// Name fields of the entry blobs (they live in a union Swift reads awkwardly).
const char *shim_match_name(const struct xt_entry_match *m);
/// The revision a match blob records.
uint8_t shim_match_revision(const struct xt_entry_match *m);
/// A match blob's whole size (header and data).
uint16_t shim_match_size(const struct xt_entry_match *m);
/// The target blob's name ("" for a verdict or jump read from the kernel).
const char *shim_target_name(const struct xt_entry_target *t);
/// The revision a target blob records.
uint8_t shim_target_revision(const struct xt_entry_target *t);
/// A target blob's whole size (header and data).
uint16_t shim_target_size(const struct xt_entry_target *t);
/// The entry blob a loaded target is filling for the current rule.
struct xt_entry_target *_Nullable shim_target_blob(const struct xtables_target *_Nonnull t);

/* ---- Entry layout (struct ipt_entry / struct ip6t_entry) ---- */

/// The family-neutral header of a rule. IPv4 addresses use the first 4 bytes.
struct shim_rule_ip {
    uint8_t src[16], dst[16], smsk[16], dmsk[16];
    char iniface[IFNAMSIZ], outiface[IFNAMSIZ];
    unsigned char iniface_mask[IFNAMSIZ], outiface_mask[IFNAMSIZ];
    uint16_t proto;
    uint8_t flags, invflags;
    uint64_t pcnt, bcnt;
};

/// Zeroes an entry header made by shim_entry_scratch.
void shim_entry_clear_header(uint8_t nfproto, void *entry);
/// A zeroed entry header (no matches, no target) to hand to extension parsers as `fw`.
void *shim_entry_scratch(uint8_t nfproto);
/// Writes the header fields (and counters) into an entry of the family's layout.
void shim_entry_set_ip(uint8_t nfproto, void *entry, const struct shim_rule_ip *ip);
/// Reads an entry's header fields (and counters).
void shim_entry_get_ip(uint8_t nfproto, const void *entry, struct shim_rule_ip *ip);
/// A new malloc'd entry: header, each match blob of the list in order, then the target blob.
void *_Nonnull shim_entry_build(uint8_t nfproto, const struct shim_rule_ip *_Nonnull ip,
                       const struct xtables_rule_match *_Nullable list, const struct xt_entry_target *_Nonnull t);
/// The comparison mask libiptc's delete/check use (header, userspacesize of each part).
unsigned char *_Nonnull shim_entry_mask(uint8_t nfproto, const struct xtables_rule_match *_Nullable list,
                               const struct xtables_target *_Nonnull t);
/// The i-th match of an entry, NULL past the last.
const struct xt_entry_match *_Nullable shim_entry_match(uint8_t nfproto, const void *_Nonnull entry, unsigned int i);
/// An entry's target blob.
const struct xt_entry_target *shim_entry_target(uint8_t nfproto, const void *entry);
/// The whole size of an entry (its next_offset).
size_t shim_entry_size(uint8_t nfproto, const void *_Nonnull entry);
/// Whether `size` bytes hold one whole entry of the family: header, matches that tile up
/// to the target, a target that ends where the entry does.
bool shim_entry_fits(uint8_t nfproto, const void *_Nonnull entry, size_t size);
/// Blanks the target's name (a verdict or jump is stored under the standard target's "").
void shim_entry_clear_target_name(uint8_t nfproto, void *_Nonnull entry);
/// Whether two entries are the same rule as -C compares them (header, then each match and
/// the target by name, revision and userspace size); counters too when asked. A standard
/// target compares equal here: the caller compares libiptc's labels (verdict or chain).
bool shim_entries_equivalent(uint8_t nfproto, const void *_Nonnull a, const void *_Nonnull b, bool counters);
/// Whether two entries are the same rule as libiptc's delete and check compare them
/// (header and offsets, then the bytes of matches and target the mask selects).
bool shim_entry_same(uint8_t nfproto, const void *_Nonnull a, const void *_Nonnull b,
                     const unsigned char *_Nonnull mask);
/// Names the target of an entry (a verdict or chain label under the standard target).
void shim_entry_set_target_name(uint8_t nfproto, void *_Nonnull entry, const char *_Nonnull name);
/// Sets an entry's packet and byte counters.
void shim_entry_set_counters(uint8_t nfproto, void *_Nonnull entry, uint64_t packets, uint64_t bytes);

/* ---- libiptc / libip6tc behind one table of functions ---- */

struct shim_tc {
    struct xtc_handle *_Nullable (*_Nonnull open)(const char *_Nonnull table);
    int (*commit)(struct xtc_handle *h);
    void (*release)(struct xtc_handle *h);
    const char *_Nullable (*_Nonnull first_chain)(struct xtc_handle *_Nonnull h);
    const char *_Nullable (*_Nonnull next_chain)(struct xtc_handle *_Nonnull h);
    const void *_Nullable (*_Nonnull first_rule)(const char *_Nonnull chain, struct xtc_handle *_Nonnull h);
    const void *_Nullable (*_Nonnull next_rule)(const void *_Nonnull prev, struct xtc_handle *_Nonnull h);
    const char *_Nonnull (*_Nonnull get_target)(const void *_Nonnull e, struct xtc_handle *_Nonnull h);
    int (*is_chain)(const char *chain, struct xtc_handle *h);
    int (*builtin)(const char *chain, struct xtc_handle *h);
    const char *_Nullable (*_Nonnull get_policy)(const char *_Nonnull chain, struct xt_counters *_Nonnull c, struct xtc_handle *_Nonnull h);
    int (*get_references)(unsigned int *refs, const char *chain, struct xtc_handle *h);
    int (*append)(const char *chain, const void *e, struct xtc_handle *h);
    int (*insert)(const char *chain, const void *e, unsigned int num, struct xtc_handle *h);
    int (*replace)(const char *chain, const void *e, unsigned int num, struct xtc_handle *h);
    int (*delete_entry)(const char *chain, const void *e, unsigned char *mask, struct xtc_handle *h);
    int (*delete_num)(const char *chain, unsigned int num, struct xtc_handle *h);
    int (*check)(const char *chain, const void *e, unsigned char *mask, struct xtc_handle *h);
    int (*flush)(const char *chain, struct xtc_handle *h);
    int (*zero)(const char *chain, struct xtc_handle *h);
    int (*zero_counter)(const char *chain, unsigned int num, struct xtc_handle *h);
    struct xt_counters *_Nullable (*_Nonnull read_counter)(const char *_Nonnull chain, unsigned int num, struct xtc_handle *_Nonnull h);
    int (*set_counter)(const char *chain, unsigned int num, struct xt_counters *c, struct xtc_handle *h);
    int (*create_chain)(const char *chain, struct xtc_handle *h);
    int (*delete_chain)(const char *chain, struct xtc_handle *h);
    int (*rename_chain)(const char *old, const char *newname, struct xtc_handle *h);
    int (*_Nonnull set_policy)(const char *_Nonnull chain, const char *_Nonnull policy, struct xt_counters *_Nullable c, struct xtc_handle *_Nonnull h);
    const char *_Nonnull (*_Nonnull strerror)(int err);
    /// libiptc's debugging dump of the whole table (iptables -vv).
    void (*dump)(struct xtc_handle *h);
};

/// The libiptc (NFPROTO_IPV4) or libip6tc (NFPROTO_IPV6) function table.
const struct shim_tc *shim_tc_for(uint8_t nfproto);

/// libxtables' table of protocol names it knows without /etc/protocols (NULL-terminated).
const struct xtables_pprot *shim_chain_protos(void);

/* ---- Counters as iptables reads them (sscanf is variadic: Swift cannot call it) ---- */
/// `sscanf(text, "[%llu:%llu]")` converting both numbers: restore's policy counters.
int shim_scan_policy_counters(const char *text, uint64_t *packets, uint64_t *bytes);
/// `sscanf(text, "%llu")` converting one number: -c and --set-counters.
int shim_scan_counter(const char *text, uint64_t *value);

/* ---- Capturing extension output ---- */
/// Points C stdout at a memory stream until shim_capture_end (extensions print with
/// printf); -1 when a capture is already running or no stream could be made.
int shim_capture_begin(void);
/// Puts C stdout back; returns the captured bytes (malloc'd, free() them) and their length.
char *_Nullable shim_capture_end(size_t *_Nonnull length);

/* ---- exit() called by a plugin ---- */
/// Whether an exit() inside a guarded call is caught as an error (true, the default: a
/// library user's process must not end) or ends the process as in iptables (the tools).
void shim_contain_exit(bool contained);

/* ---- Switching family ---- */
/// Unloads every plugin and forgets libxtables' extension lists and our merged option
/// tables, so that shim_init can set libxtables up for the other family.
void shim_forget_extensions(void);

/* ---- stdio ---- */
/// Writes bytes to C stdout (the stream extensions print to), keeping output order.
void shim_out(const char *s, size_t n);
/// Writes bytes to C stderr, C stdout flushed first (iptables' order of the two).
void shim_err(const char *s, size_t n);
/// Flushes C stdout.
void shim_flush(void);

#pragma clang assume_nonnull end

#endif
