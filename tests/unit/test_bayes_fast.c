/* tests/unit/test_bayes_fast.c: the fast scoring path (per-thread n-gram
** cache, memoised weights, de-duplication by model rank; bayes/gramcache.h)
** gives exactly the scores of a straightforward reference written here:
** the tokeniser as documented in bayes/tokenize.h (every n-gram hashed from
** its printable form, first occurrences found by comparing bytes), then the
** first token of each hash scored by wsp_bayes_score_hashes (a table look-up
** per token). Scores must agree bit for bit, and so must the tokens, before
** and after scoring, on the labelled posts of tests/eval, on hostile texts,
** and across models, model changes and tokeniser settings sharing one
** wsp_tokens. */
#include "bayes/model.h"
#include "bayes/dataset.h"
#include "bayes/tokenize.h"
#include "text/entities.h"
#include "text/normalize.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* ---- reference tokeniser ---- */

typedef struct ref_tok {
  wsp_tok_kind kind;
  uint64_t hash;
  char *form;
  size_t len;
} ref_tok;

typedef struct ref_list {
  ref_tok *v;
  size_t n, cap;
  int full;      /* WSP_TOK_MAX_TOKENS reached */
  int truncated; /* that, or max_words */
} ref_list;

static void ref_push(ref_list *l, wsp_tok_kind kind, const char *a, size_t alen,
                     const char *b, size_t blen)
{
  if (l->n >= WSP_TOK_MAX_TOKENS) {
    l->full = l->truncated = 1;
    return;
  }
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 256;
    l->v = realloc(l->v, l->cap * sizeof(*l->v));
    assert_non_null(l->v);
  }
  ref_tok *t = &l->v[l->n++];
  t->kind = kind;
  t->len = alen + blen;
  t->form = malloc(t->len + 1);
  assert_non_null(t->form);
  memcpy(t->form, a, alen);
  memcpy(t->form + alen, b, blen);
  t->hash = wsp_tok_hash(kind, t->form, t->len);
}

static void ref_free(ref_list *l)
{
  for (size_t i = 0; i < l->n; i++)
    free(l->v[i].form);
  free(l->v);
  memset(l, 0, sizeof(*l));
}

static int ref_word_byte(unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c >= 0x80;
}

static size_t ref_cut(const char *s, size_t n, size_t max)
{
  if (n <= max)
    return n;
  while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
    max--;
  return max;
}

/* Digit runs -> "#".."####", "#5+", "#8+"; ASCII lower case. */
static size_t ref_shape(const char *w, size_t n, char *out)
{
  size_t o = 0, i = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && w[j] >= '0' && w[j] <= '9')
      j++;
    if (j > i) {
      size_t d = j - i;
      const char *s = d <= 4 ? "####" : d < 8 ? "#5+" : "#8+";
      size_t k = d <= 4 ? d : 3;
      memcpy(out + o, s, k);
      o += k;
      i = j;
    } else {
      char c = w[i++];
      out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
  }
  return o;
}

/* "c:" + each character n-gram of "_" w "_" (k-major, cgram_min up). */
static void ref_cgrams(ref_list *l, const wsp_tok_opts *o, const char *w,
                       size_t n)
{
  char pad[80];
  size_t starts[80], nc = 0;
  pad[0] = '_';
  memcpy(pad + 1, w, n);
  pad[n + 1] = '_';
  for (size_t i = 0; i < n + 2; i++)
    if (((unsigned char)pad[i] & 0xC0) != 0x80)
      starts[nc++] = i;
  starts[nc] = n + 2;
  for (size_t k = o->cgram_min; k <= o->cgram_max; k++)
    for (size_t s = 0; s + k <= nc; s++)
      ref_push(l, WSP_TOK_CGRAM, "c:", 2, pad + starts[s],
               starts[s + k] - starts[s]);
}

static int ref_seen(char (*seen)[80], const size_t *seen_len, size_t nseen,
                    const char *w, size_t n)
{
  for (size_t i = 0; i < nseen; i++)
    if (seen_len[i] == n && memcmp(seen[i], w, n) == 0)
      return 1;
  return 0;
}

