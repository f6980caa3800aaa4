/* cli/cmd_ingest.c: `waspada ingest`: scan posts from JSONL files or
** standard input and store the flagged ones. */
#include "cli/commands.h"
#include "cli/scanopts.h"
#include "core/timeutil.h"
#include "parse/feed.h"
#include "pipeline/ingest.h"
#include "store/store.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "Usage: waspada ingest [OPTIONS] FILE...|-\n"
    "\n"
    "Scan posts and store the flagged ones in the database. Input is JSONL:\n"
    "one JSON object per line with \"text\" and optionally \"id\", "
    "\"source\",\n"
    "\"url\", \"author\", \"published\" (RFC 3339 or epoch), \"title\", "
    "\"lang\".\n"
    "Bad lines (invalid JSON or UTF-8, no text, too long) are reported with\n"
    "their line numbers and counted; they never stop the run. Posts already\n"
    "seen (same source and id, or same text) are counted as duplicates and\n"
    "store nothing new. SIGINT/SIGTERM stops reading and stores what was "
    "read.\n"
    "\n"
    "Options:\n"
    "  --format FMT      auto (default), jsonl, or a feed document: rss,\n"
    "                    atom, rdf, jsonfeed, mastodon, reddit, bluesky,\n"
    "                    jsonld (JobPosting in HTML); auto sniffs each file\n"
    "  --jobs N          scan threads (default: number of CPUs)\n"
    "  --batch N         posts per database transaction (default 2000)\n"
    "  --source NAME     source name for posts without \"source\"\n"
    "                    (default: file:BASENAME)\n"
    "  --errors FILE     write every bad-line message to "
    "FILE\n" WSP_SCANOPTS_HELP "\n"
    "Prints: scanned N, flagged M, duplicates D, errors E (--json: one "
    "object).\n"
    "Exit: 0 done, 1 database failure, 2 usage or unreadable input, 130 "
    "interrupted.\n";

enum {
  OPT_FORMAT = WSP_OPT_FIRST_CMD,
  OPT_JOBS,
  OPT_BATCH,
  OPT_SOURCE,
  OPT_ERRORS
};

#define MAX_SHOWN_ERRORS 20

struct ingest_ui {
  const wsp_cli *cli;
  pthread_mutex_t lock;
  FILE *errors_file;
  unsigned long shown;
  int progress, drew;
  uint64_t start;
};

static void on_bad_input(void *ud, const char *msg)
{
  struct ingest_ui *ui = ud;
  pthread_mutex_lock(&ui->lock);
  if (ui->errors_file)
    fprintf(ui->errors_file, "%s\n", msg);
  if (ui->cli->verbosity > 0 && ui->shown++ < MAX_SHOWN_ERRORS) {
    if (ui->drew)
      fputs("\r\033[K", stderr);
    fprintf(stderr, "waspada ingest: %s\n", msg);
  }
  pthread_mutex_unlock(&ui->lock);
}

static void on_progress(void *ud, const wsp_pipeline_stats *st)
{
  struct ingest_ui *ui = ud;
  double secs = wsp_time_since(ui->start);
  uint64_t n = atomic_load(&st->scanned);
  if (!ui->progress || secs <= 0)
    return;
  pthread_mutex_lock(&ui->lock);
  fprintf(stderr,
          "\r\033[K  scanned %llu (%.0f posts/s, %.1f MB/s), flagged %llu, "
          "errors %llu",
          (unsigned long long)n, n / secs, atomic_load(&st->bytes) / secs / 1e6,
          (unsigned long long)atomic_load(&st->flagged),
          (unsigned long long)atomic_load(&st->errors));
  ui->drew = 1;
  pthread_mutex_unlock(&ui->lock);
}

static void on_signal(int sig)
{
  (void)sig;
  wsp_pipeline_request_stop();
}

