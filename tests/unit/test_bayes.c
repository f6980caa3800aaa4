/* tests/unit/test_bayes.c: tokeniser, naive Bayes counts and probabilities
** on a hand-computed corpus, explanation, calibration, metrics, folds, model
** file round-trip and rejection of corrupt files, thread-safe scoring. */
#include "bayes/evaluate.h"
#include "bayes/model.h"
#include "bayes/tokenize.h"
#include "core/alloc.h"
#include "core/hash.h"

#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static wsp_tok_opts words_only(void)
{
  wsp_tok_opts o;
  wsp_tok_opts_default(&o);
  o.bigrams = 0;
  o.cgram_min = o.cgram_max = 0;
  o.entities = 0;
  return o;
}

/* Index of the token with printable form s, or -1. */
static long find_tok(const wsp_tokens *t, const char *s)
{
  for (size_t i = 0; i < t->count; i++) {
    size_t n;
    const char *p = wsp_token_text(t, i, &n);
    if (n == strlen(s) && memcmp(p, s, n) == 0)
      return (long)i;
  }
  return -1;
}

static void tokenize_str(const wsp_tok_opts *o, const char *s,
                         const wsp_entities *e, wsp_tokens *t)
{
  assert_int_equal(wsp_tokenize(o, s, strlen(s), e, t), WSP_OK);
}

static void test_tokenize_words_numbers_bigrams(void **state)
{
  (void)state;
  wsp_tok_opts o = words_only();
  wsp_tokens t;
  wsp_entity items[2] = {{WSP_ENT_WA, "+62812345678", 0, 0},
                         {WSP_ENT_COUNTRY, "Kamboja", 0, 0}};
  wsp_entities ents = {items, 2, 2, NULL};

  o.bigrams = 1;
  o.entities = 1;
  wsp_tokens_init(&t);
  tokenize_str(&o, "Gaji 15 juta, WA 0812345678 (kerja 12345)", &ents, &t);
  const char *want[] = {"gaji",      "##",    "gaji ##",   "juta",
                        "## juta",   "wa",    "juta wa",   "#8+",
                        "wa #8+",    "kerja", "#8+ kerja", "#5+",
                        "kerja #5+", "<wa>",  "<country>", "<country:kamboja>"};
  assert_int_equal(t.count, sizeof(want) / sizeof(want[0]));
  for (size_t i = 0; i < t.count; i++) {
    size_t n;
    const char *p = wsp_token_text(&t, i, &n);
    assert_int_equal(n, strlen(want[i]));
    assert_memory_equal(p, want[i], n);
  }
  assert_int_equal(t.items[0].kind, WSP_TOK_WORD);
  assert_int_equal(t.items[2].kind, WSP_TOK_BIGRAM);
  assert_int_equal(t.items[13].kind, WSP_TOK_ENTITY);
  /* "15 juta" and "18 juta" share their number-shape tokens */
  uint64_t h = t.items[4].hash;
  tokenize_str(&o, "18 juta", NULL, &t);
  assert_int_equal(t.count, 3);
  assert_true(t.items[2].hash == h);
  wsp_tokens_cleanup(&t);
}