static void ref_entities(ref_list *l, const wsp_tok_opts *o,
                         const wsp_entities *ents)
{
  for (size_t i = 0; ents && i < ents->count && !l->full; i++) {
    const wsp_entity *e = &ents->items[i];
    const char *name = wsp_entity_kind_name(e->kind);
    char buf[256];
    if (!name)
      continue;
    int n = snprintf(buf, sizeof(buf), "<%s>", name);
    ref_push(l, WSP_TOK_ENTITY, buf, (size_t)n, "", 0);
    if ((e->kind == WSP_ENT_COUNTRY || e->kind == WSP_ENT_REGION) && e->value) {
      size_t vl = ref_cut(e->value, strlen(e->value), o->max_token);
      n = snprintf(buf, sizeof(buf), "<%s:%.*s>", name, (int)vl, e->value);
      for (int j = 0; j < n; j++)
        if (buf[j] >= 'A' && buf[j] <= 'Z')
          buf[j] = (char)(buf[j] + 32);
      ref_push(l, WSP_TOK_ENTITY, buf, (size_t)n, "", 0);
    }
  }
}

/* The tokens wsp_tokenize documents for text[0..len) and ents. */
static void ref_tokenize(const wsp_tok_opts *o, const char *text, size_t len,
                         const wsp_entities *ents, ref_list *l)
{
  char prev[80], cur[80];
  char(*seen)[80] = malloc(o->max_words * sizeof(*seen));
  size_t *seen_len = malloc(o->max_words * sizeof(*seen_len));
  size_t prev_len = 0, nwords = 0, i = 0;

  assert_true(seen && seen_len);
  while (i < len && !l->full) {
    while (i < len && !ref_word_byte((unsigned char)text[i]))
      i++;
    if (i >= len)
      break;
    size_t s = i;
    while (i < len && ref_word_byte((unsigned char)text[i]))
      i++;
    if (nwords >= o->max_words) {
      l->truncated = 1;
      break;
    }
    size_t cl =
        ref_shape(text + s, ref_cut(text + s, i - s, o->max_token), cur);
    if (cl == 0)
      continue;
    if (o->words)
      ref_push(l, WSP_TOK_WORD, cur, cl, "", 0);
    if (o->bigrams && prev_len) {
      prev[prev_len] = ' ';
      ref_push(l, WSP_TOK_BIGRAM, prev, prev_len + 1, cur, cl);
    }
    if (o->cgram_min && !ref_seen(seen, seen_len, nwords, cur, cl))
      ref_cgrams(l, o, cur, cl);
    memcpy(seen[nwords], cur, cl);
    seen_len[nwords++] = cl;
    memcpy(prev, cur, cl);
    prev_len = cl;
  }
  if (o->entities && !l->full)
    ref_entities(l, o, ents);
  free(seen);
  free(seen_len);
}

/* ---- reference scorer ---- */

typedef struct hash_at {
  uint64_t hash;
  size_t at;
} hash_at;

static int cmp_hash_at(const void *a, const void *b)
{
  const hash_at *x = a, *y = b;
  if (x->hash != y->hash)
    return x->hash < y->hash ? -1 : 1;
  return x->at < y->at ? -1 : x->at > y->at;
}

static int cmp_at(const void *a, const void *b)
{
  const hash_at *x = a, *y = b;
  return x->at < y->at ? -1 : x->at > y->at;
}

/* Keep the first token of each hash, in order (indices into l in *keep). */
static size_t ref_unique(const ref_list *l, size_t *keep)
{
  hash_at *v = malloc((l->n ? l->n : 1) * sizeof(*v));
  size_t n = 0;
  assert_non_null(v);
  for (size_t i = 0; i < l->n; i++) {
    v[i].hash = l->v[i].hash;
    v[i].at = i;
  }
  qsort(v, l->n, sizeof(*v), cmp_hash_at);
  for (size_t i = 0; i < l->n; i++)
    if (i == 0 || v[i].hash != v[i - 1].hash)
      v[n++] = v[i];
  qsort(v, n, sizeof(*v), cmp_at);
  for (size_t i = 0; i < n; i++)
    keep[i] = v[i].at;
  free(v);
  return n;
}

