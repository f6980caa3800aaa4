/* text/gazetteer.c: the places file (rules/gazetteer.tsv) behind country and
** region entities. Loading normalises every alias with wsp_text_normalize, so
** aliases are matched against normalised post text as whole words; the
** longest alias wins. Immutable after loading: share between threads. */
#include "core/alloc.h"
#include "text/entities.h"
#include "text/gaz_int.h"

#include <stdio.h>
#include <string.h>

#define GAZ_MAX_LINE 4096
#define GAZ_MAX_ALIASES 200000

struct gaz_alias {
  char *norm;    /* normalised alias */
  size_t len;    /* bytes */
  size_t first;  /* bytes of its first word */
  size_t entry;  /* index into entries */
  size_t next;   /* next alias with the same first-word hash, or SIZE_MAX */
  uint64_t hash; /* of the first word */
};

struct gaz_entry {
  char *value;
  int region; /* province/city -> REGION, else COUNTRY */
  int cap;    /* must be capitalised in the original */
};

struct wsp_gazetteer {
  struct gaz_entry *entries;
  size_t n_entries, cap_entries;
  struct gaz_alias *aliases;
  size_t n_aliases, cap_aliases;
  size_t *buckets; /* first alias per bucket, SIZE_MAX if none */
  size_t n_buckets;
  uint64_t filter[1024]; /* bitmap over 16 bits of the first-word hashes */
};

static int word_byte(unsigned char c)
{
  return c >= 0x80 || ((unsigned)(c - '0') < 10u) ||
         ((unsigned)(c - 'a') < 26u);
}

/* FNV-1a over a (short) first word: cheaper than wsp_hash64 on the one
** look-up per word of every post. */
static uint64_t word_hash(const char *w, size_t n)
{
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)w[i]) * 0x100000001b3ull;
  return h;
}

#define FILTER_BIT(h) ((unsigned)((h) >> 48))

void wsp_gazetteer_free(wsp_gazetteer *g)
{
  if (!g)
    return;
  for (size_t i = 0; i < g->n_entries; i++)
    wsp_free(g->entries[i].value);
  for (size_t i = 0; i < g->n_aliases; i++)
    wsp_free(g->aliases[i].norm);
  wsp_free(g->entries);
  wsp_free(g->aliases);
  wsp_free(g->buckets);
  wsp_free(g);
}

static wsp_rc grow(void **p, size_t *cap, size_t need, size_t elem)
{
  size_t nc;
  void *q;

  if (need <= *cap)
    return WSP_OK;
  nc = *cap ? *cap * 2 : 64;
  while (nc < need)
    nc *= 2;
  q = wsp_realloc(*p, nc * elem);
  if (!q)
    return WSP_NOMEM;
  *p = q;
  *cap = nc;
  return WSP_OK;
}

/* Trim spaces around s[0..*len). */
static const char *trim(const char *s, size_t *len)
{
  while (*len && (*s == ' ' || *s == '\r'))
    s++, (*len)--;
  while (*len && (s[*len - 1] == ' ' || s[*len - 1] == '\r'))
    (*len)--;
  return s;
}

static wsp_rc add_alias(wsp_gazetteer *g, wsp_norm *nm, const char *a,
                        size_t alen, size_t entry)
{
  struct gaz_alias *al;
  wsp_rc rc;
  size_t f = 0;

  if ((rc = wsp_text_normalize(a, alen, nm)) != WSP_OK)
    return rc;
  if (nm->len == 0)
    return WSP_OK;
  if (g->n_aliases >= GAZ_MAX_ALIASES)
    return WSP_TOOBIG;
  if ((rc = grow((void **)&g->aliases, &g->cap_aliases, g->n_aliases + 1,
                 sizeof(*g->aliases))) != WSP_OK)
    return rc;
  al = &g->aliases[g->n_aliases];
  al->norm = wsp_strndup(nm->text, nm->len);
  if (!al->norm)
    return WSP_NOMEM;
  al->len = nm->len;
  while (f < al->len && word_byte((unsigned char)al->norm[f]))
    f++;
  al->first = f;
  al->entry = entry;
  al->hash = word_hash(al->norm, f);
  g->filter[FILTER_BIT(al->hash) >> 6] |= 1ull << (FILTER_BIT(al->hash) & 63);
  al->next = SIZE_MAX;
  g->n_aliases++;
  return WSP_OK;
}

