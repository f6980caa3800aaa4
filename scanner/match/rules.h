/* match/rules.h: the rule engine. Loads YAML rule packs (schema waspada/1,
** see DESIGN.md "Rule packs" and README "Rules"), compiles every pattern of
** every active rule into one Hyperscan block-mode database (with PCRE2 for
** confirmation, spans and what Hyperscan cannot do), and matches texts.
**
** Life cycle of a rule set:
**   wsp_rules_new -> wsp_rules_add_path / wsp_rules_add_buffer (YAML parsed,
**   validated, linted; every finding goes to a wsp_diag_fn) ->
**   wsp_rules_compile (tiers decided, databases built or loaded from the
**   disk cache) -> immutable: share it with any number of threads, each with
**   its own wsp_matcher.  wsp_rules_build does all of it in one call.
**
** Tiers (per pattern, reported by wsp_pattern_info.tier):
**   EXACT      Hyperscan decides the hit; PCRE2 runs only for spans, and
**              only for patterns of rules whose condition is true.
**   PREFILTER  Hyperscan (HS_FLAG_PREFILTER) finds candidates, PCRE2 (JIT)
**              confirms each candidate. Used when Hyperscan rejects the
**              pattern (back-references, lookaround, atomic groups ...). The
**              prefilter compile of each such pattern is first tried alone
**              in a forked child process with a timeout
**              (opts.prefilter_timeout_ms) so that a hostile pattern cannot
**              stall loading; a pattern that fails or times out there
**              becomes PCRE_ONLY.
**   PCRE_ONLY  PCRE2 runs on every text (\K, \G, callouts, recursion ...).
** Spans come from PCRE2 (never Hyperscan start-of-match mode) and are byte
** offsets into the text given to wsp_matcher_scan.
**
** Literal database: the literals of `words:` lists, and regexes that are
** just finite literal sets (`\b(modus|korban|non ?prosedural)\b`, see
** match/literals.c), go into a second Hyperscan database of pure literals
** (tens of times faster to compile than alternations with \b); the matcher
** checks the word boundaries itself (\b semantics: ASCII letters, digits,
** '_'). That database scans a view of the text where every ASCII whitespace
** run is one space, so a space in a words: literal matches any whitespace
** run; a literal with a space that came from a regex is confirmed by PCRE2
** when the view differs from the text. Literal matching is caseless for
** ASCII only (rules see case-folded, normalised text). Both kinds report
** tier EXACT.
**
** Rule status: experimental (compiled and reported; the verdict should give
** it zero weight: shadow mode), test (compiled and reported; the verdict may
** weight it down while precision is measured), stable (full weight),
** deprecated (loaded and validated but not compiled: never hits, inline tests
** not run).
**
** Disk cache: the compiled Hyperscan database and the tier of every pattern
** are stored in <cache dir>/<key>.hsdb, key = hash of every pattern
** expression and flags, the Hyperscan and PCRE2 versions and the platform
** (hs_populate_platform). The file carries a checksum; a corrupt, truncated or
** stale file is ignored (logged) and rebuilt. Cache dir: opts.cache_dir, else
** $WSP_CACHE_DIR, else $XDG_CACHE_HOME/waspada, else $HOME/.cache/waspada. An
** unwritable cache dir only logs a warning.
**
** Reload: a wsp_rules is reference counted. wsp_rules_holder keeps the
** current set; wsp_rules_holder_reload builds a new set while the old one is
** in use and swaps it in only on success. Workers compare
** wsp_rules_holder_generation with the generation of their matcher and make a
** new matcher (from wsp_rules_holder_get) when it changed.
**
** Threading: building a set is single-threaded (one builder at a time per
** set); a compiled set is read-only and thread-safe. A wsp_matcher belongs to
** one thread. The holder is thread-safe. Nothing here prints: findings go to
** the wsp_diag_fn, events to WSP_LOG. */
#ifndef WSP_MATCH_RULES_H
#define WSP_MATCH_RULES_H

#include "core/error.h"
#include "text/entities.h" /* WSP_ENTITY_KINDS: the kinds `extract:` names */

#include <stddef.h>
#include <stdint.h>

