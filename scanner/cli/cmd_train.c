/* cli/cmd_train.c: `waspada train`: fit a naive Bayes model on labelled
** CSV/TSV/JSONL files and save it. Also holds the data options shared with
** `waspada eval` (cmd_eval.c), exported as wsp__cli_bayes_*. */
#include "bayes/evaluate.h"
#include "bayes/features.h"
#include "cli/bayesopts.h"
#include "cli/commands.h"
#include "core/timeutil.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The gazetteer (for <country:..> tokens) and a featurising scratch, as
** every DATA file and the reviews use them. Returns 0 or the exit code. */
static int open_scratch(wsp_cli *cli, const wsp__cli_bayes *o,
                        wsp_gazetteer **gaz, wsp_bayes_scratch **s)
{
  const char *gpath = o->gazetteer;
  wsp_err err = {{0}};
  wsp_rc rc;

  *gaz = NULL;
  *s = NULL;
  if (gpath && strcmp(gpath, "none") == 0)
    gpath = NULL; /* no places: no <country:..> tokens */
  else if (o->cfg.tok.entities) {
    if (!gpath && access("rules/gazetteer.tsv", R_OK) == 0)
      gpath = "rules/gazetteer.tsv";
  }
  if (gpath && (rc = wsp_gazetteer_load(gpath, gaz, &err)) != WSP_OK)
    return wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s",
                        err.msg[0] ? err.msg : wsp_strerror(rc));
  if (wsp_bayes_scratch_new(*gaz, s) != WSP_OK)
    return wsp_cli_fail(cli, WSP_EXIT_USAGE, "out of memory");
  return 0;
}

struct review_load {
  const wsp__cli_bayes *o;
  wsp_bayes_scratch *s;
  wsp_bayes_data *d;
  wsp_rc rc;
  size_t posts, scam;
};

static int add_review(void *ud, const char *text, size_t len, int is_scam)
{
  struct review_load *r = ud;
  r->rc = wsp_bayes_featurize(r->s, &r->o->cfg.tok, text, len);
  if (r->rc == WSP_OK)
    r->rc = wsp_bayes_data_add(r->d, wsp_bayes_scratch_tokens(r->s), is_scam);
  if (r->rc != WSP_OK)
    return 1;
  r->posts++;
  r->scam += is_scam != 0;
  return 0;
}

/* Add the reviewers' decisions in the database (latest decision per post,
** scam or not_scam; unsure and escalate are left out) to d. */
static int load_reviews(wsp_cli *cli, const wsp__cli_bayes *o,
                        wsp_bayes_data *d)
{
  wsp_gazetteer *gaz = NULL;
  wsp_store *st = NULL;
  struct review_load r = {o, NULL, d, WSP_OK, 0, 0};
  wsp_err err = {{0}};
  wsp_rc rc;
  int code;

  if ((code = open_scratch(cli, o, &gaz, &r.s)) != 0)
    goto done;
  code = WSP_EXIT_USAGE;
  if ((rc = wsp_store_open(cli->db_path, 0, &st, &err)) != WSP_OK) {
    wsp_cli_fail(cli, code, "%s", err.msg);
    goto done;
  }
  rc = wsp_store_labelled(st, add_review, &r, &err);
  if (rc != WSP_OK || r.rc != WSP_OK) {
    wsp_cli_fail(cli, code, "%s", rc != WSP_OK ? err.msg : wsp_strerror(r.rc));
    goto done;
  }
  if (cli->verbosity > 0 && !cli->json)
    fprintf(stderr, "%s: %zu reviewed posts (%zu scam, %zu not scam)\n",
            cli->db_path, r.posts, r.scam, r.posts - r.scam);
  code = 0;
done:
  wsp_store_free(st);
  wsp_bayes_scratch_free(r.s);
  wsp_gazetteer_free(gaz);
  return code;
}

int wsp__cli_bayes_load(wsp_cli *cli, const wsp__cli_bayes *o, char **operands,
                        int n, wsp_bayes_data *d);

static const char help[] =
    "Usage: waspada train --out FILE [OPTIONS] [--from-reviews] DATA...\n"
    "\n"
    "Fit the naive Bayes scorer on labelled posts and save the model.\n"
    "DATA is a CSV (RFC 4180), TSV or JSONL file, told apart by its\n"
    "extension or --format. Options below set the defaults for every DATA;\n"
    "a DATA operand may override them after '::' ('+' separates several\n"
    "fields or values):\n"
    "  sms_spam_id/train.csv::text=Teks,label=Label,scam=1\n"
    "  sms_spam_uci/train.tsv::text=SMS,label=Label,scam=spam\n"
    "\n"
    "Options:\n"
    "  --out FILE          model file to write (required)\n"
    "  --format F          csv, tsv, jsonl or auto (default auto)\n"
    "  --text F[,F...]     text field(s), joined by newlines (default text)\n"
    "  --label F           label field (default label)\n"
    "  --scam-values V,..  label values meaning scam, case-insensitive;\n"
    "                      any other value means not scam (default 1)\n"
    "  --alpha A           smoothing (default 0.1)\n"
    "  --min-count N       drop tokens seen in fewer posts (default 1)\n"
    "  --cgrams MIN-MAX    character n-grams inside words, 0 for none\n"
    "                      (default 2-5)\n"
    "  --no-bigrams        no word pairs\n"
    "  --gazetteer FILE    places for <country:..> tokens, or none (default\n"
    "                      rules/gazetteer.tsv when present)\n"
    "  --no-calibrate      skip Platt calibration (p = sigmoid of raw odds)\n"
    "  --threshold P       binary cut stored in the model (default 0.5)\n"
    "  --from-reviews      also learn from the reviewers' decisions in the\n"
    "                      database (--db): the latest decision per post,\n"
    "                      scam or not_scam (unsure/escalate left out)\n";