static void test_tokenize_cgrams_and_limits(void **state)
{
  (void)state;
  wsp_tok_opts o = words_only();
  wsp_tokens t;
  char big[200];

  o.cgram_min = 2;
  o.cgram_max = 3;
  wsp_tokens_init(&t);
  tokenize_str(&o, "Kerja", NULL, &t);
  /* "_kerja_": 7 characters -> 6 bigrams + 5 trigrams + the word */
  assert_int_equal(t.count, 12);
  assert_true(find_tok(&t, "c:_k") >= 0);
  assert_true(find_tok(&t, "c:ja_") >= 0);
  assert_true(find_tok(&t, "c:erj") >= 0);
  assert_int_equal(t.items[find_tok(&t, "c:erj")].kind, WSP_TOK_CGRAM);
  /* n-grams count UTF-8 characters, not bytes: "é" is one character */
  tokenize_str(&o, "\xc3\xa9t", NULL, &t); /* "ét": _ét_ -> 3 + 2 */
  assert_int_equal(t.count, 6);
  assert_true(find_tok(&t, "c:_\xc3\xa9") >= 0);

  /* words are cut at max_token bytes, on a character boundary */
  o = words_only();
  memset(big, 'a', sizeof(big));
  assert_int_equal(wsp_tokenize(&o, big, sizeof(big), NULL, &t), WSP_OK);
  assert_int_equal(t.count, 1);
  assert_int_equal(t.items[0].len, 32);
  big[31] = (char)0xc3; /* "é" at bytes 31..32 straddles the cut */
  big[32] = (char)0xa9;
  assert_int_equal(wsp_tokenize(&o, big, sizeof(big), NULL, &t), WSP_OK);
  assert_int_equal(t.count, 1);
  assert_int_equal(t.items[0].len, 31);

  /* max_words bounds the work per post */
  o.max_words = 3;
  tokenize_str(&o, "a b c d e f", NULL, &t);
  assert_int_equal(t.count, 3);
  assert_true(t.truncated);

  /* bad options are rejected */
  o.max_token = 2;
  assert_int_equal(wsp_tokenize(&o, "x", 1, NULL, &t), WSP_INVAL);
  wsp_tokens_cleanup(&t);
}

static void test_tokenize_hostile(void **state)
{
  (void)state;
  wsp_tok_opts o;
  wsp_tokens t;
  size_t n = 1u << 20;
  char *big = malloc(n);
  assert_non_null(big);
  wsp_tok_opts_default(&o);
  wsp_tokens_init(&t);
  /* 1 MB of short distinct-ish words: bounded by max_words and the cap */
  for (size_t i = 0; i < n; i++)
    big[i] = (i % 7 == 6) ? ' ' : (char)('a' + (i * 31 + i / 7) % 26);
  assert_int_equal(wsp_tokenize(&o, big, n, NULL, &t), WSP_OK);
  assert_true(t.truncated);
  assert_true(t.count <= WSP_TOK_MAX_TOKENS);
  /* random bytes, invalid UTF-8 included: no crash, forms stay in bounds */
  uint64_t st = 1;
  for (size_t i = 0; i < n; i++) {
    st = st * 6364136223846793005ull + 1442695040888963407ull;
    big[i] = (char)(st >> 56);
  }
  assert_int_equal(wsp_tokenize(&o, big, n, NULL, &t), WSP_OK);
  for (size_t i = 0; i < t.count; i++)
    assert_true((size_t)t.items[i].off + t.items[i].len <= t.text_len);
  wsp_tokens_unique(&t);
  free(big);
  wsp_tokens_cleanup(&t);
}

static void test_tokens_unique(void **state)
{
  (void)state;
  wsp_tok_opts o = words_only();
  wsp_tokens t;
  wsp_tokens_init(&t);
  tokenize_str(&o, "loker loker LOKER gaji", NULL, &t);
  assert_int_equal(t.count, 4);
  wsp_tokens_unique(&t);
  assert_int_equal(t.count, 2);
  assert_true(find_tok(&t, "loker") >= 0 && find_tok(&t, "gaji") >= 0);
  wsp_tokens_cleanup(&t);
}

/* Tiny corpus, words only, alpha = 1:
**   scam: "menang hadiah", "hadiah transfer"
**   ham:  "rapat besok",   "hadiah ulang tahun"
** V = 7, N_scam = 4, N_ham = 5. */
static wsp_bayes_model *tiny_model(void)
{
  wsp_bayes_config cfg;
  wsp_bayes_model *m;
  wsp_tokens t;
  const char *docs[][2] = {{"menang hadiah", "1"},
                           {"hadiah transfer", "1"},
                           {"rapat besok", "0"},
                           {"hadiah ulang tahun", "0"}};

  wsp_bayes_config_default(&cfg);
  cfg.tok = words_only();
  cfg.alpha = 1;
  assert_int_equal(wsp_bayes_new(&cfg, &m), WSP_OK);
  wsp_tokens_init(&t);
  for (size_t i = 0; i < 4; i++) {
    tokenize_str(&cfg.tok, docs[i][0], NULL, &t);
    assert_int_equal(wsp_bayes_learn(m, &t, docs[i][1][0] == '1'), WSP_OK);
  }
  wsp_tokens_cleanup(&t);
  return m;
}

