/* cli/cmd_flagged.c: `waspada flagged`: list the stored flagged posts,
** highest score first, with filters. */
#include "cli/commands.h"
#include "cli/postview.h"
#include "core/timeutil.h"
#include "store/store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "Usage: waspada flagged [OPTIONS]\n"
    "\n"
    "List flagged posts stored in the database, highest score first.\n"
    "Columns: id, score, level, status, categories, sightings, text.\n"
    "\n"
    "Options:\n"
    "  --since WHEN      first seen at or after WHEN: 7d, 12h, 2026-11-01 or\n"
    "                    an RFC 3339 time\n"
    "  --level L         at least this level: low, medium, high\n"
    "  --category C      only posts of category C (see rules/README.md)\n"
    "  --status S        new, scam, not_scam, unsure or escalate\n"
    "  --search QUERY    full-text search (SQLite FTS5 syntax)\n"
    "  --limit N         at most N posts (default 100)\n";

enum {
  OPT_SINCE = WSP_OPT_FIRST_CMD,
  OPT_LEVEL,
  OPT_CATEGORY,
  OPT_STATUS,
  OPT_SEARCH,
  OPT_LIMIT
};

struct list_state {
  int json, n;
};

static int print_row(void *ud, const wsp_store_row *r)
{
  struct list_state *ls = ud;
  if (ls->json) {
    fputs(ls->n ? ",\n{" : "{", stdout);
    wsp_postview_json_fields(stdout, r);
    fputc('}', stdout);
  } else {
    wsp_postview_line(stdout, r);
  }
  ls->n++;
  return 0;
}

int wsp_cmd_flagged(wsp_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
      {"since", required_argument, NULL, OPT_SINCE},
      {"level", required_argument, NULL, OPT_LEVEL},
      {"category", required_argument, NULL, OPT_CATEGORY},
      {"status", required_argument, NULL, OPT_STATUS},
      {"search", required_argument, NULL, OPT_SEARCH},
      {"limit", required_argument, NULL, OPT_LIMIT},
      {NULL, 0, NULL, 0}};
  wsp_store_filter f = {0};
  struct list_state ls = {0};
  wsp_store *s;
  wsp_err err;
  wsp_rc rc;
  int c;
  char *end;

  while ((c = wsp_cli_getopt(cli, argc, argv, "", opts)) != -1) {
    switch (c) {
    case 'h':
      wsp_cli_print_help(stdout, help);
      return WSP_EXIT_OK;
    case OPT_SINCE:
      if (wsp_postview_parse_since(optarg, wsp_time_wall_ms() / 1000,
                                   &f.since) != 0)
        return wsp_cli_usage_error(
            cli, "--since: '%s' is not 7d, 12h or an RFC 3339 date", optarg);
      break;
    case OPT_LEVEL:
      if (strcmp(optarg, "none") && strcmp(optarg, "low") &&
          strcmp(optarg, "medium") && strcmp(optarg, "high"))
        return wsp_cli_usage_error(cli,
                                   "--level: '%s' is not low, medium or "
                                   "high",
                                   optarg);
      f.level = optarg;
      break;
    case OPT_CATEGORY:
      f.category = optarg;
      break;
    case OPT_STATUS:
      if (strcmp(optarg, "new") && !wsp_store_decision_valid(optarg))
        return wsp_cli_usage_error(cli,
                                   "--status: '%s' is not new, scam, "
                                   "not_scam, unsure or escalate",
                                   optarg);
      f.status = optarg;
      break;
    case OPT_SEARCH:
      f.query = optarg;
      break;
    case OPT_LIMIT:
      errno = 0;
      f.limit = (int)strtol(optarg, &end, 10);
      if (*end || errno || f.limit < 1 || f.limit > 1000000)
        return wsp_cli_usage_error(cli, "--limit: '%s' is not 1..1000000",
                                   optarg);
      break;
    default:
      return WSP_EXIT_USAGE;
    }
  }
  if (optind < argc)
    return wsp_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
  if ((rc = wsp_store_open(cli->db_path, 0, &s, &err)) != WSP_OK)
    return wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", err.msg);
  ls.json = cli->json;
  if (ls.json)
    fputc('[', stdout);
  rc = wsp_store_list(s, &f, print_row, &ls, &err);
  if (ls.json)
    fputs("]\n", stdout);
  else if (rc == WSP_OK && ls.n == 0 && cli->verbosity > 0)
    fprintf(stderr, "no flagged posts match\n");
  wsp_store_free(s);
  if (rc != WSP_OK)
    return wsp_cli_fail(cli, rc == WSP_INVAL ? WSP_EXIT_USAGE : 1, "%s",
                        err.msg);
  return WSP_EXIT_OK;
}