static const struct option bayes_longopts[] = {BAYES_LONGOPTS,
                                               {NULL, 0, NULL, 0}};

const struct option *wsp__cli_bayes_longopts(void)
{
  return bayes_longopts;
}

void wsp__cli_bayes_init(wsp__cli_bayes *o)
{
  memset(o, 0, sizeof(*o));
  wsp_data_spec_default(&o->defaults);
  wsp_bayes_config_default(&o->cfg);
}

static int copy_list(wsp_cli *cli, char *dst, size_t cap, const char *arg,
                     const char *opt)
{
  if (!*arg || strlen(arg) >= cap)
    return wsp_cli_usage_error(cli, "bad value for --%s", opt);
  snprintf(dst, cap, "%s", arg);
  return 0;
}

/* Apply a shared option. Returns 0, a usage exit code, or -1 if key is not
** one of the shared options. */
int wsp__cli_bayes_option(wsp_cli *cli, wsp__cli_bayes *o, int key,
                          const char *arg)
{
  char *end;

  switch (key) {
  case OPT_FORMAT:
    if (wsp_data_format_parse(arg, &o->defaults.format) != WSP_OK)
      return wsp_cli_usage_error(cli, "unknown format '%s'", arg);
    return 0;
  case OPT_TEXT:
    return copy_list(cli, o->defaults.text, sizeof(o->defaults.text), arg,
                     "text");
  case OPT_LABEL:
    return copy_list(cli, o->defaults.label, sizeof(o->defaults.label), arg,
                     "label");
  case OPT_SCAM:
    return copy_list(cli, o->defaults.scam, sizeof(o->defaults.scam), arg,
                     "scam-values");
  case OPT_ALPHA:
    o->cfg.alpha = strtod(arg, &end);
    if (*end || !(o->cfg.alpha > 0 && o->cfg.alpha <= 100))
      return wsp_cli_usage_error(cli, "--alpha wants a number in (0, 100]");
    return 0;
  case OPT_MIN_COUNT: {
    long v = strtol(arg, &end, 10);
    if (*end || v < 0 || v > 1000000)
      return wsp_cli_usage_error(cli, "--min-count wants 0..1000000");
    o->cfg.min_count = (uint32_t)v;
    return 0;
  }
  case OPT_CGRAMS: {
    long a = strtol(arg, &end, 10), b = a;
    if (*end == '-')
      b = strtol(end + 1, &end, 10);
    if (*end || a < 0 || b < a || b > 8 || (a == 0 && b != 0))
      return wsp_cli_usage_error(cli, "--cgrams wants MIN-MAX in 1..8, or 0");
    o->cfg.tok.cgram_min = (uint8_t)a;
    o->cfg.tok.cgram_max = (uint8_t)b;
    return 0;
  }
  case OPT_NO_BIGRAMS:
    o->cfg.tok.bigrams = 0;
    return 0;
  case OPT_GAZETTEER:
    o->gazetteer = arg;
    return 0;
  case OPT_NO_CALIBRATE:
    o->no_calibrate = 1;
    return 0;
  case OPT_THRESHOLD:
    o->cfg.threshold = strtod(arg, &end);
    if (*end || !(o->cfg.threshold >= 0 && o->cfg.threshold <= 1))
      return wsp_cli_usage_error(cli, "--threshold wants a number in [0, 1]");
    o->threshold_set = 1;
    return 0;
  default:
    return -1;
  }
}

typedef struct progress_ctx {
  const wsp_cli *cli;
  int on;
} progress_ctx;

static void progress(void *ud, const char *path, size_t records)
{
  progress_ctx *p = ud;
  if (p->on)
    fprintf(stderr, "\r%s: %zu posts read", path, records);
}

int wsp__cli_bayes_load(wsp_cli *cli, const wsp__cli_bayes *o, char **operands,
                        int n, wsp_bayes_data *d)
{
  wsp_gazetteer *gaz = NULL;
  wsp_bayes_scratch *s = NULL;
  progress_ctx pc = {cli, wsp_cli_progress_enabled(cli)};
  int code;
  wsp_err err = {{0}};
  wsp_rc rc;

  if ((code = open_scratch(cli, o, &gaz, &s)) != 0)
    goto done;
  code = WSP_EXIT_USAGE;
  for (int i = 0; i < n; i++) {
    wsp_data_spec spec;
    if (wsp_data_spec_parse(operands[i], &o->defaults, &spec, &err) != WSP_OK) {
      code = wsp_cli_usage_error(cli, "%s", err.msg);
      goto done;
    }
    rc = wsp_bayes_data_load(&spec, &o->cfg.tok, s, d, progress, &pc, &err);
    if (pc.on)
      fputc('\n', stderr);
    if (rc != WSP_OK) {
      wsp_cli_fail(cli, code, "%s", err.msg[0] ? err.msg : wsp_strerror(rc));
      goto done;
    }
  }
  code = 0;
done:
  wsp_bayes_scratch_free(s);
  wsp_gazetteer_free(gaz);
  return code;
}

