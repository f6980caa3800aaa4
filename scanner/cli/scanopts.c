/* cli/scanopts.c: shared scanner options and scanner construction. */
#include "cli/scanopts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int wsp_cli_scanopts_opt(const wsp_cli *cli, wsp_cli_scanopts *so, int c,
                         const char *arg)
{
  switch (c) {
  case WSP_OPT_RULES:
    if (so->n_rules == WSP_SCANOPTS_MAX_RULES) {
      wsp_cli_usage_error(cli, "too many --rules (at most %d)",
                          WSP_SCANOPTS_MAX_RULES);
      return -1;
    }
    so->rules[so->n_rules++] = arg;
    return 1;
  case WSP_OPT_MODEL:
    so->model = arg;
    return 1;
  case WSP_OPT_GAZETTEER:
    so->gazetteer = arg;
    return 1;
  case WSP_OPT_CACHE_DIR:
    so->cache_dir = arg;
    return 1;
  case WSP_OPT_NO_CACHE:
    so->no_cache = 1;
    return 1;
  default:
    return 0;
  }
}

int wsp_cli_config_load(const wsp_cli *cli, wsp_config **out)
{
  const char *path = cli->config_path;
  wsp_err err;
  wsp_rc rc;

  if (!path)
    path = getenv("WASPADA_CONFIG");
  if (!path && access("waspada.conf", R_OK) == 0)
    path = "waspada.conf";
  rc = path ? wsp_config_load(path, out, &err) : wsp_config_new(out);
  if (rc != WSP_OK)
    return wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s",
                        path ? err.msg : wsp_strerror(rc));
  return 0;
}

static void print_diag(void *ud, const wsp_diag *d)
{
  wsp_cli_scanopts *st = ud;
  if (d->severity == WSP_DIAG_ERROR)
    st->diag_errors++;
  else
    st->diag_warnings++;
  if (d->severity == WSP_DIAG_WARNING)
    return; /* lint warnings are for `rules check` */
  if (st->diag_shown++ < 20)
    fprintf(stderr, "%s:%u:%u: error: %s\n", d->file, d->line, d->col,
            d->message);
}

int wsp_cli_scanner_build(const wsp_cli *cli, wsp_cli_scanopts *so,
                          wsp_scanner **out)
{
  wsp_err err;
  wsp_rc rc;
  int code;

  *out = NULL;
  if (!so->config && (code = wsp_cli_config_load(cli, &so->config)) != 0)
    return code;
  wsp_scanner_opts o = {
      .rule_paths = so->n_rules ? so->rules : NULL,
      .n_rule_paths = so->n_rules,
      .model_path = so->model,
      .gazetteer_path = so->gazetteer,
      .config = so->config,
      .rules = {.cache_dir = so->cache_dir, .no_cache = so->no_cache},
      .diag = print_diag,
      .diag_ud = so,
  };
  err.msg[0] = '\0';
  rc = wsp_scanner_new(&o, out, &err);
  if (rc != WSP_OK) {
    if (so->diag_shown > 20)
      fprintf(stderr, "... %u more errors (see 'waspada rules check')\n",
              so->diag_shown - 20);
    return wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s",
                        err.msg[0] ? err.msg : wsp_strerror(rc));
  }
  return 0;
}

void wsp_cli_scanopts_cleanup(wsp_cli_scanopts *so)
{
  wsp_config_free(so->config);
  so->config = NULL;
}
