/* match/match_int.h: what the files of the match module share (private).
** load.c fills rules and patterns, cond.c parses and evaluates conditions,
** compile.c decides tiers and builds databases (and the disk cache),
** matcher.c scans and runs inline tests, holder.c reloads. */
#ifndef WSP_MATCH_INT_H
#define WSP_MATCH_INT_H

#include "match/rules.h"

#include <stdatomic.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs/hs.h>
#include <pcre2.h>

/* Compiled condition: postfix program over the rule's pattern-hit bitset. */
enum { WSP_COP_PAT, WSP_COP_NOT, WSP_COP_AND, WSP_COP_OR, WSP_COP_NOF };
typedef struct wsp_cop {
  uint8_t op;
  uint32_t n;    /* NOF: threshold */
  uint64_t mask; /* PAT: one bit; NOF: the set */
} wsp_cop;

#define WSP_COND_MAX_OPS 512
#define WSP_COND_MAX_LEN 4096

typedef struct wsp_cond {
  wsp_cop *ops;
  size_t nops;
  uint64_t used; /* patterns the condition mentions */
} wsp_cond;

/* Parse src against the pattern names (npat <= 64). On error returns
** WSP_RULES with *errpos = byte offset in src and msg filled. */
wsp_rc wsp__cond_parse(const char *src, const char *const *names, size_t npat,
                       wsp_cond *c, size_t *errpos, char *msg, size_t msgsz);
int wsp__cond_eval(const wsp_cond *c, uint64_t hits);
void wsp__cond_cleanup(wsp_cond *c);

typedef struct wsp_rule_int {
  wsp_rule_info info; /* strings owned by the set's arena */
  wsp_cond cond;
} wsp_rule_int;

typedef struct wsp_pattern_int {
  wsp_pattern_info info;
  const char *const *words; /* words: literals, whitespace runs as one ' ' */
  size_t nwords;
  int lit_derived; /* regex matched through the literal database */
  uint32_t hs_flags;
  uint32_t pcre_flags;
  unsigned local; /* index inside the rule */
  pcre2_code *re; /* always compiled (validation, confirm, spans); never
                     modified after load, so threads may share it */
  _Atomic(pcre2_code *) jit; /* JIT-compiled copy made on first use (JIT
                                compile of every pattern at load would be
                                most of the warm load time); CAS-published */
} wsp_pattern_int;

/* Bump allocator for strings and arrays that live as long as the set. */
typedef struct wsp_arena_chunk wsp_arena_chunk;
typedef struct wsp_arena {
  wsp_arena_chunk *head;
} wsp_arena;
void *wsp__arena_alloc(wsp_arena *a, size_t n);
char *wsp__arena_strndup(wsp_arena *a, const char *s, size_t n);
void wsp__arena_cleanup(wsp_arena *a);

/* One literal of a words: pattern in the literal database. Hyperscan reports
** its end; the boundary checks (\b semantics, ASCII) are done by the matcher
** because \b and \s+ make Hyperscan compile 40x slower than pure literals. */
typedef struct wsp_lit {
  const char *str;  /* the literal (set's arena) */
  uint32_t pattern; /* global pattern index */
  uint32_t len;     /* bytes */
  uint8_t lb, rb;   /* need a word boundary before / after */
  uint8_t ws_exact; /* from a regex and contains a space: a hit in a
                       rewritten (canonical) view must be confirmed */
} wsp_lit;

typedef struct wsp_litstr {
  const char *s;
  uint8_t lb, rb;
} wsp_litstr;

/* literals.c: if re is a finite literal set (see there), write up to max
** expansions to out (strings in a) and return how many; else 0. */
size_t wsp__regex_literals(const char *re, wsp_arena *a, wsp_litstr *out,
                           size_t max);

struct wsp_rules {
  atomic_long refs;
  int compiled;
  wsp_arena arena;
  wsp_rule_int *rules;
  size_t nrules, caprules;
  wsp_pattern_int *pats;
  size_t npats, cappats;
  size_t nfiles;
  /* compiled state */
  hs_database_t *db;    /* regexes (exact + prefilter); may be NULL */
  hs_database_t *litdb; /* words literals, scanned over the whitespace-
                           canonical view; ids index lits; may be NULL */
  wsp_lit *lits;
  size_t nlits;
  hs_scratch_t *proto_scratch;
  uint32_t *pcre_only; /* global indices of PCRE_ONLY patterns */
  size_t npcre_only;
  int cache_hit;
  double compile_ms;
  void *idindex; /* rule id hash table (load.c) */
};

/* ASCII letter, digit or '_' (what \b calls a word character). */
int wsp__is_word_byte(unsigned char c);

wsp_rc wsp__rules_index_new(wsp_rules *r);
void wsp__rules_index_free(wsp_rules *r);

/* pcre2 compile of one pattern; on failure fills msg and *erroff. */
wsp_rc wsp__pattern_pcre(wsp_pattern_int *p, char *msg, size_t msgsz,
                         size_t *erroff);

#endif
