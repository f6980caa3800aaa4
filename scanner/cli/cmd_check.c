/* cli/cmd_check.c: `waspada check [--json] [TEXT|-]`: the verdict of one
** text through every stage (normalise, entities, rules, Bayes, verdict), per
** the JSON contract of DESIGN.md, with offsets into the original text. */
#include "cli/commands.h"
#include "cli/scanopts.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "pipeline/scanner.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
    "Usage: waspada check [OPTIONS] [TEXT|-]\n"
    "\n"
    "Scan one text (the argument, or standard input when it is '-' or\n"
    "missing) and print the verdict: flagged or not, score, level,\n"
    "categories, every rule that fired with its matched spans (byte offsets\n"
    "into the original text), the entities found (phones, WhatsApp and\n"
    "Telegram contacts, money, places...) and the Bayes tokens that weighed\n"
    "most. Exit 1 when the text is flagged, 0 when not, 2 on errors.\n"
    "\n"
    "Options:\n"
    "  --show-normalized show the normalised text the rules ran on\n"
    "  --tokens N        strongest Bayes tokens for and against (default "
    "5)\n" WSP_SCANOPTS_HELP;

enum { OPT_SHOW_NORM = WSP_OPT_FIRST_CMD, OPT_TOKENS };

#define MAX_TEXT (16u << 20)
#define MAX_TOKENS 50

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

struct out {
  FILE *f;
  int json, first;
};

static int print_entity(void *ud, const char *kind, const char *value,
                        size_t value_len, size_t start, size_t end)
{
  struct out *o = ud;
  if (o->json) {
    fputs(o->first ? "{\"kind\":" : ",{\"kind\":", o->f);
    wsp_cli_json_string(o->f, kind, strlen(kind));
    fputs(",\"value\":", o->f);
    wsp_cli_json_string(o->f, value, value_len);
    fprintf(o->f, ",\"start\":%zu,\"end\":%zu}", start, end);
  } else {
    fprintf(o->f, "  %-9s %.*s\n", kind, (int)value_len, value);
  }
  o->first = 0;
  return 0;
}

static void print_tokens(FILE *f, int json, const wsp_bayes_token_weight *t,
                         size_t n, int *first)
{
  for (size_t i = 0; i < n; i++) {
    if (json) {
      fputs(*first ? "{\"token\":" : ",{\"token\":", f);
      wsp_cli_json_string(f, t[i].token, t[i].len);
      fprintf(f, ",\"weight\":%.4f}", t[i].weight);
    } else {
      fprintf(f, "  %+7.3f  %.*s\n", t[i].weight, (int)t[i].len, t[i].token);
    }
    *first = 0;
  }
}

static void print_rules_json(FILE *f, const wsp_scan_report *r)
{
  fputs("\"rules\":[", f);
  for (size_t h = 0; h < r->match.nhits; h++) {
    const wsp_rule_hit *hit = &r->match.hits[h];
    const wsp_rule_info *ri = wsp_rules_rule(r->rules, hit->rule);
    fputs(h ? ",{\"id\":" : "{\"id\":", f);
    wsp_cli_json_string(f, ri->id, strlen(ri->id));
    fputs(",\"title\":", f);
    wsp_cli_json_string(f, ri->title, strlen(ri->title));
    fputs(",\"category\":", f);
    const char *cat = wsp_category_name(ri->category);
    wsp_cli_json_string(f, cat, strlen(cat));
    fprintf(f, ",\"status\":\"%s\",\"score\":%.3f,\"matches\":[",
            wsp_rule_status_name(ri->status), ri->score);
    for (size_t s = hit->first; s < hit->first + hit->count; s++) {
      const wsp_match_span *sp = &r->match.spans[s];
      const wsp_pattern_info *pi = wsp_rules_pattern(r->rules, sp->pattern);
      size_t start, end;
      wsp_scan_span_orig(r, sp, &start, &end);
      fputs(s > hit->first ? ",{\"pattern\":" : "{\"pattern\":", f);
      wsp_cli_json_string(f, pi->name, strlen(pi->name));
      fprintf(f, ",\"start\":%zu,\"end\":%zu,\"text\":", start, end);
      wsp_cli_json_string(f, r->orig + start, end - start);
      fputc('}', f);
    }
    fputs("]}", f);
  }
  fputc(']', f);
}

static void print_rules_text(FILE *f, const wsp_scan_report *r)
{
  for (size_t h = 0; h < r->match.nhits; h++) {
    const wsp_rule_hit *hit = &r->match.hits[h];
    const wsp_rule_info *ri = wsp_rules_rule(r->rules, hit->rule);
    fprintf(f, "  %-14s %+5.1f  %-20s %s%s\n", ri->id, ri->score,
            wsp_category_name(ri->category), ri->title,
            ri->status == WSP_STATUS_STABLE ? "" : " [not stable]");
    for (size_t s = hit->first; s < hit->first + hit->count; s++) {
      const wsp_match_span *sp = &r->match.spans[s];
      const wsp_pattern_info *pi = wsp_rules_pattern(r->rules, sp->pattern);
      size_t start, end;
      wsp_scan_span_orig(r, sp, &start, &end);
      fprintf(f, "      %-14s \"", pi->name);
      for (size_t i = start; i < end; i++)
        fputc(r->orig[i] == '\n' ? ' ' : r->orig[i], f);
      fprintf(f, "\" [%zu,%zu)\n", start, end);
    }
  }
}

