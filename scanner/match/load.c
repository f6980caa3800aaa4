/* match/load.c: YAML rule packs -> rules and patterns of a wsp_rules.
**
** The file is read with libyaml's event parser into a small tree that keeps
** the line:column of every node; aliases are refused and nesting, node count
** and file size are bounded, so hostile files fail cleanly. The tree is then
** validated against schema waspada/1: every error of the file is reported
** (file:line:col, with a did-you-mean for misspelt keys and values); lint
** findings are warnings. A file with any error adds no rule. Owns nothing
** beyond the call; writes into the set being built (single-threaded). */
#include "match/match_int.h"

#include "core/alloc.h"
#include "core/buf.h"
#include "core/hash.h"
#include "core/log.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

/* ---- names ------------------------------------------------------------- */

static const char *const cat_names[] = {
#define WSP_X(name) #name,
    WSP_CATEGORIES(WSP_X)
#undef WSP_X
};
static const char *const status_names[] = {
#define WSP_X(name, str) str,
    WSP_RULE_STATUSES(WSP_X)
#undef WSP_X
};
static const char *const kind_names[] = {
#define WSP_X(name, str) str,
    WSP_ENTITY_KINDS(WSP_X)
#undef WSP_X
};
static const char *const tier_names[] = {"none", "exact", "prefilter",
                                         "pcre_only"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int lookup(const char *const *tab, size_t n, const char *name)
{
  for (size_t i = 0; name && i < n; i++)
    if (strcmp(tab[i], name) == 0)
      return (int)i;
  return -1;
}

const char *wsp_category_name(wsp_category c)
{
  return (unsigned)c < NELEM(cat_names) ? cat_names[c] : NULL;
}
int wsp_category_lookup(const char *name)
{
  return lookup(cat_names, NELEM(cat_names), name);
}
const char *wsp_rule_status_name(wsp_rule_status s)
{
  return (unsigned)s < NELEM(status_names) ? status_names[s] : NULL;
}
int wsp_rule_status_lookup(const char *name)
{
  return lookup(status_names, NELEM(status_names), name);
}
const char *wsp_tier_name(wsp_tier t)
{
  return (unsigned)t < NELEM(tier_names) ? tier_names[t] : NULL;
}
int wsp_extract_kind_lookup(const char *name)
{
  return lookup(kind_names, NELEM(kind_names), name);
}
const char *wsp_extract_kind_name(int kind)
{
  return kind >= 0 && (size_t)kind < NELEM(kind_names) ? kind_names[kind]
                                                       : NULL;
}

/* ---- arena -------------------------------------------------------------- */

struct wsp_arena_chunk {
  wsp_arena_chunk *next;
  size_t used, cap;
  max_align_t data[];
};

void *wsp__arena_alloc(wsp_arena *a, size_t n)
{
  n = (n + 15) & ~(size_t)15;
  wsp_arena_chunk *c = a->head;
  if (!c || c->cap - c->used < n) {
    size_t cap = n > 60000 ? n : 60000;
    c = wsp_malloc(sizeof(*c) + cap);
    if (!c)
      return NULL;
    c->cap = cap;
    c->used = 0;
    c->next = a->head;
    a->head = c;
  }
  void *p = (char *)c->data + c->used;
  c->used += n;
  return p;
}

char *wsp__arena_strndup(wsp_arena *a, const char *s, size_t n)
{
  char *p = wsp__arena_alloc(a, n + 1);
  if (p) {
    memcpy(p, s, n);
    p[n] = 0;
  }
  return p;
}

void wsp__arena_cleanup(wsp_arena *a)
{
  while (a->head) {
    wsp_arena_chunk *n = a->head->next;
    wsp_free(a->head);
    a->head = n;
  }
}

/* ---- YAML tree ---------------------------------------------------------- */

enum { N_SCALAR, N_SEQ, N_MAP };

typedef struct ynode ynode;
struct ynode {
  int type;
  int plain; /* scalar written without quotes */
  unsigned line, col;
  const char *str; /* scalar value, NUL-terminated */
  size_t len;
  ynode *first, *last, *next;
  size_t nkids;
};

typedef struct loader {
  wsp_rules *r;
  const char *file;
  wsp_diag_fn diag;
  void *ud;
  wsp_arena tmp; /* tree; freed after the file */
  size_t nodes;
  size_t errors, warnings;
  int nomem;
} loader;

__attribute__((format(printf, 5, 6))) static void
report(loader *L, wsp_diag_severity sev, unsigned line, unsigned col,
       const char *fmt, ...)
{
  char msg[768];
  va_list ap;
  wsp_diag d;

  if (sev == WSP_DIAG_ERROR)
    L->errors++;
  else
    L->warnings++;
  if (!L->diag)
    return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  d.severity = sev;
  d.file = L->file;
  d.line = line;
  d.col = col;
  d.message = msg;
  L->diag(L->ud, &d);
}

#define ERR(L, n, ...)                                                         \
  report(L, WSP_DIAG_ERROR, (n)->line, (n)->col, __VA_ARGS__)
#define WARN(L, n, ...)                                                        \
  report(L, WSP_DIAG_WARNING, (n)->line, (n)->col, __VA_ARGS__)

static ynode *node_new(loader *L, int type, const yaml_mark_t *m)
{
  ynode *n = wsp__arena_alloc(&L->tmp, sizeof(*n));
  if (!n) {
    L->nomem = 1;
    return NULL;
  }
  memset(n, 0, sizeof(*n));
  n->type = type;
  n->line = (unsigned)m->line + 1;
  n->col = (unsigned)m->column + 1;
  return n;
}

static void node_add(ynode *parent, ynode *kid)
{
  if (parent->last)
    parent->last->next = kid;
  else
    parent->first = kid;
  parent->last = kid;
  parent->nkids++;
}

/* Parse data into a tree; NULL after reporting an error. */
static ynode *yaml_tree(loader *L, const char *data, size_t len)
{
  yaml_parser_t parser;
  yaml_event_t ev;
  ynode *stack[WSP_RULES_MAX_DEPTH + 1];
  int depth = 0, docs = 0, done = 0, ok = 1;
  ynode *root = NULL;

  if (!yaml_parser_initialize(&parser)) {
    L->nomem = 1;
    return NULL;
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
  while (!done) {
    if (!yaml_parser_parse(&parser, &ev)) {
      const yaml_mark_t *m =
          parser.problem_mark.line || parser.problem_mark.column
              ? &parser.problem_mark
              : &parser.context_mark;
      if (parser.error == YAML_MEMORY_ERROR)
        L->nomem = 1;
      report(L, WSP_DIAG_ERROR, (unsigned)m->line + 1, (unsigned)m->column + 1,
             "YAML: %s%s%s", parser.problem ? parser.problem : "syntax error",
             parser.context ? " " : "", parser.context ? parser.context : "");
      ok = 0;
      break;
    }
    ynode *n = NULL;
    switch (ev.type) {
    case YAML_STREAM_END_EVENT:
      done = 1;
      break;
    case YAML_DOCUMENT_START_EVENT:
      if (++docs > 1) {
        report(L, WSP_DIAG_ERROR, (unsigned)ev.start_mark.line + 1,
               (unsigned)ev.start_mark.column + 1,
               "only one YAML document per rule file");
        ok = 0;
        done = 1;
      }
      break;
    case YAML_ALIAS_EVENT:
      report(L, WSP_DIAG_ERROR, (unsigned)ev.start_mark.line + 1,
             (unsigned)ev.start_mark.column + 1,
             "YAML aliases are not allowed in rule files");
      ok = 0;
      done = 1;
      break;
    case YAML_SCALAR_EVENT:
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
      if (++L->nodes > WSP_RULES_MAX_NODES) {
        report(L, WSP_DIAG_ERROR, (unsigned)ev.start_mark.line + 1,
               (unsigned)ev.start_mark.column + 1,
               "more than %d YAML nodes in one file", WSP_RULES_MAX_NODES);
        ok = 0;
        done = 1;
        break;
      }
      n = node_new(L,
                   ev.type == YAML_SCALAR_EVENT           ? N_SCALAR
                   : ev.type == YAML_SEQUENCE_START_EVENT ? N_SEQ
                                                          : N_MAP,
                   &ev.start_mark);
      if (!n) {
        ok = 0;
        done = 1;
        break;
      }
      if (ev.type == YAML_SCALAR_EVENT) {
        n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        n->len = ev.data.scalar.length;
        n->str = wsp__arena_strndup(&L->tmp, (const char *)ev.data.scalar.value,
                                    n->len);
        if (!n->str) {
          L->nomem = 1;
          ok = 0;
          done = 1;
          break;
        }
      }
      if (depth == 0)
        root = n;
      else
        node_add(stack[depth - 1], n);
      if (n->type != N_SCALAR) {
        if (depth >= WSP_RULES_MAX_DEPTH) {
          report(L, WSP_DIAG_ERROR, n->line, n->col,
                 "YAML nested deeper than %d levels", WSP_RULES_MAX_DEPTH);
          ok = 0;
          done = 1;
          break;
        }
        stack[depth++] = n;
      }
      break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
      if (depth > 0)
        depth--;
      break;
    default:
      break;
    }
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&parser);
  return ok ? root : NULL;
}

/* ---- schema helpers ----------------------------------------------------- */

static size_t edit_distance(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b);
  size_t prev[65], cur[65];

  if (la > 64 || lb > 64)
    return 99;
  for (size_t j = 0; j <= lb; j++)
    prev[j] = j;
  for (size_t i = 1; i <= la; i++) {
    cur[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
      size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
    }
    memcpy(prev, cur, (lb + 1) * sizeof(size_t));
  }
  return prev[lb];
}

/* Closest of names to s within a small distance, or NULL. */
static const char *did_you_mean(const char *s, const char *const *names,
                                size_t n)
{
  const char *best = NULL;
  size_t bd = 99, len = strlen(s);
  size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;

  for (size_t i = 0; i < n; i++) {
    size_t d = edit_distance(s, names[i]);
    if (d < bd) {
      bd = d;
      best = names[i];
    }
  }
  return bd <= limit ? best : NULL;
}

static const char *type_name(const ynode *n)
{
  return n->type == N_SCALAR ? "a scalar"
         : n->type == N_SEQ  ? "a list"
                             : "a mapping";
}

/* Check a mapping's keys against allowed; fills vals[i] with the value of
** allowed[i] (or NULL). Reports unknown, duplicate and non-scalar keys. */
static void map_fields(loader *L, const ynode *map, const char *what,
                       const char *const *allowed, size_t n, ynode **vals)
{
  for (size_t i = 0; i < n; i++)
    vals[i] = NULL;
  for (ynode *k = map->first; k; k = k->next ? k->next->next : NULL) {
    ynode *v = k->next;
    if (!v)
      break;
    if (k->type != N_SCALAR) {
      ERR(L, k, "%s keys must be plain names", what);
      continue;
    }
    int idx = lookup(allowed, n, k->str);
    if (idx < 0) {
      const char *dym = did_you_mean(k->str, allowed, n);
      if (dym)
        ERR(L, k, "unknown key '%s' in %s (did you mean '%s'?)", k->str, what,
            dym);
      else
        ERR(L, k, "unknown key '%s' in %s", k->str, what);
      continue;
    }
    if (vals[idx]) {
      ERR(L, k, "duplicate key '%s' in %s", k->str, what);
      continue;
    }
    vals[idx] = v;
  }
}

static int want_string(loader *L, const ynode *n, const char *key)
{
  if (n->type != N_SCALAR) {
    ERR(L, n, "'%s' must be a string, not %s", key, type_name(n));
    return 0;
  }
  if (strlen(n->str) != n->len) {
    ERR(L, n, "'%s' contains a NUL character", key);
    return 0;
  }
  return 1;
}

static int want_nonempty(loader *L, const ynode *n, const char *key)
{
  if (!want_string(L, n, key))
    return 0;
  if (n->len == 0) {
    ERR(L, n, "'%s' must not be empty", key);
    return 0;
  }
  return 1;
}

static char *keep(loader *L, const char *s)
{
  char *p = wsp__arena_strndup(&L->r->arena, s, strlen(s));
  if (!p)
    L->nomem = 1;
  return p;
}

/* List of non-empty strings into the set's arena. */
static const char *const *string_list(loader *L, const ynode *n,
                                      const char *key, size_t max,
                                      size_t *count)
{
  *count = 0;
  if (n->type != N_SEQ) {
    ERR(L, n, "'%s' must be a list, not %s", key, type_name(n));
    return NULL;
  }
  if (n->nkids > max) {
    ERR(L, n, "'%s' has more than %zu entries", key, max);
    return NULL;
  }
  const char **v = wsp__arena_alloc(&L->r->arena, (n->nkids + 1) * sizeof(*v));
  if (!v) {
    L->nomem = 1;
    return NULL;
  }
  size_t i = 0;
  for (ynode *k = n->first; k; k = k->next) {
    if (!want_nonempty(L, k, key))
      continue;
    v[i] = keep(L, k->str);
    if (!v[i])
      return NULL;
    i++;
  }
  v[i] = NULL;
  *count = i;
  return v;
}

/* ---- patterns ----------------------------------------------------------- */

int wsp__is_word_byte(unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}

/* Append one literal as a regex: escaped, whitespace runs as \s+, \b at an
** end that is an ASCII word character. */
static wsp_rc literal_regex(wsp_buf *b, const char *s)
{
  size_t len = strlen(s);
  wsp_rc rc = WSP_OK;

  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
    len--;
  while (len && (*s == ' ' || *s == '\t')) {
    s++;
    len--;
  }
  if (len && wsp__is_word_byte((unsigned char)s[0]))
    rc = wsp_buf_puts(b, "\\b");
  for (size_t i = 0; i < len && rc == WSP_OK; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      while (i + 1 < len && (s[i + 1] == ' ' || s[i + 1] == '\t' ||
                             s[i + 1] == '\n' || s[i + 1] == '\r'))
        i++;
      rc = wsp_buf_puts(b, "\\s+");
    } else if (c >= 0x80 || wsp__is_word_byte(c)) {
      rc = wsp_buf_putc(b, (char)c);
    } else if (c < 0x20 || c == 0x7f) {
      rc = wsp_buf_printf(b, "\\x%02x", c);
    } else {
      rc = wsp_buf_putc(b, '\\');
      if (rc == WSP_OK)
        rc = wsp_buf_putc(b, (char)c);
    }
  }
  if (rc == WSP_OK && len && wsp__is_word_byte((unsigned char)s[len - 1]))
    rc = wsp_buf_puts(b, "\\b");
  return rc;
}