static double score_str(const wsp_bayes_model *m, const char *s,
                        wsp_bayes_result *r)
{
  wsp_tokens t;
  wsp_tokens_init(&t);
  tokenize_str(&wsp_bayes_config_of(m)->tok, s, NULL, &t);
  wsp_bayes_score(m, &t, r);
  wsp_tokens_cleanup(&t);
  return r->p;
}

static void test_counts_and_probabilities(void **state)
{
  (void)state;
  wsp_bayes_model *m = tiny_model();
  wsp_bayes_counts c;
  wsp_bayes_result r;
  uint32_t tc[2];

  wsp_bayes_counts_get(m, &c);
  assert_int_equal(c.posts[0], 2);
  assert_int_equal(c.posts[1], 2);
  assert_int_equal(c.tokens[0], 5);
  assert_int_equal(c.tokens[1], 4);
  assert_int_equal(c.vocab, 7);
  wsp_bayes_token_counts(m, "hadiah", 6, tc);
  assert_int_equal(tc[0], 1);
  assert_int_equal(tc[1], 2);

  /* theta_hadiah = 3/11 vs 2/12, theta_menang = 2/11 vs 1/12, prior 0:
  ** S = log(18/11) + log(24/11) = log(432/121), p = 432/553 */
  score_str(m, "hadiah menang menang xyz", &r);
  assert_true(fabs(r.raw - log(432.0 / 121.0)) < 1e-12);
  assert_true(fabs(r.p - 432.0 / 553.0) < 1e-12);
  assert_int_equal(r.known, 2);
  assert_int_equal(r.call, WSP_BAYES_SCAM); /* 0.781 >= hi 0.7 */
  /* "rapat": theta 1/11 vs 2/12 -> p = (12/22)/(1+12/22) = 12/34 */
  score_str(m, "rapat", &r);
  assert_true(fabs(r.p - 12.0 / 34.0) < 1e-12);
  assert_int_equal(r.call, WSP_BAYES_UNSURE);
  /* calibration maps S linearly before the sigmoid */
  wsp_bayes_set_calibration(m, 2, -1);
  score_str(m, "rapat", &r);
  assert_true(fabs(r.logodds - (2 * log(12.0 / 22.0) - 1)) < 1e-12);
  assert_int_equal(r.call, WSP_BAYES_HAM);

  /* learning changes the counts */
  wsp_tokens t;
  wsp_tokens_init(&t);
  tokenize_str(&wsp_bayes_config_of(m)->tok, "hadiah gratis", NULL, &t);
  assert_int_equal(wsp_bayes_learn(m, &t, 1), WSP_OK);
  wsp_tokens_cleanup(&t);
  wsp_bayes_counts_get(m, &c);
  assert_int_equal(c.posts[1], 3);
  assert_int_equal(c.tokens[1], 6);
  assert_int_equal(c.vocab, 8);
  wsp_bayes_token_counts(m, "hadiah", 6, tc);
  assert_int_equal(tc[1], 3);

  /* pruning drops tokens seen in fewer than 2 posts */
  assert_int_equal(wsp_bayes_prune(m, 2), WSP_OK);
  wsp_bayes_counts_get(m, &c);
  assert_int_equal(c.vocab, 1); /* only "hadiah" (4 posts) */
  assert_int_equal(c.tokens[0], 1);
  assert_int_equal(c.tokens[1], 3);
  wsp_bayes_free(m);
}

