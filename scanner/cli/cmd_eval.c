/* cli/cmd_eval.c: `waspada eval`: quality figures of the naive Bayes
** scorer, by stratified K-fold cross-validation on labelled data, or on a
** held-out test file (with a saved model, or a model fitted on DATA). The
** data options are shared with `waspada train` (cmd_train.c). */
#include "bayes/evaluate.h"
#include "bayes/features.h"
#include "cli/bayesopts.h"
#include "cli/commands.h"
#include "core/alloc.h"
#include "core/timeutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_FOLDS = WSP_OPT_FIRST_CMD + 64, OPT_MODEL, OPT_TEST, OPT_SEED };

static const char help[] =
    "Usage: waspada eval [OPTIONS] DATA... [--folds K]\n"
    "       waspada eval [OPTIONS] --model FILE --test DATA\n"
    "       waspada eval [OPTIONS] DATA... --test DATA\n"
    "\n"
    "Measure the naive Bayes scorer: precision, recall and F1 of the scam\n"
    "class, accuracy, ROC-AUC, the confusion matrix and the threshold used.\n"
    "With DATA only: stratified K-fold cross-validation (fixed seed).\n"
    "With --model: score --test with a saved model. With DATA and --test:\n"
    "fit on DATA (as `waspada train` would), score --test.\n"
    "Data options are those of `waspada train` (see its --help), including\n"
    "per-file overrides 'FILE::text=..,label=..,scam=..' (also for --test).\n"
    "\n"
    "Options:\n"
    "  --folds K        folds for cross-validation (default 5)\n"
    "  --seed N         seed of the fold assignment (default 20261123)\n"
    "  --model FILE     a model written by `waspada train`\n"
    "  --test DATA      held-out labelled file\n"
    "  --threshold P    scam when p >= P (default: the model's, 0.5)\n"
    "  --format, --text, --label, --scam-values, --alpha, --min-count,\n"
    "  --cgrams, --no-bigrams, --gazetteer, --no-calibrate: as for train\n";

static void print_metrics(const wsp_cli *cli, const char *mode,
                          const wsp_bayes_metrics *mt, unsigned folds,
                          double seconds)
{
  if (cli->json) {
    printf("{\"mode\":\"%s\",", mode);
    if (folds)
      printf("\"folds\":%u,", folds);
    printf("\"n\":%zu,\"precision\":%.6f,\"recall\":%.6f,\"f1\":%.6f,"
           "\"accuracy\":%.6f,\"auc\":%.6f,\"threshold\":%.6f,"
           "\"confusion\":{\"tp\":%zu,\"fp\":%zu,\"tn\":%zu,\"fn\":%zu},"
           "\"seconds\":%.3f}\n",
           mt->n, mt->precision, mt->recall, mt->f1, mt->accuracy,
           isnan(mt->auc) ? 0.0 : mt->auc, mt->threshold, mt->tp, mt->fp,
           mt->tn, mt->fn, seconds);
    return;
  }
  if (folds)
    printf("%u-fold cross-validation on %zu posts\n", folds, mt->n);
  else
    printf("held-out test on %zu posts\n", mt->n);
  printf("  precision %.4f  recall %.4f  F1 %.4f  (scam class)\n",
         mt->precision, mt->recall, mt->f1);
  printf("  accuracy  %.4f  ROC-AUC %.4f  threshold p >= %.3f\n", mt->accuracy,
         mt->auc, mt->threshold);
  printf("  confusion           predicted scam  predicted not\n");
  printf("    actual scam       %14zu  %13zu\n", mt->tp, mt->fn);
  printf("    actual not scam   %14zu  %13zu\n", mt->fp, mt->tn);
  printf("  time %.2fs\n", seconds);
}