/* The literal with surrounding whitespace trimmed and inner whitespace runs
** (ASCII) as one space: what the literal database matches. */
static const char *canonical(loader *L, const char *s)
{
  size_t n = strlen(s), j = 0;
  char *out = wsp__arena_alloc(&L->r->arena, n + 1);
  if (!out) {
    L->nomem = 1;
    return NULL;
  }
  for (size_t i = 0; i < n; i++) {
    int ws = s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
             s[i] == '\f' || s[i] == '\v';
    if (!ws)
      out[j++] = s[i];
    else if (j && out[j - 1] != ' ')
      out[j++] = ' ';
  }
  while (j && out[j - 1] == ' ')
    j--;
  out[j] = 0;
  return out;
}

static size_t utf8_chars(const char *s)
{
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80)
      n++;
  return n;
}

/* Heuristic: does the regex contain any literal character outside
** character classes (so Hyperscan/PCRE2 have something to anchor on)? */
static int regex_has_literal(const char *re)
{
  int in_class = 0;
  for (const char *p = re; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c == '\\') {
      if (!p[1])
        break;
      unsigned char e = (unsigned char)p[1];
      p++;
      if (!in_class && !((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') ||
                         (e >= '0' && e <= '9')))
        return 1; /* escaped punctuation is a literal */
      continue;
    }
    if (in_class) {
      if (c == ']')
        in_class = 0;
      continue;
    }
    if (c == '[') {
      in_class = 1;
      if (p[1] == '^')
        p++;
      if (p[1] == ']')
        p++;
      continue;
    }
    if (c == '(' && p[1] == '?') {
      /* skip group options such as ?: ?i ?<name> */
      p++;
      while (p[1] && p[1] != ':' && p[1] != ')' && p[1] != '(' && p[1] != '>')
        p++;
      continue;
    }
    if (c == '{') {
      while (*p && *p != '}')
        p++;
      if (!*p)
        break;
      continue;
    }
    if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
        (c >= 'A' && c <= 'Z') || c == ' ' || c == '-' || c == '@' ||
        c == '/' || c == ':' || c == '=' || c == '%' || c == '&' || c == '#' ||
        c == '\'' || c == '"' || c == ',' || c == ';' || c == '!' || c == '~' ||
        c == '<' || c == '>')
      return 1;
  }
  return 0;
}