static void ref_score(const wsp_bayes_model *m, const ref_list *l,
                      const size_t *keep, size_t n, wsp_bayes_result *r)
{
  uint64_t *h = malloc((n ? n : 1) * sizeof(*h));
  size_t known = 0;
  assert_non_null(h);
  for (size_t i = 0; i < n; i++) {
    const ref_tok *t = &l->v[keep[i]];
    uint32_t c[2];
    h[i] = t->hash;
    wsp_bayes_token_counts(m, t->form, t->len, c);
    known += c[0] || c[1];
  }
  wsp_bayes_score_hashes(m, h, n, r);
  r->known = known;
  free(h);
}

/* ---- comparison ---- */

static void same_double(double a, double b)
{
  assert_memory_equal(&a, &b, sizeof(a));
}

/* Tokens of t are those of l at indices keep[0..n) (all of l if !keep). */
static void same_tokens(const wsp_tokens *t, const ref_list *l,
                        const size_t *keep, size_t n)
{
  assert_int_equal(t->count, n);
  for (size_t i = 0; i < n; i++) {
    const ref_tok *r = &l->v[keep ? keep[i] : i];
    size_t len;
    const char *form = wsp_token_text(t, i, &len);
    assert_true(t->items[i].hash == r->hash);
    assert_int_equal(t->items[i].kind, r->kind);
    assert_int_equal(len, r->len);
    assert_memory_equal(form, r->form, len);
  }
}

/* Tokenise and score text with m through t (fast path) and the reference;
** everything must agree. unique_first: de-duplicate t before scoring. */
static void check_text(const wsp_bayes_model *m, wsp_tokens *t,
                       const char *text, size_t len, const wsp_entities *ents,
                       int unique_first)
{
  const wsp_tok_opts *o = &wsp_bayes_config_of(m)->tok;
  ref_list l = {0};
  wsp_bayes_result fast, ref;

  assert_int_equal(wsp_tokenize(o, text, len, ents, t), WSP_OK);
  ref_tokenize(o, text, len, ents, &l);
  same_tokens(t, &l, NULL, l.n);
  assert_int_equal(!!t->truncated, l.truncated);
  size_t *keep = malloc((l.n ? l.n : 1) * sizeof(*keep));
  assert_non_null(keep);
  size_t n = ref_unique(&l, keep);
  if (unique_first)
    wsp_tokens_unique(t);
  wsp_bayes_score(m, t, &fast);
  ref_score(m, &l, keep, n, &ref);
  same_double(fast.p, ref.p);
  same_double(fast.logodds, ref.logodds);
  same_double(fast.raw, ref.raw);
  assert_int_equal(fast.call, ref.call);
  assert_int_equal(fast.known, ref.known);
  same_tokens(t, &l, keep, n);
  /* scoring the de-duplicated tokens again changes nothing */
  wsp_bayes_score(m, t, &fast);
  same_double(fast.logodds, ref.logodds);
  assert_int_equal(fast.known, ref.known);
  free(keep);
  ref_free(&l);
}

/* ---- fixtures ---- */

typedef struct posts {
  char **text;
  size_t *len;
  int *scam;
  size_t n, cap;
} posts;

static wsp_rc add_post(void *ud, const char *text, size_t len, int is_scam,
                       unsigned long line)
{
  posts *p = ud;
  (void)line;
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 256;
    p->text = realloc(p->text, p->cap * sizeof(*p->text));
    p->len = realloc(p->len, p->cap * sizeof(*p->len));
    p->scam = realloc(p->scam, p->cap * sizeof(*p->scam));
    assert_true(p->text && p->len && p->scam);
  }
  p->text[p->n] = malloc(len + 1);
  assert_non_null(p->text[p->n]);
  memcpy(p->text[p->n], text, len + 1);
  p->len[p->n] = len;
  p->scam[p->n++] = is_scam;
  return WSP_OK;
}

static char *source_path(const char *rel)
{
  const char *dir = getenv("WSP_SOURCE_DIR");
  static char buf[4096];
  snprintf(buf, sizeof(buf), "%s/%s", dir ? dir : ".", rel);
  return buf;
}