/* The fixed category vocabulary (rules/README.md documents each). */
#define WSP_CATEGORIES(X)                                                      \
  X(recruitment_fee)                                                           \
  X(high_pay_no_skill)                                                         \
  X(fast_departure)                                                            \
  X(document_irregularity)                                                     \
  X(visa_misuse)                                                               \
  X(contact_offplatform)                                                       \
  X(destination_risk)                                                          \
  X(scam_compound_job)                                                         \
  X(task_scam)                                                                 \
  X(advance_fee)                                                               \
  X(minors_targeting)                                                          \
  X(ship_crew)                                                                 \
  X(warning_or_news)

typedef enum {
#define WSP_X(name) WSP_CAT_##name,
  WSP_CATEGORIES(WSP_X)
#undef WSP_X
      WSP_CAT__COUNT
} wsp_category;

#define WSP_RULE_STATUSES(X)                                                   \
  X(EXPERIMENTAL, "experimental")                                              \
  X(TEST, "test")                                                              \
  X(STABLE, "stable")                                                          \
  X(DEPRECATED, "deprecated")

typedef enum {
#define WSP_X(name, str) WSP_STATUS_##name,
  WSP_RULE_STATUSES(WSP_X)
#undef WSP_X
      WSP_STATUS__COUNT
} wsp_rule_status;

typedef enum {
  WSP_TIER_NONE = 0, /* not compiled (deprecated rule, or before compile) */
  WSP_TIER_EXACT,
  WSP_TIER_PREFILTER,
  WSP_TIER_PCRE_ONLY,
  WSP_TIER__COUNT
} wsp_tier;

typedef enum { WSP_PATTERN_WORDS, WSP_PATTERN_REGEX } wsp_pattern_kind;

/* Names: "recruitment_fee" ..., "stable" ..., "exact"/"prefilter"/
** "pcre_only"/"none"; NULL for out-of-range values. Lookups return -1 for an
** unknown name. */
const char *wsp_category_name(wsp_category c);
int wsp_category_lookup(const char *name);
const char *wsp_rule_status_name(wsp_rule_status s);
int wsp_rule_status_lookup(const char *name);
const char *wsp_tier_name(wsp_tier t);
/* Entity kind by name ("phone", ...) or -1 (names of WSP_ENTITY_KINDS). */
int wsp_extract_kind_lookup(const char *name);
const char *wsp_extract_kind_name(int kind);

/* Hard limits on hostile rule files. */
#define WSP_RULES_MAX_FILE (8u << 20)   /* bytes per file */
#define WSP_RULES_MAX_DEPTH 32          /* YAML nesting */
#define WSP_RULES_MAX_NODES 1000000     /* YAML nodes per file */
#define WSP_RULES_MAX_RULES 20000       /* rules per set */
#define WSP_RULES_MAX_PATTERNS 64       /* patterns per rule */
#define WSP_RULES_MAX_WORDS 4096        /* literals per words: pattern */
#define WSP_RULES_MAX_PATTERN_LEN 32768 /* bytes of one expression */
#define WSP_RULES_MAX_TESTS 256         /* inline tests per rule */
#define WSP_RULES_MAX_FILES 10000       /* files found under directories */
#define WSP_MATCH_MAX_TEXT (64u << 20)  /* bytes per scanned text */
#define WSP_MATCH_MAX_SPANS 16          /* spans kept per pattern and text */

/* ---- diagnostics ------------------------------------------------------ */

typedef enum { WSP_DIAG_WARNING, WSP_DIAG_ERROR } wsp_diag_severity;

typedef struct wsp_diag {
  wsp_diag_severity severity;
  const char *file; /* as given (path or buffer name) */
  unsigned line;    /* 1-based; 0 if not tied to a position */
  unsigned col;     /* 1-based; 0 if unknown */
  const char *message;
} wsp_diag;

/* Receives each finding; the struct and strings are valid during the call.
** Format for humans as "file:line:col: error: message". */
typedef void (*wsp_diag_fn)(void *ud, const wsp_diag *d);

/* ---- rule and pattern metadata ---------------------------------------- */

typedef struct wsp_rule_info {
  const char *id, *title, *description; /* description may be "" */
  const char *file;                     /* file the rule came from */
  unsigned line;                        /* line of the rule */
  unsigned rev;
  wsp_category category;
  wsp_rule_status status;
  double score;
  const char *const *lang; /* nlang codes, e.g. "id", "en" */
  size_t nlang;
  const char *const *references;
  size_t nreferences;
  size_t first_pattern, npatterns; /* global pattern indices */
  const char *condition;           /* source text */
  const char *const *tests_match;  /* inline tests */
  size_t ntests_match;
  const char *const *tests_no_match;
  size_t ntests_no_match;
} wsp_rule_info;

