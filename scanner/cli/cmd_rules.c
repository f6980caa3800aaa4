/* cli/cmd_rules.c: `waspada rules check|test|stats`: validate, lint, compile
** and self-test rule packs; measure per-rule hits (and precision/recall where
** the corpus is labelled) over a JSONL corpus; per-rule hits and reviewers'
** verdicts from the database. A client of match/rules.h and store/store.h. */
#include "cli/commands.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/timeutil.h"
#include "match/rules.h"
#include "store/store.h"
#include "text/normalize.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "Usage: waspada rules check [--cache-dir DIR] [--no-cache] "
    "[DIR|FILE...]\n"
    "       waspada rules test [--rules DIR|FILE]... [--cache-dir DIR] "
    "[--no-cache] CORPUS.jsonl\n"
    "       waspada rules stats [--db PATH] [--json]\n"
    "\n"
    "check: load, lint and compile the rule packs (default: rules/), run\n"
    "  every rule's inline tests and print diagnostics as file:line:col,\n"
    "  each pattern's tier (exact, prefilter, pcre_only) and a summary.\n"
    "  Exit 1 on any error or failed test.\n"
    "test: count hits per rule over a JSONL corpus (one object per line,\n"
    "  \"text\" required). Where lines carry \"label\" (true/1/\"scam\" =\n"
    "  positive; false/0/\"ham\" = negative) also per-rule precision, recall\n"
    "  and the S/O ratio (share of positives hit / (that + share of\n"
    "  negatives hit)).\n"
    "stats: per rule, the stored posts it matched and what reviewers decided\n"
    "  about them (scam, not scam, unsure/escalated, not reviewed yet) with\n"
    "  the precision among reviewed posts: scam / (scam + not_scam).\n"
    "\n"
    "Options:\n"
    "  --rules PATH      rule file or directory for test (repeatable;\n"
    "                    default rules/)\n"
    "  --cache-dir DIR   compiled-database cache (default $WSP_CACHE_DIR,\n"
    "                    $XDG_CACHE_HOME/waspada, ~/.cache/waspada)\n"
    "  --no-cache        neither read nor write the cache\n"
    "  --raw             match the texts as they are (default: normalised\n"
    "                    as in the scanner: NFKC, case folding, "
    "de-obfuscation)\n";

enum { OPT_RULES = WSP_OPT_FIRST_CMD, OPT_CACHE_DIR, OPT_NO_CACHE, OPT_RAW };

#define MAX_RULE_PATHS 64
#define MAX_LINE (16u << 20)

/* The one place where text is prepared for the rules: normalisation (as in
** the pipeline) unless --raw. Returns the text to scan (valid until the next
** call) or NULL on error. */
static wsp_norm g_norm;
static int g_raw;

static const char *prepare_text(const char *in, size_t len, size_t *out_len)
{
  if (g_raw) {
    *out_len = len;
    return in;
  }
  if (wsp_text_normalize(in, len, &g_norm) != WSP_OK)
    return NULL;
  *out_len = g_norm.len;
  return g_norm.text;
}

static wsp_rc transform(void *ud, const char *in, size_t len, const char **out,
                        size_t *out_len)
{
  (void)ud;
  *out = prepare_text(in, len, out_len);
  return *out ? WSP_OK : WSP_ENCODING;
}

typedef struct diag_ctx {
  const wsp_cli *cli;
  int as_json;
  size_t errors, warnings;
  wsp_buf json; /* diagnostics as JSON array items (--json) */
} diag_ctx;

static void json_str(wsp_buf *b, const char *s)
{
  wsp_buf_putc(b, '"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      wsp_buf_printf(b, "\\%c", c);
    else if (c == '\n')
      wsp_buf_puts(b, "\\n");
    else if (c < 0x20 || c == 0x7f)
      wsp_buf_printf(b, "\\u%04x", c);
    else
      wsp_buf_putc(b, (char)c);
  }
  wsp_buf_putc(b, '"');
}

static void on_diag(void *ud, const wsp_diag *d)
{
  diag_ctx *c = ud;
  const char *sev = d->severity == WSP_DIAG_ERROR ? "error" : "warning";
  if (d->severity == WSP_DIAG_ERROR)
    c->errors++;
  else
    c->warnings++;
  if (c->as_json) {
    if (c->json.len)
      wsp_buf_putc(&c->json, ',');
    wsp_buf_puts(&c->json, "{\"file\":");
    json_str(&c->json, d->file);
    wsp_buf_printf(&c->json, ",\"line\":%u,\"col\":%u,\"severity\":\"%s\"",
                   d->line, d->col, sev);
    wsp_buf_puts(&c->json, ",\"message\":");
    json_str(&c->json, d->message);
    wsp_buf_putc(&c->json, '}');
    return;
  }
  if (d->severity == WSP_DIAG_WARNING && c->cli->verbosity == 0)
    return;
  if (d->line)
    fprintf(stderr, "%s:%u:%u: %s: %s\n", d->file, d->line, d->col, sev,
            d->message);
  else
    fprintf(stderr, "%s: %s: %s\n", d->file, sev, d->message);
}

