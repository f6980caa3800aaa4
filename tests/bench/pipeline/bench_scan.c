/* bench_scan.c: throughput of each scan stage over the same posts, in one
** run, for the pipeline benchmark (run_bench.py drives it).
**
** Reads a JSONL corpus into memory, then times, on one thread:
**   json      parsing each line with cJSON and picking the post fields
**   hs_raw    raw Hyperscan block scan of the post texts over every pattern
**             of the rule set (the ceiling: no normalisation, no PCRE2)
**   normalize wsp_text_normalize
**   entities  wsp_entities_extract (on the normalised text)
**   match     wsp_matcher_scan_hits on the normalised text (Hyperscan, PCRE2
**             confirmation, conditions; no spans)
**   bayes     tokenise + score
**   scan      the whole scan path as the pipeline runs it (wsp_scan_text: all
**             of the above + verdict; spans only for flagged posts)
** and prints one JSON object: MB/s and posts/s per stage.
**
** usage: bench_scan CORPUS.jsonl RULES_DIR MODEL GAZETTEER [REPEAT] */
#include "core/alloc.h"
#include "core/timeutil.h"
#include "parse/post.h"
#include "pipeline/scanner.h"

#include <hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct corpus {
  char **lines;
  size_t *lens;
  wsp_post **posts;
  size_t n, bytes_text, bytes_lines;
};

static int load(const char *path, struct corpus *c)
{
  FILE *f = fopen(path, "rb");
  char *line = NULL;
  size_t cap = 0, alloc = 0;
  ssize_t len;

  if (!f)
    return -1;
  while ((len = getline(&line, &cap, f)) > 0) {
    if (line[len - 1] == '\n')
      line[--len] = '\0';
    if (c->n == alloc) {
      alloc = alloc ? alloc * 2 : 4096;
      c->lines = realloc(c->lines, alloc * sizeof(*c->lines));
      c->lens = realloc(c->lens, alloc * sizeof(*c->lens));
      c->posts = realloc(c->posts, alloc * sizeof(*c->posts));
    }
    c->lines[c->n] = strndup(line, (size_t)len);
    c->lens[c->n] = (size_t)len;
    c->bytes_lines += (size_t)len;
    c->n++;
  }
  free(line);
  fclose(f);
  return 0;
}

static void report(const char *name, double secs, size_t bytes, size_t n,
                   int last)
{
  printf("  \"%s\": {\"seconds\": %.4f, \"mb_s\": %.2f, \"posts_s\": %.0f}%s\n",
         name, secs, bytes / secs / 1e6, n / secs, last ? "" : ",");
}

static int on_hs_match(unsigned id, unsigned long long from,
                       unsigned long long to, unsigned flags, void *ctx)
{
  (void)id;
  (void)from;
  (void)to;
  (void)flags;
  (*(size_t *)ctx)++;
  return 0;
}

