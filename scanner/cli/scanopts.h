/* cli/scanopts.h: the options every scanning subcommand shares (check,
** ingest, scan): which rule packs, model, gazetteer and settings file to use,
** and building the scanner from them with rule-pack findings printed as
** "file:line:col: error: message". */
#ifndef WSP_CLI_SCANOPTS_H
#define WSP_CLI_SCANOPTS_H

#include "cli/cli.h"
#include "core/config.h"
#include "pipeline/scanner.h"

#define WSP_SCANOPTS_MAX_RULES 32

typedef struct wsp_cli_scanopts {
  const char *rules[WSP_SCANOPTS_MAX_RULES];
  size_t n_rules;
  const char *model, *gazetteer, *cache_dir;
  int no_cache;
  wsp_config *config; /* loaded from cli->config_path, or empty */
  /* rule-pack findings; the scanner reports into this on build and on
  ** every reload, so the struct must outlive the scanner */
  unsigned diag_errors, diag_warnings, diag_shown;
} wsp_cli_scanopts;

enum {
  WSP_OPT_RULES = 0x1200,
  WSP_OPT_MODEL,
  WSP_OPT_GAZETTEER,
  WSP_OPT_CACHE_DIR,
  WSP_OPT_NO_CACHE
};

/* getopt_long entries for the options above (splice into a command's
** table). */
#define WSP_SCANOPTS_LONGOPTS                                                  \
  {"rules", required_argument, NULL, WSP_OPT_RULES},                           \
      {"model", required_argument, NULL, WSP_OPT_MODEL},                       \
      {"gazetteer", required_argument, NULL, WSP_OPT_GAZETTEER},               \
      {"cache-dir", required_argument, NULL, WSP_OPT_CACHE_DIR},               \
  {                                                                            \
    "no-cache", no_argument, NULL, WSP_OPT_NO_CACHE                            \
  }

#define WSP_SCANOPTS_HELP                                                      \
  "  --rules PATH      rule pack file or folder (repeatable; default: "        \
  "rules)\n"                                                                   \
  "  --model FILE      Bayes model (default: models/default.model; none)\n"    \
  "  --gazetteer FILE  places list (default: rules/gazetteer.tsv; none)\n"     \
  "  --cache-dir DIR   compiled-rules cache (default: ~/.cache/waspada)\n"     \
  "  --no-cache        neither read nor write the rules cache\n"

/* Handle one of the options above; returns 1 if c was one of them, or -1
** (usage error printed) if its value is unusable. */
int wsp_cli_scanopts_opt(const wsp_cli *cli, wsp_cli_scanopts *so, int c,
                         const char *arg);

/* Load the settings file and build the scanner; on failure print the reason
** and return the exit code (2), else 0. */
int wsp_cli_scanner_build(const wsp_cli *cli, wsp_cli_scanopts *so,
                          wsp_scanner **out);

void wsp_cli_scanopts_cleanup(wsp_cli_scanopts *so);

/* Load the settings file: --config PATH, else $WASPADA_CONFIG, else
** ./waspada.conf if it exists, else built-in defaults (an empty config).
** On error print it and return 2, else 0. */
int wsp_cli_config_load(const wsp_cli *cli, wsp_config **out);

#endif
