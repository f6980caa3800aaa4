/* cli/cmd_check.c: `waspada check [--json] [TEXT|-]`: the verdict of one
** text per the JSON contract of DESIGN.md. Today: rule hits (match) scored by
** the verdict module with its default settings; bayes is null and entities
** and tokens are empty until those stages are wired in (prepare_text and
** orig_offset are where normalisation plugs in). */
#include "cli/commands.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "match/rules.h"
#include "verdict/verdict.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
    "Usage: waspada check [--rules DIR|FILE]... [--cache-dir DIR] "
    "[--no-cache] [--json] [TEXT|-]\n"
    "\n"
    "Scan one text (the argument, or standard input when it is '-' or\n"
    "missing) against the rule packs (default rules/) and print the verdict:\n"
    "flagged or not, score, level, categories and every rule that fired with\n"
    "its matched spans (byte offsets into the text). Exit 1 when the text is\n"
    "flagged, 0 when not, 2 on usage or input errors.\n"
    "\n"
    "Options:\n"
    "  --rules PATH      rule file or directory (repeatable; default rules/)\n"
    "  --cache-dir DIR   compiled-database cache directory\n"
    "  --no-cache        neither read nor write the cache\n";

enum { OPT_RULES = WSP_OPT_FIRST_CMD, OPT_CACHE_DIR, OPT_NO_CACHE };

#define MAX_RULE_PATHS 64
#define MAX_TEXT (16u << 20)

/* The one place where text is prepared for the rules (normalisation plugs
** in here; orig_offset then maps offsets back to the original). */
static const char *prepare_text(const char *in, size_t len, size_t *out_len)
{
  *out_len = len;
  return in;
}

static size_t orig_offset(size_t off)
{
  return off;
}

/* text -> rule hits: the step the pipeline will share. */
static wsp_rc rule_hits(wsp_matcher *m, const char *text, size_t len,
                        wsp_scan_result *res)
{
  size_t plen;
  const char *pt = prepare_text(text, len, &plen);
  return wsp_matcher_scan(m, pt, plen, res);
}

static void on_diag(void *ud, const wsp_diag *d)
{
  (void)ud;
  if (d->severity != WSP_DIAG_ERROR)
    return; /* lint is for `rules check` */
  if (d->line)
    fprintf(stderr, "%s:%u:%u: error: %s\n", d->file, d->line, d->col,
            d->message);
  else
    fprintf(stderr, "%s: error: %s\n", d->file, d->message);
}

static wsp_rc read_stdin(wsp_buf *b)
{
  char chunk[65536];
  ssize_t n;
  while ((n = read(STDIN_FILENO, chunk, sizeof(chunk))) > 0) {
    wsp_rc rc = wsp_buf_append(b, chunk, (size_t)n);
    if (rc != WSP_OK)
      return rc;
  }
  return n < 0 ? WSP_IO : WSP_OK;
}

static void print_json(const wsp_rules *r, const wsp_scan_result *res,
                       const wsp_verdict *v, const char *text)
{
  printf("{\"flagged\":%s,\"score\":%.3f,\"level\":\"%s\",\"bayes\":null,"
         "\"categories\":[",
         v->flagged ? "true" : "false", v->score, wsp_level_name(v->level));
  for (size_t i = 0; i < v->n_cats; i++) {
    printf("%s", i ? "," : "");
    wsp_cli_json_string(stdout, v->cats[i].name, strlen(v->cats[i].name));
  }
  printf("],\"rules\":[");
  for (size_t i = 0; i < res->nhits; i++) {
    const wsp_rule_hit *h = &res->hits[i];
    const wsp_rule_info *ru = wsp_rules_rule(r, h->rule);
    const char *cat = wsp_category_name(ru->category);
    printf("%s{\"id\":", i ? "," : "");
    wsp_cli_json_string(stdout, ru->id, strlen(ru->id));
    printf(",\"title\":");
    wsp_cli_json_string(stdout, ru->title, strlen(ru->title));
    printf(",\"category\":");
    wsp_cli_json_string(stdout, cat, strlen(cat));
    printf(",\"status\":\"%s\",\"rev\":%u,\"score\":%g,\"matches\":[",
           wsp_rule_status_name(ru->status), ru->rev, ru->score);
    for (size_t k = 0; k < h->count; k++) {
      const wsp_match_span *s = &res->spans[h->first + k];
      const wsp_pattern_info *p = wsp_rules_pattern(r, s->pattern);
      size_t a = orig_offset(s->start), b = orig_offset(s->end);
      printf("%s{\"pattern\":", k ? "," : "");
      wsp_cli_json_string(stdout, p->name, strlen(p->name));
      printf(",\"start\":%zu,\"end\":%zu,\"text\":", a, b);
      wsp_cli_json_string(stdout, text + a, b - a);
      if (p->extract >= 0)
        printf(",\"extract\":\"%s\"", wsp_extract_kind_name(p->extract));
      printf("}");
    }
    printf("]}");
  }
  printf("],\"entities\":[],\"tokens\":[]}\n");
}

