/* bayes/tokenize.c: words, number shapes, bigrams, character n-grams and
** entity tokens for the naive Bayes scorer (see tokenize.h). */
#include "bayes/tokenize.h"

#include "bayes/gramcache.h"
#include "core/alloc.h"
#include "core/hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A shaped word is never longer than the word (5+ digits shrink to 3). */
#define SHAPED_MAX (WSP_TOK_MAX_TOKEN_LEN + 4)

void wsp_tok_opts_default(wsp_tok_opts *o)
{
  memset(o, 0, sizeof(*o));
  o->words = 1;
  o->bigrams = 1;
  o->entities = 1;
  o->cgram_min = 2;
  o->cgram_max = 5;
  o->max_token = 32;
  o->max_words = 2048;
}

wsp_rc wsp_tok_opts_check(const wsp_tok_opts *o)
{
  if (!o || o->max_token < 4 || o->max_token > WSP_TOK_MAX_TOKEN_LEN ||
      o->max_words < 1 || o->cgram_max > 8 || o->cgram_min > o->cgram_max ||
      (o->cgram_max && !o->cgram_min))
    return WSP_INVAL;
  return WSP_OK;
}

uint64_t wsp_tok_hash(wsp_tok_kind k, const char *s, size_t n)
{
  uint64_t h;

  if (n <= 8) {
    /* most tokens (character n-grams) are short: one mixing round over the
    ** bytes packed little-endian, keyed by the length */
    uint64_t v = 0;
    for (size_t i = n; i-- > 0;)
      v = (v << 8) | (unsigned char)s[i];
    h = wsp_hash64_mix(WSP_TOK_SEED + n, v);
  } else {
    h = wsp_hash64(s, n, WSP_TOK_SEED);
  }
  return (h & (UINT64_MAX >> 2)) | ((uint64_t)(k & 3) << 62);
}

wsp_tok_kind wsp_tok_kind_of_text(const char *s, size_t n)
{
  if (n >= 2 && s[0] == 'c' && s[1] == ':')
    return WSP_TOK_CGRAM;
  if (n >= 2 && s[0] == '<' && s[n - 1] == '>')
    return WSP_TOK_ENTITY;
  if (memchr(s, ' ', n))
    return WSP_TOK_BIGRAM;
  return WSP_TOK_WORD;
}

void wsp_tokens_init(wsp_tokens *t)
{
  memset(t, 0, sizeof(*t));
}

void wsp_tokens_cleanup(wsp_tokens *t)
{
  wsp_free(t->items);
  wsp_free(t->ref);
  wsp_free(t->text);
  wsp_free(t->set);
  wsp_gram_cache_free(t->cache);
  memset(t, 0, sizeof(*t));
}

const char *wsp_token_text(const wsp_tokens *t, size_t i, size_t *len)
{
  *len = t->items[i].len;
  return t->text + t->items[i].off;
}

/* reserve, when t must grow. */
static wsp_rc grow(wsp_tokens *t, size_t n, size_t bytes)
{
  if (t->count + n > t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 256;
    while (cap < t->count + n)
      cap *= 2;
    wsp_token *p = wsp_realloc(t->items, cap * sizeof(*p));
    if (!p)
      return WSP_NOMEM;
    t->items = p;
    uint32_t *r = wsp_realloc(t->ref, cap * sizeof(*r));
    if (!r)
      return WSP_NOMEM;
    t->ref = r;
    t->cap = cap;
  }
  if (t->text_len + bytes > t->text_cap) {
    size_t cap = t->text_cap ? t->text_cap * 2 : 4096;
    while (cap < t->text_len + bytes)
      cap *= 2;
    char *p = wsp_realloc(t->text, cap);
    if (!p)
      return WSP_NOMEM;
    t->text = p;
    t->text_cap = cap;
  }
  return WSP_OK;
}

/* Room for n more tokens with `bytes` more bytes of printable forms. */
static wsp_rc reserve(wsp_tokens *t, size_t n, size_t bytes)
{
  if (t->count + n <= t->cap && t->text_len + bytes <= t->text_cap)
    return WSP_OK;
  return grow(t, n, bytes);
}

