/* bench_match: rule-engine throughput, all measured in one run on the same
** posts (one post per line of a text corpus):
**   raw_hs    hs_scan of every post over the set's databases (literals and
**             regexes), no-op callback (the ceiling)
**   full      wsp_matcher_scan (Hyperscan + PCRE2 confirm/spans + conditions)
**   pcre_loop pcre2_match (JIT) of every pattern on every post (naive), on a
**             prefix of the corpus
**   ripgrep   `rg -c -i -f patterns.txt corpus` (if rg is installed)
** and, for a second (large) rule set, cold compile and warm (cached) load.
** Figures are MB/s of CPU time (this thread; ripgrep: its process) and
** ratios to raw_hs of the same run; compile/load times are wall time.
**
** usage: bench_match RULES PATTERNS.txt CORPUS.txt BIG_RULES.yaml CACHE_DIR
** (RULES a file or directory; PATTERNS.txt "-": the engine's expressions) */
#include "core/timeutil.h"
#include "match/match_int.h"
#include "match/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

/* CPU time of this thread in seconds (less disturbed by other processes on
** a shared machine than wall time). */
static double cpu_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double children_cpu(void)
{
  struct rusage ru;
  getrusage(RUSAGE_CHILDREN, &ru);
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

typedef struct post {
  const char *p;
  size_t n;
} post;

static char *slurp(const char *path, size_t *len)
{
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return NULL;
  fseek(fp, 0, SEEK_END);
  long n = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (b && fread(b, 1, (size_t)n, fp) != (size_t)n) {
    free(b);
    b = NULL;
  }
  fclose(fp);
  if (b)
    b[n] = 0;
  *len = (size_t)n;
  return b;
}

static int noop(unsigned int id, unsigned long long from, unsigned long long to,
                unsigned int flags, void *ctx)
{
  (void)id, (void)from, (void)to, (void)flags;
  (*(size_t *)ctx)++;
  return 0;
}

static void diag(void *ud, const wsp_diag *d)
{
  (void)ud;
  if (d->severity == WSP_DIAG_ERROR)
    fprintf(stderr, "%s:%u:%u: error: %s\n", d->file, d->line, d->col,
            d->message);
}

static wsp_rules *build(const char *path, const char *cache, int no_cache)
{
  wsp_rules *r = NULL;
  wsp_err err = {""};
  wsp_rules_opts o = {.cache_dir = cache, .no_cache = no_cache};
  const char *paths[] = {path};
  if (wsp_rules_build(paths, 1, &o, diag, NULL, &r, &err) != WSP_OK) {
    fprintf(stderr, "bench_match: %s: %s\n", path, err.msg);
    exit(2);
  }
  return r;
}

int main(int argc, char **argv)
{
  if (argc != 6) {
    fprintf(stderr, "usage: bench_match RULES.yaml PATTERNS.txt CORPUS.txt "
                    "BIG_RULES.yaml CACHE_DIR\n");
    return 2;
  }
  size_t clen;
  char *corpus = slurp(argv[3], &clen);
  if (!corpus) {
    fprintf(stderr, "bench_match: cannot read %s\n", argv[3]);
    return 2;
  }
  size_t nposts = 0, cap = 1024;
  post *posts = malloc(cap * sizeof(*posts));
  for (char *p = corpus; p < corpus + clen;) {
    char *nl = memchr(p, '\n', (size_t)(corpus + clen - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(corpus + clen - p);
    if (nposts == cap)
      posts = realloc(posts, (cap *= 2) * sizeof(*posts));
    posts[nposts++] = (post){p, n};
    p += n + 1;
  }
  double mb = (double)clen / 1e6;

  wsp_rules *r = build(argv[1], NULL, 1);
  wsp_rules_stats st;
  wsp_rules_get_stats(r, &st);
  printf("rules %zu, patterns %zu (exact %zu, prefilter %zu, pcre_only %zu); "
         "corpus %.1f MB, %zu posts (%.0f B/post)\n",
         st.rules, st.patterns, st.tier[WSP_TIER_EXACT],
         st.tier[WSP_TIER_PREFILTER], st.tier[WSP_TIER_PCRE_ONLY], mb, nposts,
         (double)clen / (double)nposts);

  /* raw Hyperscan */
  hs_scratch_t *scratch = NULL;
  hs_clone_scratch(r->proto_scratch, &scratch);
  size_t raw_hits = 0;
  double c0 = cpu_now();
  for (size_t i = 0; i < nposts; i++) {
    if (r->litdb)
      hs_scan(r->litdb, posts[i].p, (unsigned)posts[i].n, 0, scratch, noop,
              &raw_hits);
    if (r->db)
      hs_scan(r->db, posts[i].p, (unsigned)posts[i].n, 0, scratch, noop,
              &raw_hits);
  }
  double raw_s = cpu_now() - c0;
  hs_free_scratch(scratch);
  double raw = mb / raw_s;
  printf("raw_hs     %8.1f MB/s  1.00x   (%zu pattern hits)\n", raw, raw_hits);

  /* full match path: hits (Hyperscan, confirm, conditions), then also
  ** spans for every post with a hit */
  wsp_matcher *m = NULL;
  wsp_matcher_new(r, &m);
  size_t fired = 0, flagged = 0, spans = 0, confirms = 0, evals = 0, hs = 0;
  c0 = cpu_now();
  for (size_t i = 0; i < nposts; i++) {
    wsp_scan_result res;
    wsp_matcher_scan_hits(m, posts[i].p, posts[i].n, &res);
    confirms += res.stats.pcre_confirms + res.stats.pcre_only;
    evals += res.stats.rules_evaluated;
    hs += res.stats.hs_hits;
    fired += res.nhits;
    flagged += res.nhits > 0;
  }
  double full = mb / (cpu_now() - c0);
  printf("full_hits  %8.1f MB/s  %.2fx   (%zu posts with a rule hit, %zu "
         "rule hits; per post: %.2f patterns hit, %.2f PCRE2 confirms, %.2f "
         "rules evaluated)\n",
         full, full / raw, flagged, fired, (double)hs / (double)nposts,
         (double)confirms / (double)nposts, (double)evals / (double)nposts);
  c0 = cpu_now();
  for (size_t i = 0; i < nposts; i++) {
    wsp_scan_result res;
    wsp_matcher_scan(m, posts[i].p, posts[i].n, &res);
    spans += res.nspans;
  }
  double fulls = mb / (cpu_now() - c0);
  printf("full_spans %8.1f MB/s  %.2fx   (spans of every hit: %zu)\n", fulls,
         fulls / raw, spans);

  /* PCRE2 loop over every pattern, on a prefix */
  size_t pmax = nposts < 2000 ? nposts : 2000, pbytes = 0, phits = 0;
  pcre2_match_data *md = pcre2_match_data_create(32, NULL);
  for (size_t k = 0; k < r->npats; k++) /* JIT as the engine does */
    pcre2_jit_compile(r->pats[k].re, PCRE2_JIT_COMPLETE);
  c0 = cpu_now();
  for (size_t i = 0; i < pmax; i++) {
    pbytes += posts[i].n;
    for (size_t k = 0; k < r->npats; k++)
      phits += pcre2_match(r->pats[k].re, (PCRE2_SPTR)posts[i].p, posts[i].n, 0,
                           0, md, NULL) >= 0;
  }
  double pcre_s = cpu_now() - c0;
  pcre2_match_data_free(md);
  double pcre = (double)pbytes / 1e6 / pcre_s;
  printf("pcre_loop  %8.1f MB/s  %.3fx  (%zu posts, %zu pattern hits)\n", pcre,
         pcre / raw, pmax, phits);

  /* ripgrep with the same patterns ("-": the engine's expressions) */
  char patfile[4200];
  snprintf(patfile, sizeof(patfile), "%s", argv[2]);
  if (strcmp(argv[2], "-") == 0) {
    snprintf(patfile, sizeof(patfile), "%s.patterns", argv[5]);
    FILE *pf = fopen(patfile, "w");
    for (size_t k = 0; pf && k < r->npats; k++)
      fprintf(pf, "%s\n", r->pats[k].info.expression);
    if (pf)
      fclose(pf);
  }
  char cmd[9000];
  snprintf(cmd, sizeof(cmd),
           "rg --version >/dev/null 2>&1 && rg -c -i -f '%s' '%s' >/dev/null",
           patfile, argv[3]);
  c0 = children_cpu();
  int rgrc = system(cmd);
  double rg_s = children_cpu() - c0;
  if (rgrc == 0 || WEXITSTATUS(rgrc) == 1) {
    double rg = mb / rg_s;
    printf("ripgrep    %8.1f MB/s  %.3fx  (rg -c -i -f, whole file; full "
           "path is %.1fx ripgrep)\n",
           rg, rg / raw, full / rg);
  } else
    printf("ripgrep    skipped (rg missing or failed: %d)\n", rgrc);
  wsp_matcher_free(m);
  wsp_rules_free(r);

  /* cold compile and warm load of the big set */
  char rmcmd[4200];
  snprintf(rmcmd, sizeof(rmcmd), "rm -rf '%s'", argv[5]);
  if (system(rmcmd) != 0)
    return 2;
  uint64_t t0 = wsp_time_mono_ns();
  r = build(argv[4], argv[5], 0);
  double cold = wsp_time_since(t0) * 1000;
  wsp_rules_get_stats(r, &st);
  wsp_rules_free(r);
  t0 = wsp_time_mono_ns();
  r = build(argv[4], argv[5], 0);
  double warm = wsp_time_since(t0) * 1000;
  wsp_rules_stats st2;
  wsp_rules_get_stats(r, &st2);
  wsp_rules_free(r);
  printf("big set: %zu rules, %zu patterns: cold compile %.0f ms, warm load "
         "%.0f ms (cache hit: %s)\n",
         st.rules, st.patterns, cold, warm, st2.cache_hit ? "yes" : "NO");
  free(posts);
  free(corpus);
  return 0;
}