static void print_report(wsp_scan_ctx *ctx, const wsp_scan_report *r, int json,
                         int show_norm, size_t ntok)
{
  FILE *f = stdout;
  const wsp_verdict *v = &r->verdict;
  wsp_bayes_token_weight pos[MAX_TOKENS], neg[MAX_TOKENS];
  size_t npos, nneg;
  struct out o = {f, json, 1};
  int first = 1;

  wsp_scan_explain(ctx, ntok, pos, &npos, neg, &nneg);
  if (json) {
    fprintf(f, "{\"flagged\":%s,\"score\":%.3f,\"level\":\"%s\",\"bayes\":",
            v->flagged ? "true" : "false", v->score, wsp_level_name(v->level));
    if (r->has_model)
      fprintf(f, "%.4f", r->bayes.p);
    else
      fputs("null", f);
    fputs(",\"categories\":[", f);
    for (size_t i = 0, n = 0; i < v->n_cats; i++)
      if (v->cats[i].counted > 0) {
        fputs(n++ ? "," : "", f);
        wsp_cli_json_string(f, v->cats[i].name, strlen(v->cats[i].name));
      }
    fputs("],", f);
    print_rules_json(f, r);
    fputs(",\"entities\":[", f);
    wsp_scan_each_entity(r, print_entity, &o);
    fputs("],\"tokens\":[", f);
    print_tokens(f, 1, pos, npos, &first);
    print_tokens(f, 1, neg, nneg, &first);
    fputc(']', f);
    if (show_norm) {
      fputs(",\"normalized\":", f);
      wsp_cli_json_string(f, r->norm->text, r->norm->len);
    }
    fputs("}\n", f);
    return;
  }
  fprintf(f, "%s  score %.2f  level %s", v->flagged ? "FLAGGED" : "not flagged",
          v->score, wsp_level_name(v->level));
  if (r->has_model)
    fprintf(f, "  (rules %+.2f, bayes p=%.3f -> %+.2f)", v->rules_score,
            r->bayes.p, v->bayes_score);
  fputc('\n', f);
  for (size_t i = 0; i < v->n_cats; i++)
    fprintf(f, "%s%s %+.1f", i ? "," : "categories:", v->cats[i].name,
            v->cats[i].counted);
  if (v->n_cats)
    fputc('\n', f);
  if (r->match.nhits) {
    fputs("rules:\n", f);
    print_rules_text(f, r);
  }
  o.first = 1;
  fputs("entities:\n", f);
  wsp_scan_each_entity(r, print_entity, &o);
  if (npos + nneg) {
    fputs("bayes tokens:\n", f);
    print_tokens(f, 0, pos, npos, &first);
    print_tokens(f, 0, neg, nneg, &first);
  }
  if (show_norm)
    fprintf(f, "normalized:\n  %.*s\n", (int)r->norm->len, r->norm->text);
}

int wsp_cmd_check(wsp_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
      {"show-normalized", no_argument, NULL, OPT_SHOW_NORM},
      {"tokens", required_argument, NULL, OPT_TOKENS},
      WSP_SCANOPTS_LONGOPTS,
      {NULL, 0, NULL, 0}};
  wsp_cli_scanopts so = {0};
  wsp_scanner *sc = NULL;
  wsp_scan_ctx *ctx = NULL;
  const wsp_scan_report *rep;
  wsp_buf input;
  const char *text;
  size_t len, ntok = 5;
  int c, show_norm = 0, code;
  char *end;
  wsp_rc rc;

  while ((c = wsp_cli_getopt(cli, argc, argv, "", opts)) != -1) {
    int r = wsp_cli_scanopts_opt(cli, &so, c, optarg);
    if (r < 0)
      return WSP_EXIT_USAGE;
    if (r > 0)
      continue;
    switch (c) {
    case 'h':
      wsp_cli_print_help(stdout, help);
      return WSP_EXIT_OK;
    case OPT_SHOW_NORM:
      show_norm = 1;
      break;
    case OPT_TOKENS:
      errno = 0;
      ntok = strtoul(optarg, &end, 10);
      if (*end || errno || ntok > MAX_TOKENS || optarg[0] == '-')
        return wsp_cli_usage_error(cli, "--tokens: '%s' is not 0..%d", optarg,
                                   MAX_TOKENS);
      break;
    default:
      return WSP_EXIT_USAGE;
    }
  }
  if (argc - optind > 1)
    return wsp_cli_usage_error(cli, "expected one TEXT (quote it), got %d",
                               argc - optind);
  wsp_buf_init(&input, MAX_TEXT);
  if (optind == argc || strcmp(argv[optind], "-") == 0) {
    rc = read_stdin(&input);
    if (rc != WSP_OK) {
      wsp_buf_cleanup(&input);
      return wsp_cli_fail(cli, WSP_EXIT_USAGE, "standard input: %s",
                          rc == WSP_TOOBIG ? "text larger than 16 MiB"
                                           : wsp_strerror(rc));
    }
    text = wsp_buf_str(&input);
    len = input.len;
  } else {
    text = argv[optind];
    len = strlen(text);
  }
  if ((code = wsp_cli_scanner_build(cli, &so, &sc)) != 0)
    goto done;
  if ((rc = wsp_scan_ctx_new(sc, &ctx)) != WSP_OK ||
      (rc = wsp_scan_text(ctx, text, len, &rep)) != WSP_OK ||
      (rc = wsp_scan_spans(ctx)) != WSP_OK) {
    code = wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", wsp_strerror(rc));
    goto done;
  }
  print_report(ctx, rep, cli->json, show_norm, ntok);
  code = rep->verdict.flagged ? WSP_EXIT_FINDINGS : WSP_EXIT_OK;
done:
  wsp_scan_ctx_free(ctx);
  wsp_scanner_free(sc);
  wsp_cli_scanopts_cleanup(&so);
  wsp_buf_cleanup(&input);
  return code;
}