int main(int argc, char **argv)
{
  struct corpus c = {0};
  wsp_scanner *sc;
  wsp_scan_ctx *ctx;
  wsp_err err;
  int repeat = argc > 5 ? atoi(argv[5]) : 1;

  if (argc < 5) {
    fprintf(stderr,
            "usage: bench_scan CORPUS RULES MODEL GAZETTEER [REPEAT]\n");
    return 2;
  }
  if (load(argv[1], &c) != 0) {
    perror(argv[1]);
    return 2;
  }
  const char *rules[] = {argv[2]};
  wsp_scanner_opts o = {.rule_paths = rules,
                        .n_rule_paths = 1,
                        .model_path = argv[3],
                        .gazetteer_path = argv[4]};
  if (wsp_scanner_new(&o, &sc, &err) != WSP_OK ||
      wsp_scan_ctx_new(sc, &ctx) != WSP_OK) {
    fprintf(stderr, "scanner: %s\n", err.msg);
    return 2;
  }

  /* json */
  uint64_t t0 = wsp_time_mono_ns();
  for (size_t i = 0; i < c.n; i++) {
    if (wsp_post_from_json(c.lines[i], c.lens[i], "bench", &c.posts[i], &err) !=
        WSP_OK) {
      fprintf(stderr, "line %zu: %s\n", i + 1, err.msg);
      return 2;
    }
    c.bytes_text += c.posts[i]->text_len;
  }
  double t_json = wsp_time_since(t0);

  /* raw Hyperscan over the same patterns (prefilter where needed) */
  const wsp_scan_report *rep;
  wsp_scan_text(ctx, "x", 1, &rep); /* the rule set in use */
  const wsp_rules *rs = rep->rules;
  size_t np = wsp_rules_pattern_count(rs), nhs = 0;
  const char **exprs = calloc(np, sizeof(*exprs));
  unsigned *flags = calloc(np, sizeof(*flags)), *ids = calloc(np, sizeof(*ids));
  for (size_t i = 0; i < np; i++) {
    const wsp_pattern_info *pi = wsp_rules_pattern(rs, i);
    if (pi->tier != WSP_TIER_EXACT && pi->tier != WSP_TIER_PREFILTER)
      continue;
    exprs[nhs] = pi->expression;
    flags[nhs] = HS_FLAG_SINGLEMATCH | HS_FLAG_UTF8 |
                 (pi->caseless ? HS_FLAG_CASELESS : 0) |
                 (pi->tier == WSP_TIER_PREFILTER ? HS_FLAG_PREFILTER : 0);
    ids[nhs] = (unsigned)nhs;
    nhs++;
  }
  hs_database_t *db;
  hs_compile_error_t *cerr;
  hs_scratch_t *scratch = NULL;
  if (hs_compile_multi(exprs, flags, ids, (unsigned)nhs, HS_MODE_BLOCK, NULL,
                       &db, &cerr) != HS_SUCCESS ||
      hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
    fprintf(stderr, "hs compile failed\n");
    return 2;
  }
  size_t hits = 0;
  double t_hs = 1e30, t_norm = 1e30, t_ent = 1e30, t_match = 1e30,
         t_bayes = 1e30, t_scan = 1e30;
  wsp_norm norm;
  wsp_entities ents;
  wsp_tokens toks;
  wsp_norm_init(&norm);
  wsp_entities_init(&ents);
  wsp_tokens_init(&toks);
  wsp_matcher *m;
  wsp_matcher_new(rs, &m);
  const wsp_bayes_model *model = wsp_scanner_model(sc);
  /* the texts normalised once, for the stages that start from them */
  char **ntext = calloc(c.n, sizeof(*ntext));
  size_t *nlen = calloc(c.n, sizeof(*nlen));
  for (size_t i = 0; i < c.n; i++) {
    wsp_text_normalize(c.posts[i]->text, c.posts[i]->text_len, &norm);
    ntext[i] = strndup(norm.text, norm.len);
    nlen[i] = norm.len;
  }

  for (int r = 0; r < repeat; r++) { /* best of `repeat` per stage */
    double t;
    t0 = wsp_time_mono_ns();
    for (size_t i = 0; i < c.n; i++)
      hs_scan(db, c.posts[i]->text, (unsigned)c.posts[i]->text_len, 0, scratch,
              on_hs_match, &hits);
    if ((t = wsp_time_since(t0)) < t_hs)
      t_hs = t;
    t0 = wsp_time_mono_ns();
    for (size_t i = 0; i < c.n; i++)
      wsp_text_normalize(c.posts[i]->text, c.posts[i]->text_len, &norm);
    if ((t = wsp_time_since(t0)) < t_norm)
      t_norm = t;
    t0 = wsp_time_mono_ns();
    for (size_t i = 0; i < c.n; i++) {
      wsp_text_normalize(c.posts[i]->text, c.posts[i]->text_len, &norm);
      wsp_entities_extract(c.posts[i]->text, c.posts[i]->text_len, &norm, NULL,
                           &ents);
    }
    if ((t = wsp_time_since(t0) - t_norm) < t_ent)
      t_ent = t > 0 ? t : 1e-9;
    t0 = wsp_time_mono_ns();
    for (size_t i = 0; i < c.n; i++) {
      wsp_scan_result res;
      wsp_matcher_scan_hits(m, ntext[i], nlen[i], &res);
    }
    if ((t = wsp_time_since(t0)) < t_match)
      t_match = t;
    if (model) {
      t0 = wsp_time_mono_ns();
      for (size_t i = 0; i < c.n; i++) {
        wsp_bayes_result br;
        wsp_tokenize(&wsp_bayes_config_of(model)->tok, ntext[i], nlen[i], NULL,
                     &toks);
        wsp_bayes_score(model, &toks, &br);
      }
      if ((t = wsp_time_since(t0)) < t_bayes)
        t_bayes = t;
    }
    t0 = wsp_time_mono_ns();
    for (size_t i = 0; i < c.n; i++) /* as the pipeline: spans if flagged */
      if (wsp_scan_text(ctx, c.posts[i]->text, c.posts[i]->text_len, &rep) ==
              WSP_OK &&
          rep->verdict.flagged)
        wsp_scan_spans(ctx);
    if ((t = wsp_time_since(t0)) < t_scan)
      t_scan = t;
  }
  printf("{\n  \"posts\": %zu, \"text_mb\": %.2f, \"jsonl_mb\": %.2f, "
         "\"patterns\": %zu, \"hs_patterns\": %zu,\n",
         c.n, c.bytes_text / 1e6, c.bytes_lines / 1e6, np, nhs);
  report("json", t_json, c.bytes_lines, c.n, 0);
  report("hs_raw", t_hs, c.bytes_text, c.n, 0);
  report("normalize", t_norm, c.bytes_text, c.n, 0);
  report("entities", t_ent, c.bytes_text, c.n, 0);
  report("match", t_match, c.bytes_text, c.n, 0);
  if (model)
    report("bayes", t_bayes, c.bytes_text, c.n, 0);
  report("scan", t_scan, c.bytes_text, c.n, 1);
  printf("}\n");

  /* everything freed, so the benchmark also runs clean under ASan */
  for (size_t i = 0; i < c.n; i++) {
    wsp_post_free(c.posts[i]);
    free(c.lines[i]);
    free(ntext[i]);
  }
  free(c.posts);
  free(c.lines);
  free(c.lens);
  free(ntext);
  free(nlen);
  free(exprs);
  free(flags);
  free(ids);
  hs_free_scratch(scratch);
  hs_free_database(db);
  wsp_matcher_free(m);
  wsp_norm_cleanup(&norm);
  wsp_entities_cleanup(&ents);
  wsp_tokens_cleanup(&toks);
  wsp_scan_ctx_free(ctx);
  wsp_scanner_free(sc);
  return 0;
}