typedef struct fail_ctx {
  const wsp_cli *cli;
  wsp_buf json;
} fail_ctx;

static void on_test_fail(void *ud, const wsp_rule_info *r, int expect,
                         size_t index, const char *text)
{
  fail_ctx *f = ud;
  if (f->cli->json) {
    if (f->json.len)
      wsp_buf_putc(&f->json, ',');
    wsp_buf_puts(&f->json, "{\"rule\":");
    json_str(&f->json, r->id);
    wsp_buf_printf(&f->json, ",\"expect\":\"%s\",\"index\":%zu,\"text\":",
                   expect ? "match" : "no_match", index);
    json_str(&f->json, text);
    wsp_buf_putc(&f->json, '}');
    return;
  }
  fprintf(stderr, "%s:%u: error: rule %s: tests.%s[%zu] %s: \"%.200s\"\n",
          r->file, r->line, r->id, expect ? "match" : "no_match", index,
          expect ? "does not match" : "matches", text);
}

static int cmd_check(wsp_cli *cli, const char **paths, size_t npaths,
                     const wsp_rules_opts *opts)
{
  diag_ctx dc = {cli, cli->json, 0, 0, {0}};
  fail_ctx fc = {cli, {0}};
  wsp_rules *r = NULL;
  wsp_matcher *m = NULL;
  wsp_err err = {""};
  wsp_rc rc = WSP_OK;
  size_t passed = 0, failed = 0;
  int compiled = 0, exit_code;

  wsp_buf_init(&dc.json, 64u << 20);
  wsp_buf_init(&fc.json, 16u << 20);
  if ((rc = wsp_rules_new(&r)) != WSP_OK)
    return wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", wsp_strerror(rc));
  for (size_t i = 0; i < npaths; i++) {
    wsp_rc prc = wsp_rules_add_path(r, paths[i], on_diag, &dc);
    if (prc == WSP_NOMEM) {
      rc = prc;
      break;
    }
  }
  if (rc == WSP_OK && dc.errors == 0) {
    rc = wsp_rules_compile(r, opts, &err);
    if (rc == WSP_OK) {
      compiled = 1;
      rc = wsp_matcher_new(r, &m);
      if (rc == WSP_OK)
        rc = wsp_rules_run_tests(r, m, transform, NULL, on_test_fail, &fc,
                                 &passed, &failed);
    } else {
      wsp_diag d = {WSP_DIAG_ERROR, paths[0], 0, 0, err.msg};
      on_diag(&dc, &d);
    }
  }
  wsp_rules_stats st;
  wsp_rules_get_stats(r, &st);
  exit_code =
      (dc.errors || failed || rc != WSP_OK) ? WSP_EXIT_FINDINGS : WSP_EXIT_OK;
  if (cli->json) {
    printf("{\"ok\":%s,\"files\":%zu,\"rules\":%zu,\"rules_active\":%zu,"
           "\"patterns\":%zu,\"tiers\":{\"exact\":%zu,\"prefilter\":%zu,"
           "\"pcre_only\":%zu,\"none\":%zu},\"cache_hit\":%s,"
           "\"compile_ms\":%.1f,\"tests\":{\"passed\":%zu,\"failed\":%zu},"
           "\"errors\":%zu,\"warnings\":%zu,\"diagnostics\":[%s],"
           "\"failed_tests\":[%s],\"pattern_tiers\":[",
           exit_code ? "false" : "true", st.files, st.rules, st.rules_active,
           st.patterns, st.tier[WSP_TIER_EXACT], st.tier[WSP_TIER_PREFILTER],
           st.tier[WSP_TIER_PCRE_ONLY], st.tier[WSP_TIER_NONE],
           st.cache_hit ? "true" : "false", st.compile_ms, passed, failed,
           dc.errors, dc.warnings, wsp_buf_str(&dc.json),
           wsp_buf_str(&fc.json));
    for (size_t i = 0; compiled && i < wsp_rules_pattern_count(r); i++) {
      const wsp_pattern_info *p = wsp_rules_pattern(r, i);
      const wsp_rule_info *ru = wsp_rules_rule(r, p->rule);
      printf("%s{\"rule\":", i ? "," : "");
      wsp_cli_json_string(stdout, ru->id, strlen(ru->id));
      printf(",\"pattern\":");
      wsp_cli_json_string(stdout, p->name, strlen(p->name));
      printf(",\"tier\":\"%s\"}", wsp_tier_name(p->tier));
    }
    printf("]}\n");
  } else {
    for (size_t i = 0; compiled && i < wsp_rules_pattern_count(r); i++) {
      const wsp_pattern_info *p = wsp_rules_pattern(r, i);
      const wsp_rule_info *ru = wsp_rules_rule(r, p->rule);
      if (p->tier == WSP_TIER_EXACT && cli->verbosity < 2)
        continue;
      printf("%s:%u: %s.%s: %s\n", ru->file, p->line, ru->id, p->name,
             wsp_tier_name(p->tier));
    }
    if (cli->verbosity > 0 || exit_code)
      printf("%zu files, %zu rules (%zu active), %zu patterns: %zu exact, "
             "%zu prefilter, %zu pcre_only, %zu not compiled; tests: %zu "
             "passed, %zu failed; %zu errors, %zu warnings%s\n",
             st.files, st.rules, st.rules_active, st.patterns,
             st.tier[WSP_TIER_EXACT], st.tier[WSP_TIER_PREFILTER],
             st.tier[WSP_TIER_PCRE_ONLY], st.tier[WSP_TIER_NONE], passed,
             failed, dc.errors, dc.warnings,
             !compiled      ? " (not compiled)"
             : st.cache_hit ? " (cache hit)"
                            : "");
  }
  if (rc != WSP_OK && rc != WSP_RULES && !cli->json)
    fprintf(stderr, "waspada rules check: %s\n", wsp_strerror(rc));
  wsp_matcher_free(m);
  wsp_rules_free(r);
  wsp_buf_cleanup(&dc.json);
  wsp_buf_cleanup(&fc.json);
  return exit_code;
}