/* A regex that is a literal set (literals.c) goes to the literal database;
** very short alternatives there match almost everywhere and slow every
** scan (every occurrence is reported before the boundary check), like short
** words: literals. One warning per pattern. */
static void lint_literal_set(loader *L, const ynode *at, const char *what,
                             const char *re)
{
  wsp_litstr *v = wsp_malloc(256 * sizeof(*v));
  wsp_arena a = {0};
  if (!v)
    return;
  size_t n = wsp__regex_literals(re, &a, v, 256), nshort = 0;
  const char *first = NULL;
  for (size_t i = 0; i < n; i++)
    if (utf8_chars(v[i].s) < 3) {
      if (!nshort++)
        first = v[i].s;
    }
  if (nshort)
    WARN(L, at,
         "regex of pattern '%s' has %zu alternative(s) shorter than 3 "
         "characters (e.g. '%s'); they slow scanning and hit more than meant",
         what, nshort, first);
  wsp__arena_cleanup(&a);
  wsp_free(v);
}

wsp_rc wsp__pattern_pcre(wsp_pattern_int *p, char *msg, size_t msgsz,
                         size_t *erroff)
{
  int errcode = 0;
  PCRE2_SIZE off = 0;

  p->re = pcre2_compile((PCRE2_SPTR)p->info.expression, PCRE2_ZERO_TERMINATED,
                        p->pcre_flags, &errcode, &off, NULL);
  if (!p->re) {
    pcre2_get_error_message(errcode, (PCRE2_UCHAR *)msg, msgsz);
    *erroff = off;
    return errcode == PCRE2_ERROR_NOMEMORY ? WSP_NOMEM : WSP_COMPILE;
  }
  atomic_init(&p->jit, NULL); /* JIT on first use (matcher.c) */
  return WSP_OK;
}

static const char *const pattern_keys[] = {"words", "regex", "extract",
                                           "nocase"};

