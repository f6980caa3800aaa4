/* tests/bench/bayes/bench_bayes.c: speed of the naive Bayes scorer.
**
**   bench_bayes MODEL CORPUS.txt [GAZETTEER]
**   bench_bayes --tokscore MODEL CORPUS.txt [GAZETTEER [ROUNDS]]
**
** CORPUS has one post per line (tests/bench/gen_corpus.py --format text).
** Prints, as key=value lines: model load time (best of 5), scoring
** throughput of the whole path (normalise + entities + tokenise + score) and
** of tokenise + score alone on pre-normalised text, raw Hyperscan block-mode
** throughput of a 24-literal database on the same posts (the floor any
** scanner pays to look at the bytes), and learning throughput. Single thread.
**
** --tokscore times only what the scan pipeline does per post after
** normalisation and entity extraction: wsp_tokenize + wsp_bayes_score, on
** posts normalised beforehand, ROUNDS (default 3) passes over the corpus,
** measured in thread CPU time (the machine may be shared). It prints the
** throughput in MB of original text per CPU second (over all rounds, and of
** the fastest round, the least disturbed by other processes) and a checksum
** of every score's bits (log-odds, probability, known tokens), so that two
** builds can be compared for identical scores as well as speed.
*/
#include "bayes/features.h"
#include "bayes/model.h"
#include "core/timeutil.h"
#include "text/normalize.h"

#include <hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *slurp(const char *path, size_t *n)
{
  FILE *f = fopen(path, "rb");
  char *p;
  long sz;
  if (!f || fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 ||
      fseek(f, 0, SEEK_SET) != 0 || !(p = malloc((size_t)sz + 1)) ||
      fread(p, 1, (size_t)sz, f) != (size_t)sz) {
    fprintf(stderr, "bench_bayes: cannot read %s\n", path);
    exit(2);
  }
  fclose(f);
  p[sz] = 0;
  *n = (size_t)sz;
  return p;
}

static int on_match(unsigned int id, unsigned long long from,
                    unsigned long long to, unsigned int flags, void *ctx)
{
  (void)id, (void)from, (void)to, (void)flags;
  ++*(size_t *)ctx;
  return 0;
}

/* A post after normalisation and entity extraction. */
typedef struct prepared {
  char *norm;
  size_t norm_len, orig_len;
  wsp_entities ents;
} prepared;