typedef struct wsp_pattern_info {
  const char *name; /* name inside its rule */
  size_t rule;      /* rule index */
  wsp_pattern_kind kind;
  const char *source;     /* regex, or the literals joined with " | " */
  const char *expression; /* what is compiled (both engines) */
  int extract;            /* wsp_entity_kind, or -1 */
  int caseless;
  wsp_tier tier; /* set by wsp_rules_compile */
  unsigned line, col;
} wsp_pattern_info;

typedef struct wsp_rules_stats {
  size_t rules, rules_active, patterns, files;
  size_t tier[WSP_TIER__COUNT]; /* patterns per tier */
  int cache_hit;                /* 1 if the database came from disk */
  double compile_ms;            /* time spent in wsp_rules_compile */
} wsp_rules_stats;

/* ---- building a rule set ---------------------------------------------- */

typedef struct wsp_rules wsp_rules;

typedef struct wsp_rules_opts {
  const char *cache_dir;         /* NULL: default (see above) */
  int no_cache;                  /* nonzero: neither read nor write */
  unsigned prefilter_timeout_ms; /* 0: 2000 */
  unsigned test_prefilter_delay; /* test hook: child sleeps this many ms */
} wsp_rules_opts;

/* New empty set (refcount 1). WSP_NOMEM. */
wsp_rc wsp_rules_new(wsp_rules **out);
/* Drop one reference; frees at zero. NULL is a no-op. Thread-safe. */
void wsp_rules_free(wsp_rules *r);
/* Take one more reference; returns r. Thread-safe. */
wsp_rules *wsp_rules_retain(wsp_rules *r);

/* Load a YAML file, or every *.yaml / *.yml file under a directory
** (recursively, sorted by name). Every finding goes to diag (may be NULL).
** Returns WSP_OK if no error was found (warnings allowed), WSP_RULES if any
** error was (the rules of a file with errors are not added), WSP_IO /
** WSP_NOTFOUND if the path cannot be read, WSP_NOMEM. Only before compile. */
wsp_rc wsp_rules_add_path(wsp_rules *r, const char *path, wsp_diag_fn diag,
                          void *ud);
/* Same for a buffer (need not be NUL-terminated); name is used in
** diagnostics. */
wsp_rc wsp_rules_add_buffer(wsp_rules *r, const char *name, const char *data,
                            size_t len, wsp_diag_fn diag, void *ud);

/* Decide tiers and build (or load from cache) the databases. Afterwards the
** set is immutable. opts may be NULL. WSP_COMPILE (detail in err), WSP_NOMEM.
** Calling it twice is WSP_INVAL. */
wsp_rc wsp_rules_compile(wsp_rules *r, const wsp_rules_opts *opts,
                         wsp_err *err);

/* Load every path and compile. On any load error returns WSP_RULES and *out
** is NULL (err says how many errors). */
wsp_rc wsp_rules_build(const char *const *paths, size_t npaths,
                       const wsp_rules_opts *opts, wsp_diag_fn diag, void *ud,
                       wsp_rules **out, wsp_err *err);

/* Metadata; pointers valid as long as the set. Out-of-range index: NULL. */
size_t wsp_rules_count(const wsp_rules *r);
const wsp_rule_info *wsp_rules_rule(const wsp_rules *r, size_t i);
size_t wsp_rules_pattern_count(const wsp_rules *r);
const wsp_pattern_info *wsp_rules_pattern(const wsp_rules *r, size_t i);
/* Rule index by id, or -1. */
long wsp_rules_find(const wsp_rules *r, const char *id);
void wsp_rules_get_stats(const wsp_rules *r, wsp_rules_stats *st);

/* ---- matching ---------------------------------------------------------- */

typedef struct wsp_matcher wsp_matcher;

typedef struct wsp_match_span {
  size_t pattern;    /* global pattern index (wsp_rules_pattern) */
  size_t start, end; /* byte offsets into the scanned text */
} wsp_match_span;

typedef struct wsp_rule_hit {
  size_t rule;         /* rule index (wsp_rules_rule) */
  size_t first, count; /* its spans: result.spans[first .. first+count) */
  uint64_t patterns;   /* bit i: the rule's pattern i matched */
} wsp_rule_hit;