static const char *const reserved[] = {"and",  "or",  "not", "of",
                                       "them", "any", "all"};

static int valid_name(const char *s)
{
  if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
    return 0;
  for (const char *p = s; *p; p++)
    if (!wsp__is_word_byte((unsigned char)*p))
      return 0;
  return strlen(s) <= 64 && lookup(reserved, NELEM(reserved), s) < 0;
}

static wsp_pattern_int *pattern_push(loader *L)
{
  wsp_rules *r = L->r;
  if (r->npats == r->cappats) {
    size_t ncap = r->cappats ? r->cappats * 2 : 64;
    wsp_pattern_int *n = wsp_realloc(r->pats, ncap * sizeof(*n));
    if (!n) {
      L->nomem = 1;
      return NULL;
    }
    r->pats = n;
    r->cappats = ncap;
  }
  wsp_pattern_int *p = &r->pats[r->npats++];
  memset(p, 0, sizeof(*p));
  return p;
}

/* One entry of `patterns:`. Returns 0 if it was bad (already reported). */
static int load_pattern(loader *L, const ynode *key, const ynode *val,
                        size_t rule, unsigned local)
{
  ynode *f[NELEM(pattern_keys)];
  wsp_buf expr, src;
  int ok = 1;
  const char *what = key->str;

  if (!valid_name(key->str)) {
    ERR(L, key,
        "pattern name '%s' must be an identifier ([A-Za-z_][A-Za-z0-9_]*, at "
        "most 64 bytes) and not a keyword",
        key->str);
    return 0;
  }
  if (val->type != N_MAP) {
    ERR(L, val, "pattern '%s' must be a mapping with 'words' or 'regex'", what);
    return 0;
  }
  map_fields(L, val, "pattern", pattern_keys, NELEM(pattern_keys), f);
  if (!f[0] && !f[1]) {
    ERR(L, val, "pattern '%s' needs 'words' or 'regex'", what);
    return 0;
  }
  if (f[0] && f[1]) {
    ERR(L, f[1], "pattern '%s' has both 'words' and 'regex'", what);
    return 0;
  }
  int caseless = 1, extract = -1;
  if (f[3]) {
    if (f[3]->type == N_SCALAR && f[3]->plain &&
        (!strcmp(f[3]->str, "true") || !strcmp(f[3]->str, "false")))
      caseless = !strcmp(f[3]->str, "true");
    else {
      ERR(L, f[3], "'nocase' must be true or false");
      ok = 0;
    }
  }
  if (f[2] && want_nonempty(L, f[2], "extract")) {
    extract = wsp_extract_kind_lookup(f[2]->str);
    if (extract < 0) {
      const char *dym = did_you_mean(f[2]->str, kind_names, NELEM(kind_names));
      ERR(L, f[2], "unknown entity kind '%s'%s%s%s", f[2]->str,
          dym ? " (did you mean '" : "", dym ? dym : "", dym ? "'?)" : "");
      ok = 0;
    }
  } else if (f[2])
    ok = 0;

  const char **words = NULL;
  size_t nwords = 0;
  wsp_buf_init(&expr, WSP_RULES_MAX_PATTERN_LEN);
  wsp_buf_init(&src, WSP_RULES_MAX_PATTERN_LEN);
  const ynode *body = f[0] ? f[0] : f[1];
  if (f[0]) {
    if (body->type != N_SEQ) {
      ERR(L, body, "'words' must be a list of literals, not %s",
          type_name(body));
      ok = 0;
    } else if (body->nkids == 0) {
      ERR(L, body, "pattern '%s' is empty (no words)", what);
      ok = 0;
    } else if (body->nkids > WSP_RULES_MAX_WORDS) {
      ERR(L, body, "pattern '%s' has more than %d words", what,
          WSP_RULES_MAX_WORDS);
      ok = 0;
    } else {
      wsp_rc rc = wsp_buf_puts(&expr, "(?:");
      words = wsp__arena_alloc(&L->r->arena, body->nkids * sizeof(*words));
      if (!words) {
        L->nomem = 1;
        rc = WSP_NOMEM;
      }
      for (ynode *w = body->first; w && words; w = w->next) {
        if (!want_string(L, w, "words")) {
          ok = 0;
          continue;
        }
        const char *t = canonical(L, w->str);
        if (!t) {
          rc = WSP_NOMEM;
          break;
        }
        if (!*t) {
          ERR(L, w, "empty literal in pattern '%s'", what);
          ok = 0;
          continue;
        }
        if (utf8_chars(t) < 3)
          WARN(L, w, "literal '%s' is shorter than 3 characters", t);
        words[nwords++] = t;
        if (rc == WSP_OK && w != body->first)
          rc = wsp_buf_putc(&expr, '|');
        if (rc == WSP_OK)
          rc = literal_regex(&expr, t);
        if (rc == WSP_OK && src.len)
          rc = wsp_buf_puts(&src, " | ");
        if (rc == WSP_OK)
          rc = wsp_buf_puts(&src, t);
      }
      if (rc == WSP_OK)
        rc = wsp_buf_putc(&expr, ')');
      if (rc == WSP_TOOBIG) {
        ERR(L, body, "pattern '%s' is longer than %d bytes", what,
            WSP_RULES_MAX_PATTERN_LEN);
        ok = 0;
      } else if (rc != WSP_OK) {
        L->nomem = 1;
        ok = 0;
      }
    }
  } else if (want_string(L, body, "regex")) {
    if (body->len == 0) {
      ERR(L, body, "pattern '%s' is empty (regex '')", what);
      ok = 0;
    } else if (body->len > WSP_RULES_MAX_PATTERN_LEN) {
      ERR(L, body, "pattern '%s' is longer than %d bytes", what,
          WSP_RULES_MAX_PATTERN_LEN);
      ok = 0;
    } else if (wsp_buf_puts(&expr, body->str) != WSP_OK ||
               wsp_buf_puts(&src, body->str) != WSP_OK) {
      L->nomem = 1;
      ok = 0;
    }
  } else
    ok = 0;

  if (ok) {
    wsp_pattern_int *p = pattern_push(L);
    if (!p)
      ok = 0;
    else {
      p->info.name = keep(L, key->str);
      p->info.rule = rule;
      p->info.kind = f[0] ? WSP_PATTERN_WORDS : WSP_PATTERN_REGEX;
      p->info.source = keep(L, wsp_buf_str(&src));
      p->info.expression = keep(L, wsp_buf_str(&expr));
      p->info.extract = extract;
      p->words = words;
      p->nwords = words ? nwords : 0;
      p->info.caseless = caseless;
      p->info.tier = WSP_TIER_NONE;
      p->info.line = key->line;
      p->info.col = key->col;
      p->local = local;
      p->hs_flags = HS_FLAG_UTF8 | HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY |
                    (caseless ? HS_FLAG_CASELESS : 0);
      p->pcre_flags = PCRE2_UTF | (caseless ? PCRE2_CASELESS : 0);
      if (!p->info.name || !p->info.source || !p->info.expression) {
        L->r->npats--;
        ok = 0;
      } else {
        char msg[256];
        size_t off = 0;
        wsp_rc rc = wsp__pattern_pcre(p, msg, sizeof(msg), &off);
        if (rc == WSP_NOMEM) {
          L->nomem = 1;
          L->r->npats--;
          ok = 0;
        } else if (rc != WSP_OK) {
          ERR(L, body, "pattern '%s': invalid regex at offset %zu: %s", what,
              off, msg);
          L->r->npats--;
          ok = 0;
        } else if (p->info.kind == WSP_PATTERN_REGEX) {
          uint32_t minlen = 1;
          pcre2_pattern_info(p->re, PCRE2_INFO_MINLENGTH, &minlen);
          if (minlen == 0)
            WARN(L, body, "regex of pattern '%s' can match the empty string",
                 what);
          if (!regex_has_literal(body->str))
            WARN(L, body,
                 "regex of pattern '%s' has no literal part (slow to match)",
                 what);
          lint_literal_set(L, body, what, p->info.expression);
        }
      }
    }
  }
  wsp_buf_cleanup(&expr);
  wsp_buf_cleanup(&src);
  return ok;
}