static void print_text(const wsp_rules *r, const wsp_scan_result *res,
                       const wsp_verdict *v, const char *text)
{
  printf("%s: score %.2f, level %s\n", v->flagged ? "FLAGGED" : "not flagged",
         v->score, wsp_level_name(v->level));
  for (size_t i = 0; i < res->nhits; i++) {
    const wsp_rule_hit *h = &res->hits[i];
    const wsp_rule_info *ru = wsp_rules_rule(r, h->rule);
    printf("  %s [%s, %s] %+g  %s\n", ru->id, wsp_category_name(ru->category),
           wsp_rule_status_name(ru->status), ru->score, ru->title);
    for (size_t k = 0; k < h->count; k++) {
      const wsp_match_span *s = &res->spans[h->first + k];
      size_t a = orig_offset(s->start), b = orig_offset(s->end);
      int n = b - a > 120 ? 120 : (int)(b - a);
      printf("    %-12s %zu-%zu \"%.*s\"\n",
             wsp_rules_pattern(r, s->pattern)->name, a, b, n, text + a);
    }
  }
}

int wsp_cmd_check(wsp_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
      {"rules", required_argument, NULL, OPT_RULES},
      {"cache-dir", required_argument, NULL, OPT_CACHE_DIR},
      {"no-cache", no_argument, NULL, OPT_NO_CACHE},
      {NULL, 0, NULL, 0}};
  const char *paths[MAX_RULE_PATHS];
  size_t npaths = 0;
  wsp_rules_opts ro = {0};
  wsp_buf in;
  wsp_rules *r = NULL;
  wsp_matcher *m = NULL;
  wsp_err err = {""};
  wsp_scan_result res;
  wsp_rc rc;
  int c, code;

  while ((c = wsp_cli_getopt(cli, argc, argv, "", opts)) != -1) {
    switch (c) {
    case 'h':
      wsp_cli_print_help(stdout, help);
      return WSP_EXIT_OK;
    case OPT_RULES:
      if (npaths == MAX_RULE_PATHS)
        return wsp_cli_usage_error(cli, "too many --rules");
      paths[npaths++] = optarg;
      break;
    case OPT_CACHE_DIR:
      ro.cache_dir = optarg;
      break;
    case OPT_NO_CACHE:
      ro.no_cache = 1;
      break;
    default:
      return WSP_EXIT_USAGE;
    }
  }
  if (optind + 1 < argc)
    return wsp_cli_usage_error(cli, "unexpected argument '%s'",
                               argv[optind + 1]);
  wsp_cli_setup_logging(cli);
  if (npaths == 0)
    paths[npaths++] = "rules";
  wsp_buf_init(&in, MAX_TEXT);
  if (optind < argc && strcmp(argv[optind], "-") != 0)
    rc = wsp_buf_append(&in, argv[optind], strlen(argv[optind]));
  else
    rc = read_stdin(&in);
  if (rc != WSP_OK) {
    wsp_buf_cleanup(&in);
    return wsp_cli_fail(cli, WSP_EXIT_USAGE, "reading the text: %s",
                        wsp_strerror(rc));
  }
  rc = wsp_rules_build(paths, npaths, &ro, on_diag, NULL, &r, &err);
  if (rc != WSP_OK) {
    wsp_buf_cleanup(&in);
    return wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", err.msg);
  }
  const char *text = wsp_buf_str(&in);
  if ((rc = wsp_matcher_new(r, &m)) != WSP_OK ||
      (rc = rule_hits(m, text, in.len, &res)) != WSP_OK) {
    code = wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", wsp_strerror(rc));
    goto done;
  }

  wsp_verdict_config vc;
  wsp_verdict v;
  wsp_verdict_hit vh[256];
  size_t nvh = 0;
  wsp_verdict_config_defaults(&vc);
  for (size_t i = 0; i < res.nhits && nvh < 256; i++) {
    const wsp_rule_info *ru = wsp_rules_rule(r, res.hits[i].rule);
    vh[nvh].category = wsp_category_name(ru->category);
    vh[nvh].score = ru->score;
    vh[nvh].weight =
        wsp_verdict_status_weight(&vc, wsp_rule_status_name(ru->status));
    nvh++;
  }
  wsp_verdict_compute(&vc, vh, nvh, -1.0, &v);
  if (cli->json)
    print_json(r, &res, &v, text);
  else
    print_text(r, &res, &v, text);
  code = v.flagged ? WSP_EXIT_FINDINGS : WSP_EXIT_OK;
done:
  wsp_matcher_free(m);
  wsp_rules_free(r);
  wsp_buf_cleanup(&in);
  return code;
}