/* label -> 1 positive, 0 negative, -1 absent/unknown */
static int label_of(const cJSON *o)
{
  const cJSON *l = cJSON_GetObjectItemCaseSensitive(o, "label");
  if (!l)
    return -1;
  if (cJSON_IsBool(l))
    return cJSON_IsTrue(l);
  if (cJSON_IsNumber(l))
    return l->valuedouble > 0.5;
  if (cJSON_IsString(l)) {
    static const char *pos[] = {"scam", "spam", "positive", "flag", "flagged",
                                "yes",  "true", "1",        "bad"};
    static const char *neg[] = {"ham",   "legit", "negative", "ok",  "no",
                                "false", "0",     "good",     "news"};
    for (size_t i = 0; i < sizeof(pos) / sizeof(*pos); i++)
      if (!strcmp(l->valuestring, pos[i]))
        return 1;
    for (size_t i = 0; i < sizeof(neg) / sizeof(*neg); i++)
      if (!strcmp(l->valuestring, neg[i]))
        return 0;
  }
  return -1;
}

static int cmd_test(wsp_cli *cli, const char **paths, size_t npaths,
                    const char *corpus, const wsp_rules_opts *opts)
{
  diag_ctx dc = {cli, 0, 0, 0, {0}};
  wsp_rules *r = NULL;
  wsp_matcher *m = NULL;
  wsp_err err = {""};
  FILE *fp;
  size_t *hits = NULL, *tp = NULL;
  size_t lines = 0, bad = 0, npos = 0, nneg = 0, nflag = 0;
  int code = WSP_EXIT_OK;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;

  wsp_buf_init(&dc.json, 0); /* diagnostics go to stderr as text here */
  wsp_rc rc = wsp_rules_build(paths, npaths, opts, on_diag, &dc, &r, &err);
  if (rc != WSP_OK)
    return wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", err.msg);
  if ((rc = wsp_matcher_new(r, &m)) != WSP_OK) {
    wsp_rules_free(r);
    return wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", wsp_strerror(rc));
  }
  fp = strcmp(corpus, "-") == 0 ? stdin : fopen(corpus, "rb");
  if (!fp) {
    wsp_matcher_free(m);
    wsp_rules_free(r);
    return wsp_cli_fail(cli, WSP_EXIT_USAGE, "cannot open %s", corpus);
  }
  size_t nr = wsp_rules_count(r);
  hits = wsp_calloc(nr + 1, sizeof(*hits));
  tp = wsp_calloc(nr + 1, sizeof(*tp));
  if (!hits || !tp) {
    code = wsp_cli_fail(cli, WSP_EXIT_USAGE, "out of memory");
    goto done;
  }
  while ((n = getline(&line, &cap, fp)) >= 0) {
    lines++;
    if ((size_t)n > MAX_LINE) {
      bad++;
      continue;
    }
    cJSON *o = cJSON_ParseWithLength(line, (size_t)n);
    const cJSON *t = o ? cJSON_GetObjectItemCaseSensitive(o, "text") : NULL;
    if (!cJSON_IsString(t)) {
      if (n > 1)
        bad++;
      cJSON_Delete(o);
      continue;
    }
    int label = label_of(o);
    npos += label == 1;
    nneg += label == 0;
    size_t plen = 0;
    const char *pt =
        prepare_text(t->valuestring, strlen(t->valuestring), &plen);
    wsp_scan_result res;
    if (wsp_matcher_scan(m, pt, plen, &res) != WSP_OK) {
      bad++;
      cJSON_Delete(o);
      continue;
    }
    nflag += res.nhits > 0;
    for (size_t i = 0; i < res.nhits; i++) {
      hits[res.hits[i].rule]++;
      if (label == 1)
        tp[res.hits[i].rule]++;
    }
    cJSON_Delete(o);
  }
  int labelled = npos + nneg > 0;
  if (cli->json) {
    printf("{\"posts\":%zu,\"errors\":%zu,\"positives\":%zu,\"negatives\":%zu,"
           "\"posts_hit\":%zu,\"rules\":[",
           lines - bad, bad, npos, nneg, nflag);
  } else {
    printf("%zu posts (%zu errors), %zu hit by a rule", lines - bad, bad,
           nflag);
    if (labelled)
      printf("; labelled %zu positive, %zu negative", npos, nneg);
    printf("\n%-20s %8s", "rule", "hits");
    if (labelled)
      printf(" %6s %6s %9s %7s %5s", "tp", "fp", "precision", "recall", "S/O");
    printf("\n");
  }
  for (size_t i = 0; i < nr; i++) {
    const wsp_rule_info *ru = wsp_rules_rule(r, i);
    size_t fp_ = hits[i] - tp[i];
    double prec = hits[i] ? (double)tp[i] / (double)hits[i] : 0;
    double rec = npos ? (double)tp[i] / (double)npos : 0;
    double sp = npos ? (double)tp[i] / (double)npos : 0;
    double hp = nneg ? (double)fp_ / (double)nneg : 0;
    double so = sp + hp > 0 ? sp / (sp + hp) : 0;
    if (cli->json) {
      printf("%s{\"id\":", i ? "," : "");
      wsp_cli_json_string(stdout, ru->id, strlen(ru->id));
      printf(",\"hits\":%zu", hits[i]);
      if (labelled)
        printf(",\"tp\":%zu,\"fp\":%zu,\"precision\":%.4f,\"recall\":%.4f,"
               "\"so\":%.4f",
               tp[i], fp_, prec, rec, so);
      printf("}");
    } else {
      printf("%-20s %8zu", ru->id, hits[i]);
      if (labelled)
        printf(" %6zu %6zu %9.3f %7.3f %5.2f", tp[i], fp_, prec, rec, so);
      printf("\n");
    }
  }
  if (cli->json)
    printf("]}\n");
done:
  free(line);
  if (fp != stdin)
    fclose(fp);
  wsp_free(hits);
  wsp_free(tp);
  wsp_matcher_free(m);
  wsp_rules_free(r);
  return code;
}