/* ---- rules -------------------------------------------------------------- */

static const char *const top_keys[] = {"schema", "rules"};
static const char *const rule_keys[] = {
    "id",    "rev",      "title",     "category",    "lang",       "status",
    "score", "patterns", "condition", "description", "references", "tests"};
enum {
  K_ID,
  K_REV,
  K_TITLE,
  K_CATEGORY,
  K_LANG,
  K_STATUS,
  K_SCORE,
  K_PATTERNS,
  K_CONDITION,
  K_DESCRIPTION,
  K_REFERENCES,
  K_TESTS,
  K_REQUIRED = K_DESCRIPTION /* keys before this one are required */
};
static const char *const test_keys[] = {"match", "no_match"};

/* Id index (open addressing over rule indices + 1). */
static wsp_rc id_index_add(wsp_rules *r, size_t idx);

static long id_find(const wsp_rules *r, const char *id);

static int valid_id(const char *s)
{
  size_t n = strlen(s);
  if (n == 0 || n > 64)
    return 0;
  for (const char *p = s; *p; p++)
    if (!wsp__is_word_byte((unsigned char)*p) && *p != '-' && *p != '.')
      return 0;
  return 1;
}

static wsp_rule_int *rule_push(loader *L)
{
  wsp_rules *r = L->r;
  if (r->nrules == r->caprules) {
    size_t ncap = r->caprules ? r->caprules * 2 : 32;
    wsp_rule_int *n = wsp_realloc(r->rules, ncap * sizeof(*n));
    if (!n) {
      L->nomem = 1;
      return NULL;
    }
    r->rules = n;
    r->caprules = ncap;
  }
  wsp_rule_int *ru = &r->rules[r->nrules++];
  memset(ru, 0, sizeof(*ru));
  return ru;
}