/* Append a token whose printable form (n bytes) was just written at the end
** of t->text. */
static void emit(wsp_tokens *t, wsp_tok_kind kind, uint64_t hash, size_t n,
                 uint32_t ref)
{
  wsp_token *tok = &t->items[t->count];
  tok->hash = hash;
  tok->off = (uint32_t)t->text_len;
  tok->len = (uint16_t)n;
  tok->kind = (uint8_t)kind;
  t->ref[t->count++] = ref;
  t->text_len += n;
}

/* Append one token (a followed by b) of hash h, or of its form's hash if h
** is NULL; WSP_TOOBIG when the per-post cap is reached. */
static wsp_rc push_hashed(wsp_tokens *t, wsp_tok_kind kind, const char *a,
                          size_t alen, const char *b, size_t blen,
                          const uint64_t *h)
{
  size_t n = alen + blen;
  wsp_rc rc;

  if (t->count >= WSP_TOK_MAX_TOKENS) {
    t->truncated = 1;
    return WSP_TOOBIG;
  }
  if ((rc = reserve(t, 1, n)) != WSP_OK)
    return rc;
  char *dst = t->text + t->text_len;
  if (alen)
    memcpy(dst, a, alen);
  if (blen)
    memcpy(dst + alen, b, blen);
  emit(t, kind, h ? *h : wsp_tok_hash(kind, dst, n), n, WSP_GRAM_NONE);
  return WSP_OK;
}

static wsp_rc push(wsp_tokens *t, wsp_tok_kind kind, const char *a, size_t alen,
                   const char *b, size_t blen)
{
  return push_hashed(t, kind, a, alen, b, blen, NULL);
}

static int is_word_byte(unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c >= 0x80;
}

/* Shape word w[0..n) into out (digit runs -> "#", "##", ..., "#5+", "#8+";
** ASCII folded to lower case); returns the shaped length. */
static size_t shape_word(const char *w, size_t n, char *out)
{
  size_t o = 0;

  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)w[i];
    if (c >= '0' && c <= '9') {
      size_t j = i;
      while (j < n && w[j] >= '0' && w[j] <= '9')
        j++;
      size_t d = j - i;
      if (d <= 4) {
        memset(out + o, '#', d);
        o += d;
      } else {
        memcpy(out + o, d < 8 ? "#5+" : "#8+", 3);
        o += 3;
      }
      i = j;
      continue;
    }
    out[o++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
    i++;
  }
  return o;
}

/* Character n-grams of '_' + w + '_' counted in UTF-8 characters, each
** pushed as "c:" + n-gram. */
static wsp_rc push_cgrams(wsp_tokens *t, const wsp_tok_opts *o, const char *w,
                          size_t n)
{
  char padded[SHAPED_MAX + 4];
  size_t starts[SHAPED_MAX + 4];
  size_t nchars = wsp_cgram_layout(w, n, padded, starts);
  wsp_rc rc;

  for (size_t k = o->cgram_min; k <= o->cgram_max && k <= nchars; k++) {
    for (size_t s = 0; s + k <= nchars; s++) {
      size_t a = starts[s], b = starts[s + k];
      if ((rc = push(t, WSP_TOK_CGRAM, "c:", 2, padded + a, b - a)) != WSP_OK)
        return rc;
    }
  }
  return WSP_OK;
}

/* The n-grams of cache entry e, as push_cgrams would push them: all, or up to
** the per-post cap (then WSP_TOOBIG). */
static wsp_rc push_cached(wsp_tokens *t, const wsp_gram_cache *c, size_t e)
{
  size_t base = e * WSP_GRAM_PER_WORD, n = c->words[e].ngrams;
  size_t bytes = c->words[e].text_len;
  wsp_rc rc;

  if (t->count + n > WSP_TOK_MAX_TOKENS) {
    n = WSP_TOK_MAX_TOKENS - t->count;
    bytes = n ? c->toks[base + n - 1].off + c->toks[base + n - 1].len : 0;
  }
  if ((rc = reserve(t, n, bytes)) != WSP_OK)
    return rc;
  memcpy(t->text + t->text_len, c->text + e * WSP_GRAM_TEXT, bytes);
  wsp_token *tok = t->items + t->count;
  uint32_t *ref = t->ref + t->count, off = (uint32_t)t->text_len;
  memcpy(tok, c->toks + base, n * sizeof(*tok));
  for (size_t j = 0; j < n; j++) {
    tok[j].off += off;
    ref[j] = (uint32_t)(base + j);
  }
  t->count += n;
  t->text_len += bytes;
  if (n < c->words[e].ngrams) {
    t->truncated = 1;
    return WSP_TOOBIG;
  }
  return WSP_OK;
}