static void test_explain(void **state)
{
  (void)state;
  wsp_bayes_model *m = tiny_model();
  wsp_bayes_token_weight pos[4], neg[4];
  size_t np, nn;
  wsp_bayes_result r;
  wsp_tokens t;

  wsp_tokens_init(&t);
  tokenize_str(&wsp_bayes_config_of(m)->tok, "rapat hadiah menang", NULL, &t);
  wsp_bayes_score(m, &t, &r);
  wsp_bayes_explain(m, &t, 4, pos, &np, neg, &nn);
  assert_int_equal(np, 2);
  assert_int_equal(nn, 1);
  assert_int_equal(pos[0].len, 6);
  assert_memory_equal(pos[0].token, "menang", 6);
  assert_true(fabs(pos[0].weight - log(24.0 / 11.0)) < 1e-12);
  assert_memory_equal(pos[1].token, "hadiah", 6);
  assert_true(fabs(pos[1].weight - log(18.0 / 11.0)) < 1e-12);
  assert_memory_equal(neg[0].token, "rapat", 5);
  assert_true(fabs(neg[0].weight - log(12.0 / 22.0)) < 1e-12);
  /* k = 1 keeps only the strongest */
  wsp_bayes_explain(m, &t, 1, pos, &np, NULL, NULL);
  assert_int_equal(np, 1);
  assert_memory_equal(pos[0].token, "menang", 6);
  /* families outside the mask are left out */
  wsp_bayes_explain_kinds(m, &t, 1u << WSP_TOK_BIGRAM, 4, pos, &np, neg, &nn);
  assert_int_equal(np, 0);
  assert_int_equal(nn, 0);
  wsp_bayes_explain_kinds(m, &t, WSP_BAYES_EXPLAIN_READABLE, 4, pos, &np, neg,
                          &nn);
  assert_int_equal(np, 2);
  assert_int_equal(nn, 1);
  wsp_tokens_cleanup(&t);
  wsp_bayes_free(m);
}

static void test_calibrate(void **state)
{
  (void)state;
  wsp_bayes_model *m = tiny_model();
  /* Word score S_0 = +1: 3 scam, 1 not; S_0 = -1: 1 scam, 3 not; the other
  ** families are 0. Platt's targets are 5/6 and 1/6 here, so the fit is
  ** p(+1) = 2/3, p(-1) = 1/3: a_word = log 2, b = 0 (the ridge of 1e-3
  ** moves a by about 1e-4). */
  double parts[8 * WSP_BAYES_PARTS] = {0}, a[WSP_BAYES_PARTS], b;
  int y[8] = {1, 1, 1, 0, 1, 0, 0, 0};
  wsp_bayes_result r;

  for (int i = 0; i < 8; i++)
    parts[i * WSP_BAYES_PARTS] = i < 4 ? 1 : -1;
  assert_int_equal(wsp_bayes_calibrate(m, parts, y, 8), WSP_OK);
  wsp_bayes_get_calibration(m, a, &b);
  assert_true(fabs(a[0] - log(2.0)) < 1e-3);
  assert_true(fabs(b) < 1e-6);
  wsp_bayes_result_from_parts(m, parts, &r);
  assert_true(fabs(r.p - 2.0 / 3.0) < 1e-3);
  wsp_bayes_result_from_parts(m, parts + 4 * WSP_BAYES_PARTS, &r);
  assert_true(fabs(r.p - 1.0 / 3.0) < 1e-3);
  /* a second family carrying the same signal shares the slope */
  for (int i = 0; i < 8; i++)
    parts[i * WSP_BAYES_PARTS + 2] = parts[i * WSP_BAYES_PARTS];
  assert_int_equal(wsp_bayes_calibrate(m, parts, y, 8), WSP_OK);
  wsp_bayes_get_calibration(m, a, &b);
  assert_true(fabs(a[0] + a[2] - log(2.0)) < 1e-3);
  assert_true(fabs(a[0] - a[2]) < 1e-3);
  int one[2] = {1, 1};
  assert_int_equal(wsp_bayes_calibrate(m, parts, one, 2), WSP_INVAL);
  wsp_bayes_free(m);
}

