/* cli/bayesopts.h: the data and model options `waspada train` and
** `waspada eval` share (both read labelled CSV/TSV/JSONL with the same
** --format/--text/--label/--scam-values and model settings). Defined in
** cmd_train.c. */
#ifndef WSP_CLI_BAYESOPTS_H
#define WSP_CLI_BAYESOPTS_H

#include "bayes/dataset.h"
#include "bayes/model.h"
#include "cli/cli.h"

/* Options shared by train and eval. */
typedef struct wsp__cli_bayes {
  wsp_data_spec defaults;
  wsp_bayes_config cfg;
  const char *gazetteer; /* NULL: rules/gazetteer.tsv when it exists */
  int no_calibrate;
  int threshold_set;
} wsp__cli_bayes;

enum {
  OPT_FORMAT = WSP_OPT_FIRST_CMD,
  OPT_TEXT,
  OPT_LABEL,
  OPT_SCAM,
  OPT_ALPHA,
  OPT_MIN_COUNT,
  OPT_CGRAMS,
  OPT_NO_BIGRAMS,
  OPT_GAZETTEER,
  OPT_NO_CALIBRATE,
  OPT_THRESHOLD,
  OPT_OUT,
  WSP__CLI_BAYES_OPT_END /* eval numbers its own options from here */
};

#define BAYES_LONGOPTS                                                         \
  {"format", required_argument, NULL, OPT_FORMAT},                             \
      {"text", required_argument, NULL, OPT_TEXT},                             \
      {"label", required_argument, NULL, OPT_LABEL},                           \
      {"scam-values", required_argument, NULL, OPT_SCAM},                      \
      {"alpha", required_argument, NULL, OPT_ALPHA},                           \
      {"min-count", required_argument, NULL, OPT_MIN_COUNT},                   \
      {"cgrams", required_argument, NULL, OPT_CGRAMS},                         \
      {"no-bigrams", no_argument, NULL, OPT_NO_BIGRAMS},                       \
      {"gazetteer", required_argument, NULL, OPT_GAZETTEER},                   \
      {"no-calibrate", no_argument, NULL, OPT_NO_CALIBRATE},                   \
  {                                                                            \
    "threshold", required_argument, NULL, OPT_THRESHOLD                        \
  }

const struct option *wsp__cli_bayes_longopts(void);
void wsp__cli_bayes_init(wsp__cli_bayes *o);
int wsp__cli_bayes_option(wsp_cli *cli, wsp__cli_bayes *o, int key,
                          const char *arg);
/* Read every DATA operand (with its '::' overrides) into d; returns 0 or
** the exit code after printing the error. */
int wsp__cli_bayes_load(wsp_cli *cli, const wsp__cli_bayes *o, char **operands,
                        int n, wsp_bayes_data *d);

#endif