wsp_rc wsp_gazetteer_load(const char *path, wsp_gazetteer **out, wsp_err *err)
{
  wsp_gazetteer *g = NULL;
  FILE *f = NULL;
  char line[GAZ_MAX_LINE + 2];
  size_t lineno = 0;
  wsp_norm nm;
  wsp_rc rc = WSP_NOMEM;

  *out = NULL;
  wsp_norm_init(&nm);
  g = wsp_calloc(1, sizeof(*g));
  if (!g)
    goto fail;
  f = fopen(path, "r");
  if (!f) {
    rc = wsp_err_set(err, WSP_IO, "%s: cannot open", path);
    goto fail;
  }
  while (fgets(line, sizeof(line), f)) {
    size_t len = strlen(line);
    const char *fld[4];
    size_t fl[4], nf = 0;
    const char *p = line;
    struct gaz_entry *e;
    int region, cap = 0;

    lineno++;
    if (len > GAZ_MAX_LINE) {
      rc = wsp_err_set(err, WSP_PARSE, "%s:%zu: line too long", path, lineno);
      goto fail;
    }
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
      line[--len] = '\0';
    {
      size_t tl = len;
      const char *tp = trim(line, &tl);
      if (tl == 0 || tp[0] == '#')
        continue;
    }
    while (nf < 4) {
      const char *tab = memchr(p, '\t', (size_t)(line + len - p));
      size_t l = tab ? (size_t)(tab - p) : (size_t)(line + len - p);
      fld[nf] = trim(p, &l);
      fl[nf++] = l;
      if (!tab)
        break;
      p = tab + 1;
    }
    if (nf < 3) {
      rc = wsp_err_set(err, WSP_PARSE,
                       "%s:%zu: expected kind<TAB>value<TAB>aliases", path,
                       lineno);
      goto fail;
    }
#define FIELD_IS(i, lit)                                                       \
  (fl[i] == strlen(lit) && memcmp(fld[i], lit, fl[i]) == 0)
    if (FIELD_IS(0, "country") || FIELD_IS(0, "hub"))
      region = 0;
    else if (FIELD_IS(0, "province") || FIELD_IS(0, "city"))
      region = 1;
    else {
      rc = wsp_err_set(err, WSP_PARSE,
                       "%s:%zu: unknown kind '%.*s' (country, hub, province, "
                       "city)",
                       path, lineno, (int)fl[0], fld[0]);
      goto fail;
    }
    if (fl[1] == 0 || fl[2] == 0) {
      rc = wsp_err_set(err, WSP_PARSE, "%s:%zu: empty value or aliases", path,
                       lineno);
      goto fail;
    }
    if (nf == 4 && fl[3] > 0) {
      if (FIELD_IS(3, "cap"))
        cap = 1;
      else {
        rc = wsp_err_set(err, WSP_PARSE, "%s:%zu: unknown flag '%.*s' (cap)",
                         path, lineno, (int)fl[3], fld[3]);
        goto fail;
      }
    }
#undef FIELD_IS
    if ((rc = grow((void **)&g->entries, &g->cap_entries, g->n_entries + 1,
                   sizeof(*g->entries))) != WSP_OK)
      goto fail;
    e = &g->entries[g->n_entries];
    e->value = wsp_strndup(fld[1], fl[1]);
    if (!e->value) {
      rc = WSP_NOMEM;
      goto fail;
    }
    e->region = region;
    e->cap = cap;
    g->n_entries++;
    {
      const char *a = fld[2], *end = fld[2] + fl[2];
      while (a < end) {
        const char *bar = memchr(a, '|', (size_t)(end - a));
        size_t al = bar ? (size_t)(bar - a) : (size_t)(end - a);
        const char *at = trim(a, &al);
        if (al &&
            (rc = add_alias(g, &nm, at, al, g->n_entries - 1)) != WSP_OK) {
          if (rc == WSP_TOOBIG)
            wsp_err_set(err, rc, "%s:%zu: too many aliases", path, lineno);
          goto fail;
        }
        a = bar ? bar + 1 : end;
      }
    }
  }
  if (ferror(f)) {
    rc = wsp_err_set(err, WSP_IO, "%s: read error", path);
    goto fail;
  }
  /* bucket index by first-word hash */
  g->n_buckets = 64;
  while (g->n_buckets < g->n_aliases * 2)
    g->n_buckets *= 2;
  g->buckets = wsp_malloc(g->n_buckets * sizeof(size_t));
  if (!g->buckets) {
    rc = WSP_NOMEM;
    goto fail;
  }
  for (size_t i = 0; i < g->n_buckets; i++)
    g->buckets[i] = SIZE_MAX;
  for (size_t i = g->n_aliases; i-- > 0;) {
    size_t b = (size_t)(g->aliases[i].hash & (g->n_buckets - 1));
    g->aliases[i].next = g->buckets[b];
    g->buckets[b] = i;
  }
  fclose(f);
  wsp_norm_cleanup(&nm);
  *out = g;
  return WSP_OK;
fail:
  if (rc == WSP_NOMEM)
    wsp_err_set(err, rc, "%s: out of memory", path);
  if (f)
    fclose(f);
  wsp_norm_cleanup(&nm);
  wsp_gazetteer_free(g);
  return rc;
}

size_t wsp__gazetteer_match(const wsp_gazetteer *g, const char *t, size_t len,
                            size_t pos, size_t wend, const char **value,
                            int *region, int *cap)
{
  size_t f = wend, best = 0, bi = SIZE_MAX;
  uint64_t h;

  if (!g || g->n_aliases == 0 || pos >= len)
    return 0;
  if (f <= pos || f > len)
    return 0;
  h = word_hash(t + pos, f - pos);
  if (!(g->filter[FILTER_BIT(h) >> 6] >> (FILTER_BIT(h) & 63) & 1))
    return 0;
  for (size_t i = g->buckets[h & (g->n_buckets - 1)]; i != SIZE_MAX;
       i = g->aliases[i].next) {
    const struct gaz_alias *a = &g->aliases[i];
    if (a->hash != h || a->first != f - pos || a->len > len - pos ||
        a->len <= best)
      continue;
    if (memcmp(t + pos, a->norm, a->len) != 0)
      continue;
    if (pos + a->len < len && word_byte((unsigned char)t[pos + a->len]))
      continue;
    best = a->len;
    bi = i;
  }
  if (bi == SIZE_MAX)
    return 0;
  *value = g->entries[g->aliases[bi].entry].value;
  *region = g->entries[g->aliases[bi].entry].region;
  *cap = g->entries[g->aliases[bi].entry].cap;
  return best;
}