static void test_metrics(void **state)
{
  (void)state;
  double z[5] = {2, 1, -1, -2, 0.5};
  int8_t y[5] = {1, 0, 1, 0, 1};
  wsp_bayes_metrics mt;

  wsp_bayes_metrics_compute(z, y, 5, 0.5, &mt);
  assert_int_equal(mt.tp, 2);
  assert_int_equal(mt.fp, 1);
  assert_int_equal(mt.fn, 1);
  assert_int_equal(mt.tn, 1);
  assert_true(fabs(mt.precision - 2.0 / 3) < 1e-12);
  assert_true(fabs(mt.recall - 2.0 / 3) < 1e-12);
  assert_true(fabs(mt.f1 - 2.0 / 3) < 1e-12);
  assert_true(fabs(mt.accuracy - 0.6) < 1e-12);
  assert_true(fabs(mt.auc - 4.0 / 6) < 1e-12);
  /* ties count one half */
  double zt[4] = {0, 0, 1, -1};
  int8_t yt[4] = {1, 0, 1, 0};
  wsp_bayes_metrics_compute(zt, yt, 4, 0.5, &mt);
  assert_true(fabs(mt.auc - 3.5 / 4) < 1e-12);
  /* a higher threshold turns the 0.62 (z = 0.5) post negative */
  wsp_bayes_metrics_compute(z, y, 5, 0.7, &mt);
  assert_int_equal(mt.tp, 1);
  assert_int_equal(mt.fp, 1);
}

static void test_folds(void **state)
{
  (void)state;
  int8_t lab[30];
  unsigned f1[30], f2[30], f3[30];
  for (int i = 0; i < 30; i++)
    lab[i] = i % 3 == 0; /* 10 scam, 20 not */
  assert_int_equal(wsp_bayes_folds(lab, 30, 5, 7, f1), WSP_OK);
  assert_int_equal(wsp_bayes_folds(lab, 30, 5, 7, f2), WSP_OK);
  assert_int_equal(wsp_bayes_folds(lab, 30, 5, 8, f3), WSP_OK);
  assert_memory_equal(f1, f2, sizeof(f1));
  assert_memory_not_equal(f1, f3, sizeof(f1));
  for (unsigned k = 0; k < 5; k++) {
    int pos = 0, neg = 0;
    for (int i = 0; i < 30; i++)
      if (f1[i] == k && lab[i])
        pos++;
      else if (f1[i] == k)
        neg++;
    assert_int_equal(pos, 2);
    assert_int_equal(neg, 4);
  }
  assert_int_equal(wsp_bayes_folds(lab, 30, 1, 7, f1), WSP_INVAL);
}

static void tmp_path(char *buf, size_t n, const char *name)
{
  const char *dir = getenv("TMPDIR");
  snprintf(buf, n, "%s/wsp_test_bayes_%ld_%s", dir ? dir : "/tmp",
           (long)getpid(), name);
}