int wsp_cmd_eval(wsp_cli *cli, int argc, char **argv)
{
  struct option longopts[32];
  const struct option *shared = wsp__cli_bayes_longopts();
  size_t nopt = 0;
  wsp__cli_bayes o;
  wsp_bayes_data train, test;
  wsp_bayes_model *m = NULL;
  wsp_bayes_metrics mt;
  const char *model_path = NULL, *test_path = NULL;
  unsigned long folds = 5, seed = WSP_BAYES_SEED;
  int c, code;
  double *z = NULL;
  wsp_err err = {{0}};
  wsp_rc rc;
  char *end;

  for (; shared[nopt].name && nopt < 24; nopt++)
    longopts[nopt] = shared[nopt];
  longopts[nopt++] =
      (struct option){"folds", required_argument, NULL, OPT_FOLDS};
  longopts[nopt++] =
      (struct option){"model", required_argument, NULL, OPT_MODEL};
  longopts[nopt++] = (struct option){"test", required_argument, NULL, OPT_TEST};
  longopts[nopt++] = (struct option){"seed", required_argument, NULL, OPT_SEED};
  longopts[nopt] = (struct option){NULL, 0, NULL, 0};

  wsp__cli_bayes_init(&o);
  while ((c = wsp_cli_getopt(cli, argc, argv, "", longopts)) != -1) {
    switch (c) {
    case 'h':
      wsp_cli_print_help(stdout, help);
      return WSP_EXIT_OK;
    case OPT_FOLDS:
      folds = strtoul(optarg, &end, 10);
      if (*end || folds < 2 || folds > 100)
        return wsp_cli_usage_error(cli, "--folds wants 2..100");
      continue;
    case OPT_SEED:
      seed = strtoul(optarg, &end, 10);
      if (*end)
        return wsp_cli_usage_error(cli, "--seed wants a number");
      continue;
    case OPT_MODEL:
      model_path = optarg;
      continue;
    case OPT_TEST:
      test_path = optarg;
      continue;
    default:
      if ((code = wsp__cli_bayes_option(cli, &o, c, optarg)) != 0)
        return code < 0 ? WSP_EXIT_USAGE : code;
    }
  }
  if (model_path && !test_path)
    return wsp_cli_usage_error(cli, "--model needs --test DATA");
  if (model_path && optind < argc)
    return wsp_cli_usage_error(cli, "give either --model or DATA, not both");
  if (!model_path && optind >= argc)
    return wsp_cli_usage_error(cli, "no DATA file given");

  uint64_t t0 = wsp_time_mono_ns();
  wsp_bayes_data_init(&train);
  wsp_bayes_data_init(&test);
  code = WSP_EXIT_USAGE;
  if (model_path) {
    if ((rc = wsp_bayes_load(model_path, &m, &err)) != WSP_OK) {
      wsp_cli_fail(cli, code, "%s", err.msg[0] ? err.msg : wsp_strerror(rc));
      goto done;
    }
    /* featurise the test data exactly as the model was trained */
    double thr = o.cfg.threshold;
    o.cfg = *wsp_bayes_config_of(m);
    if (o.threshold_set)
      o.cfg.threshold = thr;
  }
  if (optind < argc && (code = wsp__cli_bayes_load(cli, &o, argv + optind,
                                                   argc - optind, &train)) != 0)
    goto done;
  code = WSP_EXIT_USAGE;
  if (!model_path && (train.nscam == 0 || train.nscam == train.count)) {
    wsp_cli_fail(cli, code, "need posts of both classes: %zu scam, %zu not",
                 train.nscam, train.count - train.nscam);
    goto done;
  }
  if (test_path) {
    char *ops[1] = {(char *)test_path};
    if ((code = wsp__cli_bayes_load(cli, &o, ops, 1, &test)) != 0)
      goto done;
    code = WSP_EXIT_USAGE;
    if (!m && (rc = wsp_bayes_fit(&train, NULL, train.count, &o.cfg,
                                  !o.no_calibrate, &m)) != WSP_OK) {
      wsp_cli_fail(cli, code, "training failed: %s", wsp_strerror(rc));
      goto done;
    }
    if (!(z = wsp_malloc((test.count ? test.count : 1) * sizeof(*z))))
      goto nomem;
    for (size_t i = 0; i < test.count; i++) {
      wsp_bayes_result r;
      wsp_bayes_score_hashes(m, test.hashes + test.start[i],
                             test.start[i + 1] - test.start[i], &r);
      z[i] = r.logodds;
    }
    wsp_bayes_metrics_compute(z, test.label, test.count, o.cfg.threshold, &mt);
    print_metrics(cli, "test", &mt, 0, wsp_time_since(t0));
  } else {
    if (train.count < folds) {
      wsp_cli_fail(cli, code, "%zu posts cannot make %lu folds", train.count,
                   folds);
      goto done;
    }
    if (!(z = wsp_malloc(train.count * sizeof(*z))))
      goto nomem;
    if ((rc = wsp_bayes_cross_validate(&train, &o.cfg, !o.no_calibrate,
                                       (unsigned)folds, seed, z)) != WSP_OK) {
      wsp_cli_fail(cli, code, "cross-validation failed: %s", wsp_strerror(rc));
      goto done;
    }
    wsp_bayes_metrics_compute(z, train.label, train.count, o.cfg.threshold,
                              &mt);
    print_metrics(cli, "cv", &mt, (unsigned)folds, wsp_time_since(t0));
  }
  code = WSP_EXIT_OK;
  goto done;
nomem:
  code = wsp_cli_fail(cli, WSP_EXIT_USAGE, "out of memory");
done:
  wsp_free(z);
  wsp_bayes_free(m);
  wsp_bayes_data_cleanup(&train);
  wsp_bayes_data_cleanup(&test);
  return code;
}