static void install_signals(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESETHAND; /* a second signal kills as usual */
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

int wsp_cmd_ingest(wsp_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
      {"format", required_argument, NULL, OPT_FORMAT},
      {"jobs", required_argument, NULL, OPT_JOBS},
      {"batch", required_argument, NULL, OPT_BATCH},
      {"source", required_argument, NULL, OPT_SOURCE},
      {"errors", required_argument, NULL, OPT_ERRORS},
      WSP_SCANOPTS_LONGOPTS,
      {NULL, 0, NULL, 0}};
  wsp_cli_scanopts so = {0};
  wsp_ingest_opts io = {.format = "auto"};
  struct ingest_ui ui = {.cli = cli};
  const char *errors_path = NULL;
  wsp_scanner *sc = NULL;
  wsp_store *store = NULL;
  wsp_pipeline_stats st;
  wsp_err err;
  wsp_rc rc;
  int c, code = WSP_EXIT_USAGE;

  while ((c = wsp_cli_getopt(cli, argc, argv, "j:", opts)) != -1) {
    int r = wsp_cli_scanopts_opt(cli, &so, c, optarg);
    if (r < 0)
      return WSP_EXIT_USAGE;
    if (r > 0)
      continue;
    switch (c) {
    case 'h':
      wsp_cli_print_help(stdout, help);
      return WSP_EXIT_OK;
    case OPT_FORMAT:
      if (wsp_feed_format_lookup(optarg) < 0)
        return wsp_cli_usage_error(cli,
                                   "--format: '%s' is not one of auto, jsonl, "
                                   "rss, atom, rdf, jsonfeed, mastodon, "
                                   "reddit, bluesky, jsonld",
                                   optarg);
      io.format = optarg;
      break;
    case 'j':
    case OPT_JOBS:
      if (wsp_cli_parse_uint(cli, "--jobs", optarg, 1, 256, &io.jobs))
        return WSP_EXIT_USAGE;
      break;
    case OPT_BATCH:
      if (wsp_cli_parse_uint(cli, "--batch", optarg, 1, 1000000, &io.batch))
        return WSP_EXIT_USAGE;
      break;
    case OPT_SOURCE:
      io.source = optarg;
      break;
    case OPT_ERRORS:
      errors_path = optarg;
      break;
    default:
      return WSP_EXIT_USAGE;
    }
  }
  if (optind >= argc)
    return wsp_cli_usage_error(cli, "no input (give FILE... or - for stdin)");
  io.inputs = (const char *const *)argv + optind;
  io.n_inputs = (size_t)(argc - optind);

  pthread_mutex_init(&ui.lock, NULL);
  if (errors_path && !(ui.errors_file = fopen(errors_path, "w"))) {
    code = wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s: %s", errors_path,
                        strerror(errno));
    goto done;
  }
  if ((code = wsp_cli_scanner_build(cli, &so, &sc)) != 0)
    goto done;
  if ((rc = wsp_store_open(cli->db_path, 0, &store, &err)) != WSP_OK) {
    code = wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", err.msg);
    goto done;
  }
  ui.progress = wsp_cli_progress_enabled(cli);
  ui.start = wsp_time_mono_ns();
  io.on_error = on_bad_input;
  io.progress = on_progress;
  io.ud = &ui;
  wsp_pipeline_reset_stop();
  install_signals();
  err.msg[0] = '\0';
  rc = wsp_ingest_run(sc, store, &io, &st, &err);
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  if (ui.drew)
    fputs("\r\033[K", stderr);
  if (ui.shown > MAX_SHOWN_ERRORS && cli->verbosity > 0)
    fprintf(stderr, "waspada ingest: ... %lu more bad lines%s\n",
            ui.shown - MAX_SHOWN_ERRORS,
            errors_path ? "" : " (--errors FILE lists them all)");

  if ((rc == WSP_IO || rc == WSP_PARSE) && atomic_load(&st.read) == 0 &&
      atomic_load(&st.errors) == 0) {
    code = wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", err.msg);
    goto done; /* nothing was read: no summary */
  }
  double secs = wsp_time_since(ui.start);
  unsigned long long scanned = atomic_load(&st.scanned),
                     flagged = atomic_load(&st.flagged),
                     dups = atomic_load(&st.duplicates),
                     errors = atomic_load(&st.errors),
                     stored = atomic_load(&st.stored);
  if (cli->json)
    printf("{\"scanned\":%llu,\"flagged\":%llu,\"duplicates\":%llu,"
           "\"errors\":%llu,\"stored\":%llu,\"seconds\":%.3f,"
           "\"interrupted\":%s}\n",
           scanned, flagged, dups, errors, stored, secs,
           rc == WSP_INTERRUPTED ? "true" : "false");
  else
    printf("scanned %llu, flagged %llu, duplicates %llu, errors %llu\n",
           scanned, flagged, dups, errors);
  if (rc == WSP_OK)
    code = WSP_EXIT_OK;
  else if (rc == WSP_INTERRUPTED)
    code = wsp_cli_fail(cli, 130, "interrupted; what was read is stored");
  else if (rc == WSP_IO || rc == WSP_PARSE)
    code = wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", err.msg);
  else
    code = wsp_cli_fail(cli, WSP_EXIT_FINDINGS, "%s",
                        err.msg[0] ? err.msg : wsp_strerror(rc));
done:
  if (ui.errors_file)
    fclose(ui.errors_file);
  pthread_mutex_destroy(&ui.lock);
  wsp_store_free(store);
  wsp_scanner_free(sc);
  wsp_cli_scanopts_cleanup(&so);
  return code;
}