enum { OPT_FROM_REVIEWS = WSP__CLI_BAYES_OPT_END + 64 };

int wsp_cmd_train(wsp_cli *cli, int argc, char **argv)
{
  static const struct option longopts[] = {
      BAYES_LONGOPTS,
      {"out", required_argument, NULL, OPT_OUT},
      {"from-reviews", no_argument, NULL, OPT_FROM_REVIEWS},
      {NULL, 0, NULL, 0}};
  wsp__cli_bayes o;
  wsp_bayes_data d;
  wsp_bayes_model *m = NULL;
  const char *out = NULL;
  wsp_err err = {{0}};
  int c, code, from_reviews = 0;
  wsp_rc rc;

  wsp__cli_bayes_init(&o);
  while ((c = wsp_cli_getopt(cli, argc, argv, "", longopts)) != -1) {
    if (c == 'h') {
      wsp_cli_print_help(stdout, help);
      return WSP_EXIT_OK;
    }
    if (c == OPT_OUT) {
      out = optarg;
      continue;
    }
    if (c == OPT_FROM_REVIEWS) {
      from_reviews = 1;
      continue;
    }
    if ((code = wsp__cli_bayes_option(cli, &o, c, optarg)) != 0)
      return code < 0 ? WSP_EXIT_USAGE : code;
  }
  if (!out)
    return wsp_cli_usage_error(cli, "--out FILE is required");
  if (optind >= argc && !from_reviews)
    return wsp_cli_usage_error(cli, "no DATA file given (or --from-reviews)");

  uint64_t t0 = wsp_time_mono_ns();
  double t1 = 0, t2 = 0;
  wsp_bayes_data_init(&d);
  if ((code = wsp__cli_bayes_load(cli, &o, argv + optind, argc - optind, &d)) !=
      0)
    goto done;
  if (from_reviews && (code = load_reviews(cli, &o, &d)) != 0)
    goto done;
  code = WSP_EXIT_USAGE;
  if (d.nscam == 0 || d.nscam == d.count) {
    wsp_cli_fail(cli, code,
                 "need posts of both classes: %zu scam, %zu not scam "
                 "(check --label / --scam-values)",
                 d.nscam, d.count - d.nscam);
    goto done;
  }
  t1 = wsp_time_since(t0);
  if ((rc = wsp_bayes_fit(&d, NULL, d.count, &o.cfg, !o.no_calibrate, &m)) !=
      WSP_OK) {
    wsp_cli_fail(cli, code, "training failed: %s", wsp_strerror(rc));
    goto done;
  }
  if ((rc = wsp_bayes_save(m, out, &err)) != WSP_OK) {
    wsp_cli_fail(cli, code, "%s", err.msg[0] ? err.msg : wsp_strerror(rc));
    goto done;
  }
  t2 = wsp_time_since(t0);
  wsp_bayes_counts counts;
  wsp_bayes_counts_get(m, &counts);
  double a[WSP_BAYES_PARTS], b;
  wsp_bayes_get_calibration(m, a, &b);
  if (cli->json) {
    printf("{\"out\":");
    wsp_cli_json_string(stdout, out, strlen(out));
    printf(",\"posts\":%zu,\"scam\":%zu,\"vocab\":%llu,"
           "\"read_seconds\":%.3f,\"fit_seconds\":%.3f,"
           "\"calibration\":{\"word\":%.6g,\"bigram\":%.6g,"
           "\"chargram\":%.6g,\"entity\":%.6g,\"b\":%.6g}}\n",
           d.count, d.nscam, (unsigned long long)counts.vocab, t1, t2 - t1,
           a[0], a[1], a[2], a[3], b);
  } else if (cli->verbosity > 0) {
    printf("trained %s: %zu posts (%zu scam, %zu not scam), %llu tokens; "
           "read+featurise %.2fs (%.0f posts/s), fit+save %.2fs\n",
           out, d.count, d.nscam, d.count - d.nscam,
           (unsigned long long)counts.vocab, t1,
           t1 > 0 ? (double)d.count / t1 : 0.0, t2 - t1);
    if (cli->verbosity > 1)
      printf("calibration: z = %.4g + %.4g S_word + %.4g S_bigram + "
             "%.4g S_chargram + %.4g S_entity\n",
             b, a[0], a[1], a[2], a[3]);
  }
  code = WSP_EXIT_OK;
done:
  wsp_bayes_free(m);
  wsp_bayes_data_cleanup(&d);
  return code;
}