typedef struct wsp_scan_stats {
  size_t hs_hits;       /* patterns reported by Hyperscan */
  size_t pcre_confirms; /* PCRE2 runs to confirm prefilter hits */
  size_t pcre_only;     /* PCRE2 runs for PCRE_ONLY patterns */
  size_t pcre_spans;    /* PCRE2 runs for spans */
  size_t rules_evaluated;
  int sanitized; /* invalid UTF-8 was masked for the engines */
} wsp_scan_stats;

typedef struct wsp_scan_result {
  const wsp_rule_hit *hits; /* rules whose condition held, by rule index */
  size_t nhits;
  const wsp_match_span *spans;
  size_t nspans;
  wsp_scan_stats stats;
} wsp_scan_result;

/* Per-thread matcher for a compiled set (takes a reference on r). */
wsp_rc wsp_matcher_new(const wsp_rules *r, wsp_matcher **out);
void wsp_matcher_free(wsp_matcher *m);
/* The set this matcher was made for. */
const wsp_rules *wsp_matcher_rules(const wsp_matcher *m);

/* Match text[0..len) (any bytes; invalid UTF-8 is masked internally with
** offsets kept). res points into m and is valid until the next scan or
** wsp_matcher_free. WSP_TOOBIG past WSP_MATCH_MAX_TEXT, WSP_MATCH if an engine
** fails, WSP_NOMEM. */
wsp_rc wsp_matcher_scan(wsp_matcher *m, const char *text, size_t len,
                        wsp_scan_result *res);

/* The same in two steps, so spans are only paid for posts that need them
** (e.g. flagged ones): scan_hits fills hits (count 0, no spans);
** wsp_matcher_spans then adds the spans of those hits. Between the two calls
** the text passed to scan_hits must stay valid and unchanged. */
wsp_rc wsp_matcher_scan_hits(wsp_matcher *m, const char *text, size_t len,
                             wsp_scan_result *res);
wsp_rc wsp_matcher_spans(wsp_matcher *m, wsp_scan_result *res);

/* ---- inline tests ------------------------------------------------------ */

/* Turns an inline test text into what the rules see (e.g. normalisation).
** *out must stay valid until the next call on the same ud. */
typedef wsp_rc (*wsp_text_transform_fn)(void *ud, const char *in, size_t len,
                                        const char **out, size_t *out_len);
/* Called for each failed inline test (expect_match: 1 for tests.match). */
typedef void (*wsp_test_fail_fn)(void *ud, const wsp_rule_info *rule,
                                 int expect_match, size_t index,
                                 const char *text);

/* Run tests.match / tests.no_match of every non-deprecated rule through
** transform (NULL: identity) and m; a test passes when the rule fires
** (match) or does not (no_match). Counts are added to *passed / *failed. */
wsp_rc wsp_rules_run_tests(const wsp_rules *r, wsp_matcher *m,
                           wsp_text_transform_fn transform, void *tud,
                           wsp_test_fail_fn on_fail, void *fud, size_t *passed,
                           size_t *failed);

/* ---- reload ------------------------------------------------------------ */

typedef struct wsp_rules_holder wsp_rules_holder;

/* Holder of the current set; takes the caller's reference on initial
** (which may be NULL). */
wsp_rc wsp_rules_holder_new(wsp_rules *initial, wsp_rules_holder **out);
void wsp_rules_holder_free(wsp_rules_holder *h);
/* Current set with a reference taken (release with wsp_rules_free), or NULL.
** *generation (if non-NULL) receives its generation number. */
wsp_rules *wsp_rules_holder_get(wsp_rules_holder *h, uint64_t *generation);
uint64_t wsp_rules_holder_generation(wsp_rules_holder *h);
/* Install r (reference taken over); the old set is released (it lives on
** while matchers still hold it). */
void wsp_rules_holder_swap(wsp_rules_holder *h, wsp_rules *r);
/* Build a new set from paths and swap it in. On any failure the current set
** stays and the error is returned. */
wsp_rc wsp_rules_holder_reload(wsp_rules_holder *h, const char *const *paths,
                               size_t npaths, const wsp_rules_opts *opts,
                               wsp_diag_fn diag, void *ud, wsp_err *err);

#endif