static void load_rule(loader *L, const ynode *rn)
{
  ynode *f[NELEM(rule_keys)];
  size_t errors0 = L->errors;
  wsp_rules *r = L->r;

  if (rn->type != N_MAP) {
    ERR(L, rn, "each rule must be a mapping, not %s", type_name(rn));
    return;
  }
  map_fields(L, rn, "rule", rule_keys, NELEM(rule_keys), f);
  for (int k = 0; k < K_REQUIRED; k++)
    if (!f[k])
      ERR(L, rn, "rule is missing required key '%s'", rule_keys[k]);

  wsp_rule_int *ru = rule_push(L);
  if (!ru)
    return;
  size_t ridx = r->nrules - 1;
  size_t pat0 = r->npats;
  wsp_rule_info *in = &ru->info;
  in->file = keep(L, L->file);
  in->line = rn->line;
  in->first_pattern = pat0;
  in->description = "";
  in->condition = "";

  if (f[K_ID] && want_nonempty(L, f[K_ID], "id")) {
    if (!valid_id(f[K_ID]->str))
      ERR(L, f[K_ID],
          "rule id '%s' must be 1-64 characters of letters, digits, '_', '-' "
          "or '.'",
          f[K_ID]->str);
    else {
      long prev = id_find(r, f[K_ID]->str);
      if (prev >= 0)
        ERR(L, f[K_ID], "duplicate rule id '%s' (first defined at %s:%u)",
            f[K_ID]->str, r->rules[prev].info.file, r->rules[prev].info.line);
      else
        in->id = keep(L, f[K_ID]->str);
    }
  }
  if (f[K_REV]) {
    char *end = NULL;
    long v = -1;
    if (f[K_REV]->type == N_SCALAR && f[K_REV]->plain && f[K_REV]->len) {
      errno = 0;
      v = strtol(f[K_REV]->str, &end, 10);
      if (*end || errno)
        v = -1;
    }
    if (v < 1 || v > 1000000)
      ERR(L, f[K_REV], "'rev' must be an integer from 1 to 1000000");
    else
      in->rev = (unsigned)v;
  }
  if (f[K_TITLE] && want_nonempty(L, f[K_TITLE], "title"))
    in->title = keep(L, f[K_TITLE]->str);
  if (f[K_CATEGORY] && want_nonempty(L, f[K_CATEGORY], "category")) {
    int c = wsp_category_lookup(f[K_CATEGORY]->str);
    if (c < 0) {
      const char *dym =
          did_you_mean(f[K_CATEGORY]->str, cat_names, NELEM(cat_names));
      ERR(L, f[K_CATEGORY], "unknown category '%s'%s%s%s", f[K_CATEGORY]->str,
          dym ? " (did you mean '" : "", dym ? dym : "", dym ? "'?)" : "");
    } else
      in->category = (wsp_category)c;
  }
  if (f[K_STATUS] && want_nonempty(L, f[K_STATUS], "status")) {
    int s = wsp_rule_status_lookup(f[K_STATUS]->str);
    if (s < 0) {
      const char *dym =
          did_you_mean(f[K_STATUS]->str, status_names, NELEM(status_names));
      ERR(L, f[K_STATUS],
          "unknown status '%s' (experimental, test, stable or "
          "deprecated)%s%s%s",
          f[K_STATUS]->str, dym ? "; did you mean '" : "", dym ? dym : "",
          dym ? "'?" : "");
    } else
      in->status = (wsp_rule_status)s;
  }
  if (f[K_SCORE]) {
    char *end = NULL;
    double v = NAN;
    if (f[K_SCORE]->type == N_SCALAR && f[K_SCORE]->plain && f[K_SCORE]->len) {
      v = strtod(f[K_SCORE]->str, &end);
      if (*end)
        v = NAN;
    }
    if (!isfinite(v) || v < -1000 || v > 1000)
      ERR(L, f[K_SCORE], "'score' must be a number from -1000 to 1000");
    else
      in->score = v;
  }
  if (f[K_LANG]) {
    in->lang = string_list(L, f[K_LANG], "lang", 16, &in->nlang);
    if (in->lang && in->nlang == 0)
      ERR(L, f[K_LANG], "'lang' must name at least one language");
    for (size_t i = 0; in->lang && i < in->nlang; i++) {
      const char *l = in->lang[i];
      size_t n = strlen(l);
      int good = n >= 2 && n <= 3;
      for (size_t j = 0; good && j < n; j++)
        good = l[j] >= 'a' && l[j] <= 'z';
      if (!good && strcmp(l, "any") != 0)
        ERR(L, f[K_LANG], "language '%s' must be a 2-3 letter code or 'any'",
            l);
    }
  }
  if (f[K_DESCRIPTION] && want_string(L, f[K_DESCRIPTION], "description"))
    in->description = keep(L, f[K_DESCRIPTION]->str);
  if (f[K_REFERENCES])
    in->references =
        string_list(L, f[K_REFERENCES], "references", 64, &in->nreferences);
  if (f[K_TESTS]) {
    if (f[K_TESTS]->type != N_MAP)
      ERR(L, f[K_TESTS],
          "'tests' must be a mapping with 'match' and/or "
          "'no_match'");
    else {
      ynode *t[2];
      map_fields(L, f[K_TESTS], "tests", test_keys, 2, t);
      if (t[0])
        in->tests_match = string_list(L, t[0], "match", WSP_RULES_MAX_TESTS,
                                      &in->ntests_match);
      if (t[1])
        in->tests_no_match = string_list(
            L, t[1], "no_match", WSP_RULES_MAX_TESTS, &in->ntests_no_match);
    }
  }

  /* patterns */
  const char *names[WSP_RULES_MAX_PATTERNS];
  size_t nnames = 0;
  int patterns_ok = 0;
  if (f[K_PATTERNS]) {
    const ynode *pm = f[K_PATTERNS];
    if (pm->type != N_MAP)
      ERR(L, pm, "'patterns' must be a mapping of name: {words|regex}");
    else if (pm->nkids == 0)
      ERR(L, pm, "rule has no patterns");
    else if (pm->nkids / 2 > WSP_RULES_MAX_PATTERNS)
      ERR(L, pm, "rule has more than %d patterns", WSP_RULES_MAX_PATTERNS);
    else {
      patterns_ok = 1;
      for (ynode *k = pm->first; k && k->next; k = k->next->next) {
        if (k->type != N_SCALAR) {
          ERR(L, k, "pattern names must be scalars");
          patterns_ok = 0;
          continue;
        }
        int dup = 0;
        for (size_t i = 0; i < nnames; i++)
          if (!strcmp(names[i], k->str))
            dup = 1;
        /* also names of patterns that failed validation: check the tree */
        for (ynode *k2 = pm->first; k2 != k; k2 = k2->next->next)
          if (k2->type == N_SCALAR && !strcmp(k2->str, k->str))
            dup = 1;
        if (dup) {
          ERR(L, k, "duplicate pattern name '%s'", k->str);
          patterns_ok = 0;
          continue;
        }
        if (!load_pattern(L, k, k->next, ridx, (unsigned)nnames)) {
          patterns_ok = 0;
          continue;
        }
        names[nnames++] = r->pats[r->npats - 1].info.name;
      }
    }
  }
  in->npatterns = r->npats - pat0;

  /* condition */
  if (f[K_CONDITION] && want_nonempty(L, f[K_CONDITION], "condition") &&
      patterns_ok) {
    const ynode *cn = f[K_CONDITION];
    char msg[256];
    size_t pos = 0;
    in->condition = keep(L, cn->str);
    wsp_rc rc = wsp__cond_parse(cn->str, names, nnames, &ru->cond, &pos, msg,
                                sizeof(msg));
    if (rc == WSP_NOMEM)
      L->nomem = 1;
    else if (rc != WSP_OK) {
      unsigned col = cn->col + (cn->plain ? 0 : 1) + (unsigned)pos;
      report(L, WSP_DIAG_ERROR, cn->line, strchr(cn->str, '\n') ? cn->col : col,
             "%s", msg);
    } else {
      if (ru->cond.used == 0)
        ERR(L, cn, "condition references no pattern");
      else if (wsp__cond_eval(&ru->cond, 0))
        ERR(L, cn,
            "condition is true when no pattern matches; a rule must need at "
            "least one hit");
      for (size_t i = 0; i < nnames; i++)
        if (!(ru->cond.used & ((uint64_t)1 << i))) {
          const wsp_pattern_int *p = &r->pats[pat0 + i];
          report(L, WSP_DIAG_ERROR, p->info.line, p->info.col,
                 "pattern '%s' is not used by the condition", p->info.name);
        }
    }
  }
  if (!f[K_TESTS] || (in->ntests_match == 0 && in->ntests_no_match == 0)) {
    if (L->errors == errors0)
      report(L, WSP_DIAG_WARNING, rn->line, rn->col, "rule %s has no tests",
             in->id ? in->id : "?");
  } else if (in->ntests_match == 0 && in->status != WSP_STATUS_DEPRECATED &&
             L->errors == errors0)
    report(L, WSP_DIAG_WARNING, rn->line, rn->col,
           "rule %s has no tests.match example", in->id ? in->id : "?");

  if (L->errors != errors0 || L->nomem) {
    /* the file will be rolled back; nothing else to do */
    return;
  }
  if (id_index_add(r, ridx) != WSP_OK)
    L->nomem = 1;
}

