/* bayes/gramcache.c: the per-thread cache of words' character n-grams, of
** token weights, and the per-post sets of tokens seen (see gramcache.h). */
#include "bayes/gramcache.h"

#include "core/alloc.h"

#include <string.h>

wsp_gram_cache *wsp_gram_cache_new(void)
{
  return wsp_calloc(1, sizeof(wsp_gram_cache));
}

void wsp_gram_cache_free(wsp_gram_cache *c)
{
  if (!c)
    return;
  wsp_free(c->seen.marks);
  wsp_free(c->seen.set);
  wsp_free(c);
}

size_t wsp_cgram_layout(const char *w, size_t n, char *padded, size_t *starts)
{
  size_t nchars = 0, plen = n + 4;

  memcpy(padded, "c:_", 3);
  memcpy(padded + 3, w, n);
  padded[3 + n] = '_';
  for (size_t i = 2; i < plen; i++)
    if (((unsigned char)padded[i] & 0xC0) != 0x80)
      starts[nchars++] = i;
  starts[nchars] = plen;
  return nchars;
}

/* Compute the n-grams of w[0..n) into entry e; 0 if they do not fit. */
static int fill(wsp_gram_cache *c, size_t e, const char *w, size_t n)
{
  char padded[WSP_TOK_MAX_TOKEN_LEN + 4];
  size_t starts[WSP_TOK_MAX_TOKEN_LEN + 4];
  size_t nchars = wsp_cgram_layout(w, n, padded, starts);
  size_t g = 0, used = 0;
  wsp_token *toks = c->toks + e * WSP_GRAM_PER_WORD;
  char *text = c->text + e * WSP_GRAM_TEXT;

  for (size_t k = c->cgram_min; k <= c->cgram_max && k <= nchars; k++) {
    for (size_t s = 0; s + k <= nchars; s++) {
      size_t a = starts[s], len = 2 + starts[s + k] - a;
      if (g == WSP_GRAM_PER_WORD || used + len > WSP_GRAM_TEXT)
        return 0;
      memcpy(text + used, "c:", 2);
      memcpy(text + used + 2, padded + a, len - 2);
      toks[g].hash = wsp_tok_hash(WSP_TOK_CGRAM, text + used, len);
      toks[g].off = (uint32_t)used;
      toks[g].len = (uint16_t)len;
      toks[g].kind = WSP_TOK_CGRAM;
      c->grams[e * WSP_GRAM_PER_WORD + g].gen = 0;
      used += len;
      g++;
    }
  }
  c->words[e].ngrams = (uint8_t)g;
  c->words[e].text_len = (uint16_t)used;
  return 1;
}

/* Forget every word and adopt the n-gram settings of o. */
static void reset(wsp_gram_cache *c, const wsp_tok_opts *o)
{
  memset(c->words, 0, sizeof(c->words));
  c->clock = 0;
  c->cgram_min = o->cgram_min;
  c->cgram_max = o->cgram_max;
}

/* Entry of the set of key holding word w[0..n), or the set's least
** recently used entry (to be refilled) with *hit = 0. */
static size_t find_way(wsp_gram_cache *c, uint64_t key, const char *w, size_t n,
                       int *hit)
{
  size_t set = (size_t)key & (WSP_GRAM_WORDS / WSP_GRAM_WAYS - 1);
  size_t first = set * WSP_GRAM_WAYS, lru = first;

  for (size_t e = first; e < first + WSP_GRAM_WAYS; e++) {
    const wsp_gram_word *x = &c->words[e];
    if (x->len == n && x->key == key && memcmp(x->word, w, n) == 0) {
      *hit = 1;
      return e;
    }
    if (c->clock - x->used > c->clock - c->words[lru].used)
      lru = e;
  }
  *hit = 0;
  return lru;
}

long wsp_gram_cache_word(wsp_gram_cache *c, const wsp_tok_opts *o, uint64_t key,
                         const char *w, size_t n)
{
  int hit;

  if (c->cgram_min != o->cgram_min || c->cgram_max != o->cgram_max)
    reset(c, o);
  if (n == 0 || n > sizeof(c->words[0].word))
    return -1;
  size_t e = find_way(c, key, w, n, &hit);
  wsp_gram_word *x = &c->words[e];
  x->used = ++c->clock;
  if (hit)
    return (long)e;
  x->len = 0; /* empty unless the fill succeeds */
  if (!fill(c, e, w, n))
    return -1;
  x->key = key;
  x->len = (uint8_t)n;
  memcpy(x->word, w, n);
  return (long)e;
}

void wsp_gram_cache_model(wsp_gram_cache *c, uint64_t stamp)
{
  if (c->gen && c->stamp == stamp)
    return;
  c->stamp = stamp;
  if (++c->gen == 0) { /* wrapped: forget every old generation */
    for (size_t i = 0; i < WSP_GRAM_SLOTS; i++)
      c->grams[i].gen = 0;
    c->gen = 1;
  }
}

/* Grow *p (elements of size sz, *cap of them) to at least want, zeroed;
** 0 if out of memory (*p unchanged). */
static int grow_zeroed(void **p, size_t *cap, size_t want, size_t sz)
{
  if (want <= *cap)
    return 1;
  void *q = wsp_realloc(*p, want * sz);
  if (!q)
    return 0;
  memset(q, 0, want * sz);
  *p = q;
  *cap = want;
  return 1;
}

int wsp_gram_seen_begin(wsp_gram_seen *s, size_t nranks, size_t ntokens)
{
  size_t set_cap = 64;

  while (set_cap < ntokens * 2)
    set_cap *= 2;
  if (!grow_zeroed((void **)&s->marks, &s->marks_cap, nranks,
                   sizeof(*s->marks)) ||
      !grow_zeroed((void **)&s->set, &s->set_cap, set_cap, sizeof(*s->set)))
    return 0;
  s->set_mask = set_cap - 1;
  if (++s->mark == 0) { /* wrapped: forget every old mark */
    if (s->marks_cap)
      memset(s->marks, 0, s->marks_cap);
    s->mark = 1;
  }
  if (++s->epoch == 0) { /* wrapped: forget every old epoch */
    memset(s->set, 0, s->set_cap * sizeof(*s->set));
    s->epoch = 1;
  }
  return 1;
}