static double thread_cpu_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Normalise every line of text[0..len) and extract its entities; returns
** the number of posts in *out (malloc'ed). */
static size_t prepare_posts(const char *text, size_t len,
                            const wsp_gazetteer *gaz, prepared **out)
{
  size_t n = 0, cap = 1024;
  prepared *v = malloc(cap * sizeof(*v));
  wsp_norm norm;

  wsp_norm_init(&norm);
  for (const char *p = text, *e; v && p < text + len; p = e + 1) {
    e = memchr(p, '\n', (size_t)(text + len - p));
    if (!e)
      e = text + len;
    if (n == cap && !(v = realloc(v, (cap *= 2) * sizeof(*v))))
      break;
    prepared *q = &v[n];
    wsp_entities_init(&q->ents);
    if (wsp_text_normalize(p, (size_t)(e - p), &norm) != WSP_OK ||
        wsp_entities_extract(p, (size_t)(e - p), &norm, gaz, &q->ents) !=
            WSP_OK ||
        !(q->norm = malloc(norm.len + 1))) {
      wsp_entities_cleanup(&q->ents);
      continue;
    }
    memcpy(q->norm, norm.text, norm.len);
    q->norm_len = norm.len;
    q->orig_len = (size_t)(e - p);
    n++;
  }
  wsp_norm_cleanup(&norm);
  if (!v) {
    fprintf(stderr, "bench_bayes: out of memory\n");
    exit(2);
  }
  *out = v;
  return n;
}

/* Fold the bits of a score into checksum h (FNV-1a over the bytes). */
static uint64_t fold_result(uint64_t h, const wsp_bayes_result *r)
{
  unsigned char b[2 * sizeof(double) + sizeof(size_t)];
  memcpy(b, &r->logodds, sizeof(double));
  memcpy(b + sizeof(double), &r->p, sizeof(double));
  memcpy(b + 2 * sizeof(double), &r->known, sizeof(size_t));
  for (size_t i = 0; i < sizeof(b); i++)
    h = (h ^ b[i]) * 0x100000001b3ull;
  return h;
}

/* One pass of tokenise + score over the posts; returns CPU seconds and
** folds every result into *sum. */
static double tokscore_pass(const wsp_bayes_model *m, const prepared *v,
                            size_t n, wsp_tokens *toks, uint64_t *sum)
{
  const wsp_tok_opts *o = &wsp_bayes_config_of(m)->tok;
  double t0 = thread_cpu_s();
  for (size_t i = 0; i < n; i++) {
    wsp_bayes_result r;
    if (wsp_tokenize(o, v[i].norm, v[i].norm_len, &v[i].ents, toks) != WSP_OK) {
      fprintf(stderr, "bench_bayes: tokenise failed\n");
      exit(2);
    }
    wsp_bayes_score(m, toks, &r);
    *sum = fold_result(*sum, &r);
  }
  return thread_cpu_s() - t0;
}

/* bench_bayes --tokscore MODEL CORPUS [GAZETTEER [ROUNDS]] */
static int tokscore_main(int argc, char **argv)
{
  wsp_err err;
  wsp_bayes_model *m;
  wsp_gazetteer *gaz = NULL;
  int rounds = argc > 4 ? atoi(argv[4]) : 3;

  if (rounds < 1)
    rounds = 1;

  if (wsp_bayes_load(argv[1], &m, &err) != WSP_OK ||
      (argc > 3 && wsp_gazetteer_load(argv[3], &gaz, &err) != WSP_OK)) {
    fprintf(stderr, "bench_bayes: %s\n", err.msg);
    return 2;
  }
  size_t len, bytes = 0;
  char *text = slurp(argv[2], &len);
  prepared *v;
  size_t n = prepare_posts(text, len, gaz, &v);
  for (size_t i = 0; i < n; i++)
    bytes += v[i].orig_len;
  wsp_tokens toks;
  wsp_tokens_init(&toks);
  double cpu = 0, best = 1e9;
  uint64_t sum = 0xcbf29ce484222325ull;
  for (int r = 0; r < rounds; r++) {
    double s = tokscore_pass(m, v, n, &toks, &sum);
    cpu += s;
    best = s < best ? s : best;
  }
  printf("posts=%zu\nbytes=%zu\nrounds=%d\ntokscore_cpu_s=%.3f\n", n, bytes,
         rounds, cpu);
  printf("tokscore_mb_per_s=%.2f\ntokscore_best_mb_per_s=%.2f\n",
         (double)bytes * rounds / cpu / 1e6, (double)bytes / best / 1e6);
  printf("score_checksum=%016llx\n", (unsigned long long)sum);
  wsp_tokens_cleanup(&toks);
  for (size_t i = 0; i < n; i++) {
    free(v[i].norm);
    wsp_entities_cleanup(&v[i].ents);
  }
  free(v);
  free(text);
  wsp_gazetteer_free(gaz);
  wsp_bayes_free(m);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc >= 4 && strcmp(argv[1], "--tokscore") == 0)
    return tokscore_main(argc - 1, argv + 1);
  if (argc < 3) {
    fprintf(stderr, "usage: bench_bayes MODEL CORPUS.txt [GAZETTEER]\n"
                    "       bench_bayes --tokscore MODEL CORPUS.txt "
                    "[GAZETTEER [ROUNDS]]\n");
    return 2;
  }
  wsp_err err;
  wsp_bayes_model *m = NULL;
  double best = 1e9;
  for (int i = 0; i < 5; i++) {
    uint64_t t0 = wsp_time_mono_ns();
    wsp_bayes_model *x;
    if (wsp_bayes_load(argv[1], &x, &err) != WSP_OK) {
      fprintf(stderr, "bench_bayes: %s\n", err.msg);
      return 2;
    }
    double s = wsp_time_since(t0);
    if (s < best)
      best = s;
    if (m)
      wsp_bayes_free(x);
    else
      m = x;
  }
  wsp_bayes_counts c;
  wsp_bayes_counts_get(m, &c);
  printf("model_tokens=%llu\nload_ms=%.2f\n", (unsigned long long)c.vocab,
         best * 1e3);

  wsp_gazetteer *gaz = NULL;
  if (argc > 3 && wsp_gazetteer_load(argv[3], &gaz, &err) != WSP_OK) {
    fprintf(stderr, "bench_bayes: %s\n", err.msg);
    return 2;
  }
  size_t len, nposts = 0;
  char *text = slurp(argv[2], &len);
  for (size_t i = 0; i < len; i++)
    nposts += text[i] == '\n';

  /* whole path */
  wsp_bayes_scratch *s;
  if (wsp_bayes_scratch_new(gaz, &s) != WSP_OK)
    return 2;
  size_t flagged = 0;
  uint64_t t0 = wsp_time_mono_ns();
  for (char *p = text, *e; p < text + len; p = e + 1) {
    e = memchr(p, '\n', (size_t)(text + len - p));
    if (!e)
      e = text + len;
    wsp_bayes_result r;
    if (wsp_bayes_score_text(m, s, p, (size_t)(e - p), &r) == WSP_OK &&
        r.call == WSP_BAYES_SCAM)
      flagged++;
  }
  double full = wsp_time_since(t0);
  printf("posts=%zu\nbytes=%zu\nscam_calls=%zu\n", nposts, len, flagged);
  printf("score_full_posts_per_s=%.0f\nscore_full_mb_per_s=%.1f\n",
         nposts / full, len / full / 1e6);

  /* tokenise + score only, on pre-normalised posts */
  wsp_norm norm;
  wsp_tokens toks;
  wsp_entities ents;
  wsp_norm_init(&norm);
  wsp_tokens_init(&toks);
  wsp_entities_init(&ents);
  double tok_time = 0;
  for (char *p = text, *e; p < text + len; p = e + 1) {
    e = memchr(p, '\n', (size_t)(text + len - p));
    if (!e)
      e = text + len;
    if (wsp_text_normalize(p, (size_t)(e - p), &norm) != WSP_OK ||
        wsp_entities_extract(p, (size_t)(e - p), &norm, gaz, &ents) != WSP_OK)
      continue;
    wsp_bayes_result r;
    uint64_t t1 = wsp_time_mono_ns();
    wsp_bayes_score_norm(m, norm.text, norm.len, &ents, &toks, &r);
    tok_time += wsp_time_since(t1);
  }
  printf("tokenise_score_posts_per_s=%.0f\ntokenise_score_mb_per_s=%.1f\n",
         nposts / tok_time, len / tok_time / 1e6);

  /* raw Hyperscan on the same posts */
  static const char *lits[] = {
      "gaji",     "kamboja", "lowongan", "loker",   "transfer", "whatsapp",
      "telegram", "visa",    "paspor",   "myanmar", "malaysia", "juta",
      "salary",   "deposit", "agen",     "tiket",   "kerja",    "hadiah",
      "bonus",    "komisi",  "gratis",   "urgent",  "job",      "thailand"};
  unsigned n = sizeof(lits) / sizeof(lits[0]);
  unsigned flags[32], ids[32];
  for (unsigned i = 0; i < n; i++) {
    flags[i] = HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH;
    ids[i] = i;
  }
  hs_database_t *db;
  hs_compile_error_t *cerr;
  hs_scratch_t *scratch = NULL;
  if (hs_compile_multi(lits, flags, ids, n, HS_MODE_BLOCK, NULL, &db, &cerr) !=
          HS_SUCCESS ||
      hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
    fprintf(stderr, "bench_bayes: hyperscan compile failed\n");
    return 2;
  }
  size_t hits = 0;
  t0 = wsp_time_mono_ns();
  for (char *p = text, *e; p < text + len; p = e + 1) {
    e = memchr(p, '\n', (size_t)(text + len - p));
    if (!e)
      e = text + len;
    hs_scan(db, p, (unsigned)(e - p), 0, scratch, on_match, &hits);
  }
  double hs = wsp_time_since(t0);
  printf("hyperscan_posts_per_s=%.0f\nhyperscan_mb_per_s=%.1f\n", nposts / hs,
         len / hs / 1e6);
  printf("score_full_vs_hyperscan=%.1fx slower\n", full / hs);

  /* learning throughput (incremental API) on a copy of the settings */
  wsp_bayes_model *lm;
  if (wsp_bayes_new(wsp_bayes_config_of(m), &lm) != WSP_OK)
    return 2;
  size_t i = 0;
  t0 = wsp_time_mono_ns();
  for (char *p = text, *e; p < text + len; p = e + 1, i++) {
    e = memchr(p, '\n', (size_t)(text + len - p));
    if (!e)
      e = text + len;
    wsp_bayes_learn_text(lm, s, p, (size_t)(e - p), (int)(i % 50 == 0));
  }
  double lt = wsp_time_since(t0);
  printf("learn_posts_per_s=%.0f\n", nposts / lt);

  /* load time of a big model: 400,000 random tokens in 2,000 posts */
  wsp_bayes_model *bm;
  if (wsp_bayes_new(wsp_bayes_config_of(m), &bm) != WSP_OK)
    return 2;
  uint64_t st = 42, hs_[200];
  for (int p = 0; p < 2000; p++) {
    for (int k = 0; k < 200; k++) {
      uint64_t z = (st += 0x9E3779B97F4A7C15ull);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      hs_[k] = z ^ (z >> 31);
    }
    wsp_bayes_learn_hashes(bm, hs_, 200, p % 3 == 0);
  }
  char big[4096];
  snprintf(big, sizeof(big), "%s.big.tmp", argv[1]);
  if (wsp_bayes_save(bm, big, &err) != WSP_OK) {
    fprintf(stderr, "bench_bayes: %s\n", err.msg);
    return 2;
  }
  wsp_bayes_counts_get(bm, &c);
  wsp_bayes_free(bm);
  best = 1e9;
  for (int k = 0; k < 5; k++) {
    wsp_bayes_model *x;
    t0 = wsp_time_mono_ns();
    if (wsp_bayes_load(big, &x, &err) != WSP_OK) {
      fprintf(stderr, "bench_bayes: %s\n", err.msg);
      return 2;
    }
    double sec = wsp_time_since(t0);
    best = sec < best ? sec : best;
    wsp_bayes_free(x);
  }
  if (!getenv("BENCH_KEEP"))
    remove(big);
  printf("big_model_tokens=%llu\nbig_model_load_ms=%.2f\n",
         (unsigned long long)c.vocab, best * 1e3);

  hs_free_scratch(scratch);
  hs_free_database(db);
  wsp_bayes_free(lm);
  wsp_norm_cleanup(&norm);
  wsp_tokens_cleanup(&toks);
  wsp_entities_cleanup(&ents);
  wsp_bayes_scratch_free(s);
  wsp_gazetteer_free(gaz);
  wsp_bayes_free(m);
  free(text);
  return 0;
}