struct stats_out {
  int json, n;
};

static int print_stat(void *ud, const wsp_store_rule_stat *r)
{
  struct stats_out *o = ud;
  int64_t reviewed = r->scam + r->not_scam;
  char last[WSP_RFC3339_LEN];

  wsp_time_format_rfc3339(r->last_seen, last);
  if (o->json) {
    fputs(o->n ? ",{\"rule\":" : "{\"rule\":", stdout);
    wsp_cli_json_string(stdout, r->rule_id, strlen(r->rule_id));
    printf(",\"posts\":%lld,\"scam\":%lld,\"not_scam\":%lld,"
           "\"unsure\":%lld,\"pending\":%lld,\"last_seen\":\"%s\","
           "\"precision\":",
           (long long)r->posts, (long long)r->scam, (long long)r->not_scam,
           (long long)r->unsure, (long long)r->pending, last);
    if (reviewed)
      printf("%.4f}", (double)r->scam / (double)reviewed);
    else
      fputs("null}", stdout);
  } else {
    if (o->n == 0)
      printf("%-16s %7s %6s %8s %6s %7s  %-10s  %s\n", "RULE", "POSTS", "SCAM",
             "NOT_SCAM", "UNSURE", "PENDING", "LAST HIT", "PRECISION");
    printf("%-16s %7lld %6lld %8lld %6lld %7lld  %.10s  ", r->rule_id,
           (long long)r->posts, (long long)r->scam, (long long)r->not_scam,
           (long long)r->unsure, (long long)r->pending, last);
    if (reviewed)
      printf("%.2f\n", (double)r->scam / (double)reviewed);
    else
      puts("-");
  }
  o->n++;
  return 0;
}