static void test_roundtrip(void **state)
{
  (void)state;
  wsp_bayes_model *m = tiny_model(), *l = NULL;
  wsp_bayes_counts a, b;
  wsp_bayes_result r1, r2;
  char path[512];
  wsp_err err;

  wsp_bayes_set_calibration(m, 0.5, 0.25);
  tmp_path(path, sizeof(path), "rt.model");
  assert_int_equal(wsp_bayes_save(m, path, &err), WSP_OK);
  assert_int_equal(wsp_bayes_load(path, &l, &err), WSP_OK);
  wsp_bayes_counts_get(m, &a);
  wsp_bayes_counts_get(l, &b);
  assert_memory_equal(&a, &b, sizeof(a));
  assert_memory_equal(&wsp_bayes_config_of(m)->tok,
                      &wsp_bayes_config_of(l)->tok, sizeof(wsp_tok_opts));
  assert_true(wsp_bayes_config_of(l)->alpha == 1);
  score_str(m, "hadiah menang rapat", &r1);
  score_str(l, "hadiah menang rapat", &r2);
  assert_true(r1.p == r2.p && r1.raw == r2.raw && r1.logodds == r2.logodds);
  /* incremental learning on the loaded model, saved again */
  wsp_tokens t;
  wsp_tokens_init(&t);
  tokenize_str(&wsp_bayes_config_of(l)->tok, "transfer dulu", NULL, &t);
  assert_int_equal(wsp_bayes_learn(l, &t, 1), WSP_OK);
  wsp_tokens_cleanup(&t);
  assert_int_equal(wsp_bayes_save(l, path, &err), WSP_OK);
  wsp_bayes_free(l);
  assert_int_equal(wsp_bayes_load(path, &l, &err), WSP_OK);
  wsp_bayes_counts_get(l, &b);
  assert_int_equal(b.posts[1], 3);
  assert_int_equal(b.vocab, 8);
  wsp_bayes_free(l);
  wsp_bayes_free(m);
  remove(path);
}

static unsigned char *read_all(const char *path, size_t *n)
{
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  *n = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *p = malloc(*n);
  assert_non_null(p);
  assert_int_equal(fread(p, 1, *n, f), *n);
  fclose(f);
  return p;
}

/* Recompute both checksums of a model image (layout in model.h). */
static void fix_checksums(unsigned char *q, size_t n)
{
  uint64_t h = wsp_hash64(q + 160, n - 160, 0);
  for (int i = 0; i < 8; i++)
    q[144 + i] = (unsigned char)(h >> (8 * i));
  h = wsp_hash64(q, 152, 0);
  for (int i = 0; i < 8; i++)
    q[152 + i] = (unsigned char)(h >> (8 * i));
}

static void expect_model_error(const unsigned char *p, size_t n,
                               const char *needle)
{
  wsp_bayes_model *l = (wsp_bayes_model *)1;
  wsp_err err;
  wsp_err_clear(&err);
  assert_int_equal(wsp_bayes_load_mem(p, n, &l, &err), WSP_MODEL);
  assert_null(l);
  if (!strstr(err.msg, needle))
    fail_msg("error '%s' lacks '%s'", err.msg, needle);
}

static void test_corrupt_models(void **state)
{
  (void)state;
  wsp_bayes_model *m = tiny_model(), *l = NULL;
  char path[512];
  size_t n;
  wsp_err err;

  tmp_path(path, sizeof(path), "bad.model");
  assert_int_equal(wsp_bayes_save(m, path, &err), WSP_OK);
  unsigned char *p = read_all(path, &n);
  assert_int_equal(n, 160 + 7 * 16);
  unsigned char *q = malloc(n + 1);
  assert_non_null(q);

  expect_model_error(p, 0, "truncated");
  expect_model_error(p, 100, "truncated");
  for (size_t cut = 160; cut < n; cut += 5)
    expect_model_error(p, cut, "truncated");
  memcpy(q, p, n);
  q[n] = 0;
  expect_model_error(q, n + 1, "trailing");
  memcpy(q, p, n);
  q[0] = 'X';
  expect_model_error(q, n, "magic");
  memcpy(q, p, n);
  q[8] = 2;
  expect_model_error(q, n, "version 2");
  memcpy(q, p, n);
  q[106] ^= 1; /* a count in the header */
  expect_model_error(q, n, "header");
  memcpy(q, p, n);
  q[160 + 16 + 9] ^= 0x40; /* a count in the body */
  expect_model_error(q, n, "body");
  /* hostile files with valid checksums: unsorted entries, counts that do
  ** not add up to the header totals, settings out of range */
  memcpy(q, p, n);
  memcpy(q + 160, p + 176, 16); /* swap entries 0 and 1 */
  memcpy(q + 176, p + 160, 16);
  fix_checksums(q, n);
  expect_model_error(q, n, "out of order");
  memcpy(q, p, n);
  q[160 + 8] ^= 1; /* ham count of entry 0 */
  fix_checksums(q, n);
  expect_model_error(q, n, "do not add up");
  memcpy(q, p, n);
  memset(q + 24, 0, 8); /* alpha = 0 */
  fix_checksums(q, n);
  expect_model_error(q, n, "out of range");
  memcpy(q, p, n);
  q[16 + 5] = 200; /* max_token 200 */
  fix_checksums(q, n);
  expect_model_error(q, n, "out of range");
  /* random byte flips never crash and are always caught */
  for (unsigned i = 0; i < 2000; i++) {
    memcpy(q, p, n);
    size_t at = (i * 2654435761u) % n;
    q[at] ^= (unsigned char)(1 + i % 255);
    wsp_bayes_model *x = NULL;
    assert_int_equal(wsp_bayes_load_mem(q, n, &x, NULL), WSP_MODEL);
    assert_null(x);
  }
  /* a file that cannot be opened is an I/O error naming it */
  assert_int_equal(wsp_bayes_load("/nonexistent/x.model", &l, &err), WSP_IO);
  assert_non_null(strstr(err.msg, "/nonexistent/x.model"));
  /* a truncated file on disk names the file */
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(p, 1, n - 3, f), n - 3);
  fclose(f);
  assert_int_equal(wsp_bayes_load(path, &l, &err), WSP_MODEL);
  assert_non_null(strstr(err.msg, path));
  remove(path);
  free(p);
  free(q);
  wsp_bayes_free(m);
}