static void load_posts(posts *p)
{
  const char *files[] = {"tests/eval/posts.jsonl", "tests/eval/holdout.jsonl"};
  memset(p, 0, sizeof(*p));
  for (size_t i = 0; i < 2; i++) {
    wsp_data_spec def, spec;
    wsp_err err;
    char op[4200];
    wsp_data_spec_default(&def);
    snprintf(op, sizeof(op), "%s::text=text,label=label,scam=scam",
             source_path(files[i]));
    assert_int_equal(wsp_data_spec_parse(op, &def, &spec, &err), WSP_OK);
    assert_int_equal(wsp_data_read(&spec, add_post, p, NULL, &err), WSP_OK);
  }
  assert_true(p->n > 100);
}

static void free_posts(posts *p)
{
  for (size_t i = 0; i < p->n; i++)
    free(p->text[i]);
  free(p->text);
  free(p->len);
  free(p->scam);
}

static wsp_bayes_model *shipped_model(void)
{
  wsp_bayes_model *m;
  wsp_err err;
  assert_int_equal(
      wsp_bayes_load(source_path("models/default.model"), &m, &err), WSP_OK);
  return m;
}

/* A model trained on posts[first, first + n) with tokeniser settings o. */
static wsp_bayes_model *trained_model(const posts *p, size_t first, size_t n,
                                      const wsp_tok_opts *o)
{
  wsp_bayes_config cfg;
  wsp_bayes_model *m;
  wsp_tokens t;
  wsp_bayes_config_default(&cfg);
  cfg.tok = *o;
  assert_int_equal(wsp_bayes_new(&cfg, &m), WSP_OK);
  wsp_tokens_init(&t);
  for (size_t i = first; i < first + n && i < p->n; i++) {
    assert_int_equal(wsp_tokenize(o, p->text[i], p->len[i], NULL, &t), WSP_OK);
    assert_int_equal(wsp_bayes_learn(m, &t, p->scam[i]), WSP_OK);
  }
  wsp_tokens_cleanup(&t);
  return m;
}

/* ---- tests ---- */

/* The labelled posts, normalised and with their entities, as the scanner
** scores them: one wsp_tokens for all, so its caches are warm. */
static void test_labelled_posts(void **state)
{
  (void)state;
  posts p;
  wsp_gazetteer *gaz;
  wsp_err err;
  wsp_norm norm;
  wsp_entities ents;
  wsp_tokens t;
  wsp_bayes_model *m = shipped_model();

  load_posts(&p);
  assert_int_equal(
      wsp_gazetteer_load(source_path("rules/gazetteer.tsv"), &gaz, &err),
      WSP_OK);
  wsp_norm_init(&norm);
  wsp_entities_init(&ents);
  wsp_tokens_init(&t);
  for (int round = 0; round < 2; round++) {
    for (size_t i = 0; i < p.n; i++) {
      assert_int_equal(wsp_text_normalize(p.text[i], p.len[i], &norm), WSP_OK);
      assert_int_equal(
          wsp_entities_extract(p.text[i], p.len[i], &norm, gaz, &ents), WSP_OK);
      check_text(m, &t, norm.text, norm.len, &ents, (int)(i % 7 == 3));
      /* the raw text too: other bytes, other words */
      check_text(m, &t, p.text[i], p.len[i], NULL, 0);
    }
  }
  wsp_tokens_cleanup(&t);
  wsp_entities_cleanup(&ents);
  wsp_norm_cleanup(&norm);
  wsp_gazetteer_free(gaz);
  free_posts(&p);
  wsp_bayes_free(m);
}

/* Fill buf[0..n) with words made by a generator: distinct words of wlen
** random letters (or UTF-8 two-byte letters if utf8). */
static void random_words(char *buf, size_t n, size_t wlen, int utf8,
                         uint64_t seed)
{
  size_t i = 0;
  while (i < n) {
    for (size_t k = 0; k < wlen && i < n; k++) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      if (utf8 && i + 1 < n) {
        buf[i++] = (char)0xc3;
        buf[i++] = (char)(0x80 + (seed >> 59));
      } else {
        buf[i++] = (char)('a' + (seed >> 33) % 26);
      }
    }
    if (i < n)
      buf[i++] = ' ';
  }
}