static void rollback(wsp_rules *r, size_t nrules, size_t npats);

static wsp_rc load_tree(loader *L, const ynode *root)
{
  ynode *f[2];

  if (!root) {
    report(L, WSP_DIAG_ERROR, 1, 1, "empty rule file");
    return WSP_RULES;
  }
  if (root->type != N_MAP) {
    ERR(L, root, "a rule file must be a mapping with 'schema' and 'rules'");
    return WSP_RULES;
  }
  map_fields(L, root, "rule file", top_keys, 2, f);
  if (!f[0])
    ERR(L, root, "missing 'schema: waspada/1'");
  else if (f[0]->type != N_SCALAR || strcmp(f[0]->str, "waspada/1") != 0)
    ERR(L, f[0], "unsupported schema (expected 'waspada/1')");
  if (!f[1]) {
    ERR(L, root, "missing 'rules'");
    return WSP_RULES;
  }
  if (f[1]->type != N_SEQ) {
    ERR(L, f[1], "'rules' must be a list, not %s", type_name(f[1]));
    return WSP_RULES;
  }
  for (ynode *rn = f[1]->first; rn && !L->nomem; rn = rn->next) {
    if (L->r->nrules >= WSP_RULES_MAX_RULES) {
      ERR(L, rn, "more than %d rules in the set", WSP_RULES_MAX_RULES);
      break;
    }
    load_rule(L, rn);
  }
  return WSP_OK;
}

wsp_rc wsp_rules_add_buffer(wsp_rules *r, const char *name, const char *data,
                            size_t len, wsp_diag_fn diag, void *ud)
{
  loader L;
  size_t nrules0, npats0;

  if (!r || (!data && len) || r->compiled)
    return WSP_INVAL;
  memset(&L, 0, sizeof(L));
  L.r = r;
  L.file = name ? name : "<buffer>";
  L.diag = diag;
  L.ud = ud;
  nrules0 = r->nrules;
  npats0 = r->npats;
  if (len > WSP_RULES_MAX_FILE) {
    report(&L, WSP_DIAG_ERROR, 0, 0, "file larger than %u bytes",
           WSP_RULES_MAX_FILE);
    return WSP_RULES;
  }
  ynode *root = yaml_tree(&L, data ? data : "", len);
  if (!L.errors && !L.nomem)
    load_tree(&L, root);
  wsp__arena_cleanup(&L.tmp);
  if (L.errors || L.nomem) {
    rollback(r, nrules0, npats0);
    return L.nomem ? WSP_NOMEM : WSP_RULES;
  }
  r->nfiles++;
  return WSP_OK;
}

/* ---- files and directories --------------------------------------------- */

static wsp_rc read_file(const char *path, char **out, size_t *len,
                        wsp_diag_fn diag, void *ud)
{
  char msg[300];
  wsp_diag d = {WSP_DIAG_ERROR, path, 0, 0, msg};
  FILE *fp = fopen(path, "rb");
  struct stat st;

  *out = NULL;
  if (!fp) {
    snprintf(msg, sizeof(msg), "cannot open: %s", strerror(errno));
    if (diag)
      diag(ud, &d);
    return errno == ENOENT ? WSP_NOTFOUND : WSP_IO;
  }
  if (fstat(fileno(fp), &st) == 0 && st.st_size > (off_t)WSP_RULES_MAX_FILE) {
    fclose(fp);
    snprintf(msg, sizeof(msg), "file larger than %u bytes", WSP_RULES_MAX_FILE);
    if (diag)
      diag(ud, &d);
    return WSP_RULES;
  }
  wsp_buf b;
  wsp_buf_init(&b, WSP_RULES_MAX_FILE);
  char chunk[65536];
  size_t n;
  wsp_rc rc = WSP_OK;
  while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
    if ((rc = wsp_buf_append(&b, chunk, n)) != WSP_OK)
      break;
  if (rc == WSP_OK && ferror(fp))
    rc = WSP_IO;
  fclose(fp);
  if (rc != WSP_OK) {
    wsp_buf_cleanup(&b);
    snprintf(msg, sizeof(msg), "%s",
             rc == WSP_TOOBIG ? "file larger than the limit"
                              : wsp_strerror(rc));
    if (diag)
      diag(ud, &d);
    return rc == WSP_TOOBIG ? WSP_RULES : rc;
  }
  *len = b.len;
  *out = wsp_buf_detach(&b, len);
  return WSP_OK;
}