/* The n-grams of the shaped word w[0..n) of word-token hash key, from t's
** cache when it can hold them. */
static wsp_rc push_word_cgrams(wsp_tokens *t, const wsp_tok_opts *o,
                               const char *w, size_t n, uint64_t key)
{
  long e = -1;

  if (!t->cache)
    t->cache = wsp_gram_cache_new(); /* none: n-grams computed every time */
  if (t->cache)
    e = wsp_gram_cache_word(t->cache, o, key, w, n);
  if (e < 0)
    return push_cgrams(t, o, w, n);
  return push_cached(t, t->cache, (size_t)e);
}

/* Cut n down to at most max bytes without splitting a UTF-8 character. */
static size_t utf8_cut(const char *s, size_t n, size_t max)
{
  if (n <= max)
    return n;
  n = max;
  while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
    n--;
  return n;
}

static const char *kind_name(wsp_entity_kind k)
{
  switch (k) {
#define WSP_X(name, str)                                                       \
  case WSP_ENT_##name:                                                         \
    return str;
    WSP_ENTITY_KINDS(WSP_X)
#undef WSP_X
  default:
    return NULL;
  }
}

static wsp_rc push_entities(wsp_tokens *t, const wsp_tok_opts *o,
                            const wsp_entities *ents)
{
  wsp_rc rc;

  for (size_t i = 0; ents && i < ents->count; i++) {
    const wsp_entity *e = &ents->items[i];
    const char *name = kind_name(e->kind);
    char buf[2 * WSP_TOK_MAX_TOKEN_LEN + 8];
    int n;

    if (!name)
      continue;
    n = snprintf(buf, sizeof(buf), "<%s>", name);
    if ((rc = push(t, WSP_TOK_ENTITY, buf, (size_t)n, NULL, 0)) != WSP_OK)
      return rc;
    if ((e->kind == WSP_ENT_COUNTRY || e->kind == WSP_ENT_REGION) && e->value) {
      size_t vl = utf8_cut(e->value, strlen(e->value), o->max_token);
      n = snprintf(buf, sizeof(buf), "<%s:%.*s>", name, (int)vl, e->value);
      for (int j = 0; j < n; j++)
        if (buf[j] >= 'A' && buf[j] <= 'Z')
          buf[j] = (char)(buf[j] + 32);
      if ((rc = push(t, WSP_TOK_ENTITY, buf, (size_t)n, NULL, 0)) != WSP_OK)
        return rc;
    }
  }
  return WSP_OK;
}

/* Nonzero if the word of word-token hash key was not yet in set (cap
** slots, 0 = none: always 1); adds it. */
static int first_time(uint64_t *set, size_t cap, uint64_t key)
{
  if (!cap)
    return 1;
  uint64_t h = key | 1; /* never 0 */
  for (size_t j = (size_t)(h ^ (h >> 29)) & (cap - 1);;
       j = (j + 1) & (cap - 1)) {
    if (set[j] == h)
      return 0;
    if (set[j] == 0) {
      set[j] = h;
      return 1;
    }
  }
}