static void test_hostile_texts(void **state)
{
  (void)state;
  size_t n = 1u << 20;
  char *big = malloc(n);
  wsp_tokens t;
  wsp_bayes_model *m = shipped_model();

  assert_non_null(big);
  wsp_tokens_init(&t);
  check_text(m, &t, "", 0, NULL, 0);
  check_text(m, &t, "   ...  !!", 10, NULL, 0);
  memset(big, 'a', n); /* one word of 1 MB, cut at max_token */
  check_text(m, &t, big, n, NULL, 0);
  for (size_t i = 0; i < n; i++) /* random bytes, invalid UTF-8 */
    big[i] = (char)((i * 2654435761u) >> 13);
  check_text(m, &t, big, n, NULL, 0);
  for (size_t i = 0; i + 6 <= n; i += 6) /* one word repeated */
    memcpy(big + i, "kerja ", 6);
  check_text(m, &t, big, n - n % 6, NULL, 0);
  /* many distinct words: short, 12 letters (the token cap is reached inside
  ** a cached word's n-grams), longer than a cache entry holds, UTF-8 */
  size_t lens[] = {3, 7, 12, 13, 17, 31, 40};
  for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
    random_words(big, 1u << 16, lens[k], 0, k);
    check_text(m, &t, big, 1u << 16, NULL, 0);
    random_words(big, 1u << 16, lens[k], 1, k);
    check_text(m, &t, big, 1u << 16, NULL, 0);
  }
  /* digits and number shapes, and the same words again (cache hits) */
  const char *s = "Gaji 15000000 per bulan, hub 0812345678 atau 0812-3456-78 "
                  "kerja kerja KERJA Kerja2 kerja123 loker loker";
  for (int i = 0; i < 3; i++)
    check_text(m, &t, s, strlen(s), NULL, i == 1);
  wsp_tokens_cleanup(&t);
  wsp_bayes_free(m);
  free(big);
}

/* One wsp_tokens scoring with several models in turn, one of them learning
** between scores (its weights change), one with other n-gram settings
** (the cache is rebuilt), one without n-grams (no cache). */
static void test_models_share_tokens(void **state)
{
  (void)state;
  posts p;
  wsp_tok_opts def, grams34, words;
  wsp_tokens t, plain;

  load_posts(&p);
  wsp_tok_opts_default(&def);
  grams34 = def;
  grams34.cgram_min = 3;
  grams34.cgram_max = 4;
  words = def;
  words.cgram_min = words.cgram_max = 0;
  wsp_bayes_model *ms[4] = {shipped_model(), trained_model(&p, 0, 60, &def),
                            trained_model(&p, 30, 80, &grams34),
                            trained_model(&p, 10, 50, &words)};
  wsp_tokens_init(&t);
  wsp_tokens_init(&plain);
  for (size_t i = 0; i < p.n; i++) {
    for (size_t k = 0; k < 4; k++)
      check_text(ms[k], &t, p.text[i], p.len[i], NULL, 0);
    check_text(ms[3], &plain, p.text[i], p.len[i], NULL, 0);
    if (i % 5 == 0) { /* learn: counts, ranks and stamp change */
      assert_int_equal(wsp_tokenize(&def, p.text[i], p.len[i], NULL, &t),
                       WSP_OK);
      assert_int_equal(wsp_bayes_learn(ms[1], &t, p.scam[i]), WSP_OK);
    }
    if (i == p.n / 2)
      assert_int_equal(wsp_bayes_prune(ms[1], 2), WSP_OK);
  }
  wsp_tokens_cleanup(&plain);
  wsp_tokens_cleanup(&t);
  for (size_t k = 0; k < 4; k++)
    wsp_bayes_free(ms[k]);
  free_posts(&p);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_labelled_posts),
      cmocka_unit_test(test_hostile_texts),
      cmocka_unit_test(test_models_share_tokens),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