static int ends_with(const char *s, const char *suf)
{
  size_t a = strlen(s), b = strlen(suf);
  return a >= b && strcmp(s + a - b, suf) == 0;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct pathlist {
  char **v;
  size_t n, cap;
} pathlist;

static wsp_rc collect(const char *dir, int depth, pathlist *pl)
{
  DIR *d;
  struct dirent *e;
  wsp_rc rc = WSP_OK;

  if (depth > 8)
    return WSP_OK;
  d = opendir(dir);
  if (!d)
    return WSP_IO;
  while ((e = readdir(d)) != NULL && rc == WSP_OK) {
    if (e->d_name[0] == '.')
      continue;
    size_t need = strlen(dir) + strlen(e->d_name) + 2;
    char *p = wsp_malloc(need);
    if (!p) {
      rc = WSP_NOMEM;
      break;
    }
    snprintf(p, need, "%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(p, &st) != 0) {
      wsp_free(p);
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      rc = collect(p, depth + 1, pl);
      if (rc == WSP_IO)
        rc = WSP_OK; /* unreadable subdirectory: skipped */
      wsp_free(p);
      continue;
    }
    if (!S_ISREG(st.st_mode) ||
        !(ends_with(p, ".yaml") || ends_with(p, ".yml"))) {
      wsp_free(p);
      continue;
    }
    if (pl->n >= WSP_RULES_MAX_FILES) {
      wsp_free(p);
      rc = WSP_TOOBIG;
      break;
    }
    if (pl->n == pl->cap) {
      size_t ncap = pl->cap ? pl->cap * 2 : 16;
      char **nv = wsp_realloc(pl->v, ncap * sizeof(*nv));
      if (!nv) {
        wsp_free(p);
        rc = WSP_NOMEM;
        break;
      }
      pl->v = nv;
      pl->cap = ncap;
    }
    pl->v[pl->n++] = p;
  }
  closedir(d);
  return rc;
}

static wsp_rc add_file(wsp_rules *r, const char *path, wsp_diag_fn diag,
                       void *ud)
{
  char *data = NULL;
  size_t len = 0;
  wsp_rc rc = read_file(path, &data, &len, diag, ud);
  if (rc != WSP_OK)
    return rc;
  rc = wsp_rules_add_buffer(r, path, data, len, diag, ud);
  wsp_free(data);
  return rc;
}

wsp_rc wsp_rules_add_path(wsp_rules *r, const char *path, wsp_diag_fn diag,
                          void *ud)
{
  struct stat st;
  char msg[300];
  wsp_diag d = {WSP_DIAG_ERROR, path, 0, 0, msg};

  if (!r || !path || r->compiled)
    return WSP_INVAL;
  if (stat(path, &st) != 0) {
    snprintf(msg, sizeof(msg), "cannot open: %s", strerror(errno));
    if (diag)
      diag(ud, &d);
    return errno == ENOENT ? WSP_NOTFOUND : WSP_IO;
  }
  if (!S_ISDIR(st.st_mode))
    return add_file(r, path, diag, ud);

  pathlist pl = {0};
  wsp_rc rc = collect(path, 0, &pl);
  if (rc == WSP_TOOBIG) {
    snprintf(msg, sizeof(msg), "more than %d rule files", WSP_RULES_MAX_FILES);
    if (diag)
      diag(ud, &d);
    rc = WSP_RULES;
  } else if (rc == WSP_IO) {
    snprintf(msg, sizeof(msg), "cannot read directory");
    if (diag)
      diag(ud, &d);
  }
  if (rc == WSP_OK) {
    qsort(pl.v, pl.n, sizeof(*pl.v), cmp_str);
    for (size_t i = 0; i < pl.n; i++) {
      wsp_rc frc = add_file(r, pl.v[i], diag, ud);
      if (frc == WSP_NOMEM) {
        rc = frc;
        break;
      }
      if (frc != WSP_OK && rc == WSP_OK)
        rc = frc == WSP_NOTFOUND ? WSP_IO : frc;
    }
  }
  for (size_t i = 0; i < pl.n; i++)
    wsp_free(pl.v[i]);
  wsp_free(pl.v);
  return rc;
}

/* ---- id index and rollback --------------------------------------------- */

/* Stored in the set: r->idtab (capacity r->idcap, power of two). */
typedef struct idtab {
  size_t *slots; /* rule index + 1; 0 empty */
  size_t cap, n;
} idtab;

static idtab *tab_of(const wsp_rules *r);

static long id_find(const wsp_rules *r, const char *id)
{
  const idtab *t = tab_of(r);
  if (!t || !t->cap)
    return -1;
  size_t mask = t->cap - 1;
  size_t h = (size_t)wsp_hash64(id, strlen(id), 0x5ee5) & mask;
  while (t->slots[h]) {
    size_t i = t->slots[h] - 1;
    if (i < r->nrules && r->rules[i].info.id &&
        strcmp(r->rules[i].info.id, id) == 0)
      return (long)i;
    h = (h + 1) & mask;
  }
  return -1;
}

static wsp_rc tab_insert(wsp_rules *r, idtab *t, size_t idx)
{
  size_t mask = t->cap - 1;
  const char *id = r->rules[idx].info.id;
  size_t h = (size_t)wsp_hash64(id, strlen(id), 0x5ee5) & mask;
  while (t->slots[h])
    h = (h + 1) & mask;
  t->slots[h] = idx + 1;
  t->n++;
  return WSP_OK;
}

static wsp_rc id_index_add(wsp_rules *r, size_t idx)
{
  idtab *t = tab_of(r);
  if (!t)
    return WSP_NOMEM;
  if ((t->n + 1) * 2 > t->cap) {
    size_t ncap = t->cap ? t->cap * 2 : 64;
    size_t *ns = wsp_calloc(ncap, sizeof(*ns));
    if (!ns)
      return WSP_NOMEM;
    wsp_free(t->slots);
    t->slots = ns;
    t->cap = ncap;
    t->n = 0;
    for (size_t i = 0; i < r->nrules; i++)
      if (i != idx && r->rules[i].info.id)
        tab_insert(r, t, i);
  }
  return tab_insert(r, t, idx);
}

/* The table hangs off the arena head pointer space: kept in a static-size
** side allocation owned by the set (freed in wsp__rules_free_index). */
static idtab *tab_of(const wsp_rules *r)
{
  return (idtab *)r->idindex;
}

static void rollback(wsp_rules *r, size_t nrules, size_t npats)
{
  idtab *t = tab_of(r);
  for (size_t i = npats; i < r->npats; i++) {
    pcre2_code_free(r->pats[i].re);
    pcre2_code_free(atomic_load(&r->pats[i].jit));
    r->pats[i].re = NULL;
  }
  for (size_t i = nrules; i < r->nrules; i++)
    wsp__cond_cleanup(&r->rules[i].cond);
  /* remove ids of rolled-back rules: rebuild the table */
  if (t && t->slots && r->nrules > nrules) {
    memset(t->slots, 0, t->cap * sizeof(*t->slots));
    t->n = 0;
    for (size_t i = 0; i < nrules; i++)
      if (r->rules[i].info.id)
        tab_insert(r, t, i);
  }
  r->nrules = nrules;
  r->npats = npats;
}

wsp_rc wsp__rules_index_new(wsp_rules *r)
{
  idtab *t = wsp_calloc(1, sizeof(*t));
  if (!t)
    return WSP_NOMEM;
  r->idindex = t;
  return WSP_OK;
}

void wsp__rules_index_free(wsp_rules *r)
{
  idtab *t = tab_of(r);
  if (t) {
    wsp_free(t->slots);
    wsp_free(t);
  }
  r->idindex = NULL;
}

long wsp_rules_find(const wsp_rules *r, const char *id)
{
  return r && id ? id_find(r, id) : -1;
}