typedef struct thread_arg {
  const wsp_bayes_model *m;
  double p;
} thread_arg;

static void *score_thread(void *arg)
{
  thread_arg *a = arg;
  wsp_bayes_result r;
  for (int i = 0; i < 200; i++)
    score_str(a->m, "hadiah menang transfer rapat", &r);
  a->p = r.p;
  return NULL;
}

static void test_shared_model_threads(void **state)
{
  (void)state;
  wsp_bayes_model *m = tiny_model();
  pthread_t th[4];
  thread_arg args[4];
  wsp_bayes_result r;
  double want = score_str(m, "hadiah menang transfer rapat", &r);

  for (int i = 0; i < 4; i++) {
    args[i].m = m;
    args[i].p = -1;
    assert_int_equal(pthread_create(&th[i], NULL, score_thread, &args[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    assert_true(args[i].p == want);
  }
  wsp_bayes_free(m);
}

static void test_alloc_failures(void **state)
{
  (void)state;
  /* every allocation failure while building and saving a model is clean */
  for (long k = 0; k < 40; k++) {
    wsp_bayes_config cfg;
    wsp_bayes_model *m = NULL;
    wsp_tokens t;
    wsp_bayes_config_default(&cfg);
    wsp_tokens_init(&t);
    wsp_alloc_fail_after(k);
    if (wsp_bayes_new(&cfg, &m) == WSP_OK &&
        wsp_tokenize(&cfg.tok, "lowongan kerja luar negeri", 26, NULL, &t) ==
            WSP_OK)
      (void)wsp_bayes_learn(m, &t, 1);
    wsp_alloc_fail_after(-1);
    wsp_bayes_free(m);
    wsp_tokens_cleanup(&t);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tokenize_words_numbers_bigrams),
      cmocka_unit_test(test_tokenize_cgrams_and_limits),
      cmocka_unit_test(test_tokenize_hostile),
      cmocka_unit_test(test_tokens_unique),
      cmocka_unit_test(test_counts_and_probabilities),
      cmocka_unit_test(test_explain),
      cmocka_unit_test(test_calibrate),
      cmocka_unit_test(test_metrics),
      cmocka_unit_test(test_folds),
      cmocka_unit_test(test_roundtrip),
      cmocka_unit_test(test_corrupt_models),
      cmocka_unit_test(test_shared_model_threads),
      cmocka_unit_test(test_alloc_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