wsp_rc wsp_tokenize(const wsp_tok_opts *o, const char *norm, size_t len,
                    const wsp_entities *ents, wsp_tokens *out)
{
  char prev[SHAPED_MAX + 1], cur[SHAPED_MAX + 1];
  size_t prev_len = 0, nwords = 0, i = 0;
  wsp_rc rc = WSP_OK;

  out->count = 0;
  out->text_len = 0;
  out->truncated = 0;
  if (wsp_tok_opts_check(o) != WSP_OK || (!norm && len))
    return WSP_INVAL;
  /* set of the words seen so far (by word-token hash), to expand each
  ** distinct word into character n-grams once; without memory for it every
  ** occurrence is expanded, which gives the same features */
  size_t wcap = 0;
  if (o->cgram_min) {
    size_t maxw = len / 2 + 1 < o->max_words ? len / 2 + 1 : o->max_words;
    wcap = 16;
    while (wcap < maxw * 2)
      wcap *= 2;
    if (wcap > out->set_cap) {
      uint64_t *p = wsp_realloc(out->set, wcap * sizeof(*p));
      if (p) {
        out->set = p;
        out->set_cap = wcap;
      } else {
        wcap = 0;
      }
    }
    if (wcap)
      memset(out->set, 0, wcap * sizeof(*out->set));
  }
  while (i < len) {
    while (i < len && !is_word_byte((unsigned char)norm[i]))
      i++;
    if (i >= len)
      break;
    size_t s = i;
    while (i < len && is_word_byte((unsigned char)norm[i]))
      i++;
    if (nwords >= o->max_words) {
      out->truncated = 1;
      break;
    }
    size_t wl = utf8_cut(norm + s, i - s, o->max_token);
    size_t cl = shape_word(norm + s, wl, cur);
    if (cl == 0)
      continue;
    nwords++;
    uint64_t key = wsp_tok_hash(WSP_TOK_WORD, cur, cl);
    if (o->words &&
        (rc = push_hashed(out, WSP_TOK_WORD, cur, cl, NULL, 0, &key)) != WSP_OK)
      goto fail;
    if (o->bigrams && prev_len) {
      char pair[SHAPED_MAX + 2];
      memcpy(pair, prev, prev_len);
      pair[prev_len] = ' ';
      if ((rc = push(out, WSP_TOK_BIGRAM, pair, prev_len + 1, cur, cl)) !=
          WSP_OK)
        goto fail;
    }
    if (o->cgram_min && first_time(out->set, wcap, key) &&
        (rc = push_word_cgrams(out, o, cur, cl, key)) != WSP_OK)
      goto fail;
    memcpy(prev, cur, cl);
    prev_len = cl;
  }
  if (o->entities && (rc = push_entities(out, o, ents)) != WSP_OK)
    goto fail;
  return WSP_OK;
fail:
  if (rc == WSP_TOOBIG) /* cap reached: keep what we have */
    return WSP_OK;
  out->count = 0;
  out->text_len = 0;
  return rc;
}

static int cmp_tok(const void *a, const void *b)
{
  const wsp_token *x = a, *y = b;
  if (x->hash != y->hash)
    return x->hash < y->hash ? -1 : 1;
  return x->off < y->off ? -1 : x->off > y->off;
}

void wsp_tokens_unique(wsp_tokens *t)
{
  size_t n = 0, cap = 64;
  int zero = 0;

  if (t->count < 2)
    return;
  while (cap < t->count * 2)
    cap *= 2;
  if (cap > t->set_cap) {
    uint64_t *p = wsp_realloc(t->set, cap * sizeof(*p));
    if (!p) { /* sort instead */
      qsort(t->items, t->count, sizeof(*t->items), cmp_tok);
      for (size_t i = 0; i < t->count; i++)
        if (n == 0 || t->items[i].hash != t->items[n - 1].hash) {
          t->ref[n] = WSP_GRAM_NONE; /* refs did not follow the sort */
          t->items[n++] = t->items[i];
        }
      t->count = n;
      return;
    }
    t->set = p;
    t->set_cap = cap;
  }
  memset(t->set, 0, cap * sizeof(*t->set));
  for (size_t i = 0; i < t->count; i++) {
    uint64_t h = t->items[i].hash;
    int fresh;
    if (h == 0) { /* 0 marks empty slots; track it aside */
      fresh = !zero;
      zero = 1;
    } else {
      size_t j = (size_t)(h ^ (h >> 29)) & (cap - 1);
      while (t->set[j] != h && t->set[j] != 0)
        j = (j + 1) & (cap - 1);
      fresh = t->set[j] == 0;
      t->set[j] = h;
    }
    /* copy unconditionally, keep if fresh: no branch to mispredict */
    t->ref[n] = t->ref[i];
    t->items[n] = t->items[i];
    n += (size_t)fresh;
  }
  t->count = n;
}
