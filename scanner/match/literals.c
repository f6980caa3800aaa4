/* match/literals.c: turn a regex that is really a finite set of literals
** (the common rule-pack shape `\b(modus|korban|non ?prosedural|...)\b`) into
** that set, so it can go into the literal database: Hyperscan compiles pure
** literals tens of times faster than the same alternation with \b, and
** matches them at least as fast.
**
** Accepted subset: top-level branches separated by '|', each optionally
** starting and/or ending with \b; inside, printable ASCII characters other
** than regex metacharacters, escaped ASCII punctuation, groups `( )` or
** `(?: )` with alternation, and `?` after a character or group. Anything
** else (classes, repeats, anchors, other escapes, non-ASCII, inline flags)
** means "not a literal set" and the regex is compiled as a regex. A \b must
** touch a word character in every expansion, and no expansion may be empty.
** Pure function over its input; allocations are freed before returning. */
#include "match/match_int.h"

#include "core/alloc.h"

#include <string.h>

#define MAX_SET 256 /* expansions per pattern */
#define MAX_STR 256 /* bytes per expansion */

typedef struct sset {
  char **v;
  size_t n, cap;
} sset;

typedef struct lparser {
  const char *s;
  size_t i, end;
  int bad;
} lparser;

static void sset_free(sset *s)
{
  for (size_t i = 0; i < s->n; i++)
    wsp_free(s->v[i]);
  wsp_free(s->v);
  s->v = NULL;
  s->n = s->cap = 0;
}

static int sset_add(sset *s, const char *a, size_t na, const char *b, size_t nb)
{
  if (s->n >= MAX_SET || na + nb > MAX_STR)
    return 0;
  if (s->n == s->cap) {
    size_t ncap = s->cap ? s->cap * 2 : 4;
    char **nv = wsp_realloc(s->v, ncap * sizeof(*nv));
    if (!nv)
      return 0;
    s->v = nv;
    s->cap = ncap;
  }
  char *x = wsp_malloc(na + nb + 1);
  if (!x)
    return 0;
  memcpy(x, a, na);
  memcpy(x + na, b, nb);
  x[na + nb] = 0;
  s->v[s->n++] = x;
  return 1;
}

/* out = a x b (concatenation of every pair); frees a and b. */
static int sset_product(sset *a, sset *b, sset *out)
{
  sset r = {0};
  int ok = 1;
  for (size_t i = 0; ok && i < a->n; i++)
    for (size_t j = 0; ok && j < b->n; j++)
      ok = sset_add(&r, a->v[i], strlen(a->v[i]), b->v[j], strlen(b->v[j]));
  sset_free(a);
  sset_free(b);
  if (!ok) {
    sset_free(&r);
    return 0;
  }
  *out = r;
  return 1;
}

static int is_meta(char c)
{
  return strchr("()[]{}*+?|^$.\\", c) != NULL;
}

static int p_alt(lparser *p, sset *out);

/* One atom: a character, an escaped punctuation character or a group. */
static int p_atom(lparser *p, sset *out)
{
  const char *s = p->s;
  out->v = NULL;
  out->n = out->cap = 0;
  if (p->i >= p->end)
    return 0;
  char c = s[p->i];
  if (c == '(') {
    p->i++;
    if (p->i + 1 < p->end && s[p->i] == '?') {
      if (s[p->i + 1] != ':')
        return 0;
      p->i += 2;
    }
    if (!p_alt(p, out))
      return 0;
    if (p->i >= p->end || s[p->i] != ')') {
      sset_free(out);
      return 0;
    }
    p->i++;
    return 1;
  }
  if (c == '\\') {
    if (p->i + 1 >= p->end)
      return 0;
    char e = s[p->i + 1];
    if (!((e >= '!' && e <= '/') || (e >= ':' && e <= '@') ||
          (e >= '[' && e <= '`') || (e >= '{' && e <= '~')))
      return 0; /* \d, \s, \b inside, \x.. ...: not a literal */
    p->i += 2;
    return sset_add(out, &e, 1, "", 0);
  }
  if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f || is_meta(c))
    return 0;
  p->i++;
  return sset_add(out, &c, 1, "", 0);
}