/* `rules stats`: per-rule outcomes of the reviews in the database. */
static int cmd_stats(wsp_cli *cli)
{
  struct stats_out o = {cli->json, 0};
  wsp_store *st;
  wsp_err err;
  wsp_rc rc;

  if ((rc = wsp_store_open(cli->db_path, 0, &st, &err)) != WSP_OK)
    return wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", err.msg);
  if (o.json)
    fputc('[', stdout);
  rc = wsp_store_rule_stats(st, print_stat, &o, &err);
  if (o.json)
    fputs("]\n", stdout);
  else if (rc == WSP_OK && o.n == 0 && cli->verbosity > 0)
    fprintf(stderr, "no stored posts yet\n");
  wsp_store_free(st);
  return rc == WSP_OK ? WSP_EXIT_OK : wsp_cli_fail(cli, 1, "%s", err.msg);
}

int wsp_cmd_rules(wsp_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
      {"rules", required_argument, NULL, OPT_RULES},
      {"cache-dir", required_argument, NULL, OPT_CACHE_DIR},
      {"no-cache", no_argument, NULL, OPT_NO_CACHE},
      {"raw", no_argument, NULL, OPT_RAW},
      {NULL, 0, NULL, 0}};
  const char *rule_paths[MAX_RULE_PATHS];
  size_t nrule_paths = 0;
  wsp_rules_opts ro = {0};
  int c;

  while ((c = wsp_cli_getopt(cli, argc, argv, "", opts)) != -1) {
    switch (c) {
    case 'h':
      wsp_cli_print_help(stdout, help);
      return WSP_EXIT_OK;
    case OPT_RULES:
      if (nrule_paths == MAX_RULE_PATHS)
        return wsp_cli_usage_error(cli, "too many --rules");
      rule_paths[nrule_paths++] = optarg;
      break;
    case OPT_CACHE_DIR:
      ro.cache_dir = optarg;
      break;
    case OPT_NO_CACHE:
      ro.no_cache = 1;
      break;
    case OPT_RAW:
      g_raw = 1;
      break;
    default:
      return WSP_EXIT_USAGE;
    }
  }
  wsp_cli_setup_logging(cli);
  if (optind >= argc)
    return wsp_cli_usage_error(cli, "missing action (check, test or stats)");
  const char *action = argv[optind++];
  if (strcmp(action, "check") == 0) {
    const char *paths[MAX_RULE_PATHS];
    size_t n = 0;
    for (size_t i = 0; i < nrule_paths; i++)
      paths[n++] = rule_paths[i];
    for (; optind < argc; optind++) {
      if (n == MAX_RULE_PATHS)
        return wsp_cli_usage_error(cli, "too many paths");
      paths[n++] = argv[optind];
    }
    if (n == 0)
      paths[n++] = "rules";
    wsp_norm_init(&g_norm);
    int code = cmd_check(cli, paths, n, &ro);
    wsp_norm_cleanup(&g_norm);
    return code;
  }
  if (strcmp(action, "stats") == 0) {
    if (optind < argc)
      return wsp_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
    return cmd_stats(cli);
  }
  if (strcmp(action, "test") == 0) {
    if (optind >= argc)
      return wsp_cli_usage_error(cli, "missing CORPUS.jsonl");
    if (optind + 1 < argc)
      return wsp_cli_usage_error(cli, "unexpected argument '%s'",
                                 argv[optind + 1]);
    if (nrule_paths == 0)
      rule_paths[nrule_paths++] = "rules";
    wsp_norm_init(&g_norm);
    int code = cmd_test(cli, rule_paths, nrule_paths, argv[optind], &ro);
    wsp_norm_cleanup(&g_norm);
    return code;
  }
  return wsp_cli_usage_error(cli, "unknown action '%s' (check, test, stats)",
                             action);
}