static int p_seq(lparser *p, sset *out)
{
  sset acc = {0};
  if (!sset_add(&acc, "", 0, "", 0)) {
    sset_free(&acc);
    return 0;
  }
  while (p->i < p->end && p->s[p->i] != '|' && p->s[p->i] != ')') {
    sset a;
    if (!p_atom(p, &a)) {
      sset_free(&a);
      sset_free(&acc);
      return 0;
    }
    if (p->i < p->end && p->s[p->i] == '?') {
      p->i++;
      if (p->i < p->end && (p->s[p->i] == '?' || p->s[p->i] == '+')) {
        sset_free(&a);
        sset_free(&acc);
        return 0;
      }
      if (!sset_add(&a, "", 0, "", 0)) { /* optional: add the empty string */
        sset_free(&a);
        sset_free(&acc);
        return 0;
      }
    }
    if (p->i < p->end && strchr("*+{", p->s[p->i])) {
      sset_free(&a);
      sset_free(&acc);
      return 0;
    }
    if (!sset_product(&acc, &a, &acc))
      return 0;
  }
  *out = acc;
  return 1;
}

static int p_alt(lparser *p, sset *out)
{
  sset acc = {0};
  for (;;) {
    sset b;
    if (!p_seq(p, &b)) {
      sset_free(&acc);
      return 0;
    }
    for (size_t i = 0; i < b.n; i++)
      if (!sset_add(&acc, b.v[i], strlen(b.v[i]), "", 0)) {
        sset_free(&b);
        sset_free(&acc);
        return 0;
      }
    sset_free(&b);
    if (p->i < p->end && p->s[p->i] == '|') {
      p->i++;
      continue;
    }
    break;
  }
  *out = acc;
  return 1;
}

/* Top-level branches of re (split at '|' outside groups and escapes). */
static size_t branch_end(const char *re, size_t i)
{
  int depth = 0;
  for (; re[i]; i++) {
    if (re[i] == '\\' && re[i + 1]) {
      i++;
      continue;
    }
    if (re[i] == '[')
      return (size_t)-1; /* classes are not in the subset */
    if (re[i] == '(')
      depth++;
    else if (re[i] == ')')
      depth--;
    else if (re[i] == '|' && depth == 0)
      break;
  }
  return i;
}

size_t wsp__regex_literals(const char *re, wsp_arena *a, wsp_litstr *out,
                           size_t max)
{
  size_t n = 0, i = 0, len = strlen(re);

  if (!len)
    return 0;
  while (i <= len) {
    size_t e = branch_end(re, i);
    if (e == (size_t)-1)
      return 0;
    size_t b = i, f = e;
    int lb = 0, rb = 0;
    if (f - b >= 2 && re[b] == '\\' && re[b + 1] == 'b') {
      lb = 1;
      b += 2;
    }
    if (f - b >= 2 && re[f - 2] == '\\' && re[f - 1] == 'b') {
      /* make sure the backslash is not itself escaped */
      size_t k = f - 2, bs = 0;
      while (k > b && re[k - 1] == '\\') {
        k--;
        bs++;
      }
      if (bs % 2 == 0) {
        rb = 1;
        f -= 2;
      }
    }
    lparser p = {re, b, f, 0};
    sset set;
    if (b >= f || !p_alt(&p, &set))
      return 0;
    if (p.i != f) {
      sset_free(&set);
      return 0;
    }
    for (size_t k = 0; k < set.n; k++) {
      const char *x = set.v[k];
      size_t xl = strlen(x);
      if (!xl || n >= max || (lb && !wsp__is_word_byte((unsigned char)x[0])) ||
          (rb && !wsp__is_word_byte((unsigned char)x[xl - 1]))) {
        sset_free(&set);
        return 0;
      }
      out[n].s = wsp__arena_strndup(a, x, xl);
      if (!out[n].s) {
        sset_free(&set);
        return 0;
      }
      out[n].lb = (uint8_t)lb;
      out[n].rb = (uint8_t)rb;
      n++;
    }
    sset_free(&set);
    if (e >= len)
      break;
    i = e + 1;
  }
  return n;
}
