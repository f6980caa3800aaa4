/* cli/cmd_scan.c: `waspada scan`: poll the feeds of the feed list (once, or
** on schedule as a daemon), scan what is new and store the flagged posts. */
#include "cli/commands.h"
#include "cli/scanopts.h"
#include "core/timeutil.h"
#include "fetch/feedlist.h"
#include "fetch/feedsync.h"
#include "fetch/fetcher.h"
#include "fetch/settings.h"
#include "parse/feed.h"
#include "pipeline/feedscan.h"
#include "store/store.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char help[] =
    "Usage: waspada scan [OPTIONS]\n"
    "\n"
    "Fetch the feeds of the feed list that are due, parse what changed, scan\n"
    "the posts and store the flagged ones (the same stages as 'ingest').\n"
    "Requests are conditional (ETag, Last-Modified), polite (per-host limits\n"
    "and spacing) and bounded (timeouts, body size, redirects). Failing\n"
    "feeds back off exponentially (429/503: Retry-After), are paused after\n"
    "repeated failures and retried later; 410 disables a feed. See\n"
    "'waspada feeds list' for each feed's state. One line per fetch goes to\n"
    "stderr (-q: none).\n"
    "\n"
    "Options:\n"
    "  --feeds FILE      feed list (OPML; default: setting fetch.feeds or\n"
    "                    " WSP_FETCH_DEFAULT_FEEDS ")\n"
    "  --once            poll the due feeds once and exit (default)\n"
    "  --watch           keep polling on schedule until SIGTERM/SIGINT;\n"
    "                    SIGHUP reloads the rule packs and the feed list\n"
    "  --all             poll every enabled feed, ignoring the schedule\n"
    "                    (requests stay conditional)\n"
    "  --jobs N          scan threads (default: CPUs - 1, at least 1; the\n"
    "                    fetch thread and the parser use about one "
    "CPU)\n" WSP_SCANOPTS_HELP "\n"
    "Settings: section [fetch] of waspada.conf (timeouts, limits, backoff).\n"
    "Prints: feeds N: fetched F, not modified M, failed X; scanned S, "
    "flagged G\n"
    "(--json: one object per round with feeds, fetched, not_modified, "
    "failed,\n"
    "scanned, flagged, ...).\n"
    "Exit: 0 done, 1 database failure, 2 usage error or bad feed list, 130\n"
    "interrupted (--once).\n";

enum { OPT_FEEDS = WSP_OPT_FIRST_CMD, OPT_ONCE, OPT_WATCH, OPT_ALL, OPT_JOBS };

/* Set by the handlers, read by this thread: the signal may land in any
** thread of the process (a scan worker, the writer), so lock-free atomics
** rather than volatile sig_atomic_t (safe within one thread only). */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2,
               "signal flags must be lock-free atomics");
static atomic_int stop_flag, hup_flag;

static void on_stop(int sig)
{
  (void)sig;
  atomic_store(&stop_flag, 1);
  wsp_pipeline_request_stop();
}

static void on_hup(int sig)
{
  (void)sig;
  atomic_store(&hup_flag, 1);
}

static void install_signals(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sa.sa_handler = on_hup;
  sigaction(SIGHUP, &sa, NULL);
}

struct scan_ui {
  const wsp_cli *cli;
  pthread_mutex_t lock;
};

static void on_fetch(void *ud, const wsp_feedscan_event *ev)
{
  struct scan_ui *ui = ud;
  char next[WSP_RFC3339_LEN] = "never";
  if (ui->cli->verbosity == 0)
    return;
  if (ev->next_poll)
    wsp_time_format_rfc3339(ev->next_poll, next);
  pthread_mutex_lock(&ui->lock);
  fprintf(stderr,
          "waspada scan: feed=%s result=%s status=%d bytes=%zu posts=%zu "
          "seconds=%.3f next=%s failures=%d%s%s%s%s%s\n",
          ev->feed, ev->result, ev->status, ev->bytes, ev->posts, ev->seconds,
          next, ev->failures, ev->paused ? " paused=1" : "",
          ev->moved_to ? " moved_to=" : "", ev->moved_to ? ev->moved_to : "",
          ev->error ? " error=" : "", ev->error ? ev->error : "");
  pthread_mutex_unlock(&ui->lock);
}

static void on_bad_post(void *ud, const char *msg)
{
  struct scan_ui *ui = ud;
  if (ui->cli->verbosity == 0)
    return;
  pthread_mutex_lock(&ui->lock);
  fprintf(stderr, "waspada scan: %s\n", msg);
  pthread_mutex_unlock(&ui->lock);
}

static void print_summary(const wsp_cli *cli, const wsp_feedscan_stats *st,
                          double secs, int interrupted)
{
  const wsp_pipeline_stats *p = &st->posts;
  unsigned long long scanned = atomic_load(&p->scanned),
                     flagged = atomic_load(&p->flagged),
                     stored = atomic_load(&p->stored),
                     dups = atomic_load(&p->duplicates),
                     errors = atomic_load(&p->errors);
  if (cli->json)
    printf("{\"feeds\":%lu,\"fetched\":%lu,\"not_modified\":%lu,"
           "\"failed\":%lu,\"scanned\":%llu,\"flagged\":%llu,"
           "\"stored\":%llu,\"duplicates\":%llu,\"errors\":%llu,"
           "\"seconds\":%.3f,\"interrupted\":%s}\n",
           st->feeds, st->fetched, st->not_modified, st->failed, scanned,
           flagged, stored, dups, errors, secs, interrupted ? "true" : "false");
  else
    printf("feeds %lu: fetched %lu, not modified %lu, failed %lu; scanned "
           "%llu, flagged %llu, duplicates %llu, errors %llu\n",
           st->feeds, st->fetched, st->not_modified, st->failed, scanned,
           flagged, dups, errors);
  fflush(stdout);
}

/* Load the feed list and put it into the database. 0 or an exit code. */
static int load_list(const wsp_cli *cli, const char *path, wsp_store *store,
                     wsp_feedlist **out)
{
  wsp_err err;
  wsp_rc rc = wsp_feedlist_load(path, out, &err);
  if (rc != WSP_OK)
    return wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", err.msg);
  if ((rc = wsp_feeds_sync(store, *out, &err)) != WSP_OK) {
    wsp_feedlist_free(*out);
    *out = NULL;
    return wsp_cli_fail(cli, WSP_EXIT_FINDINGS, "%s", err.msg);
  }
  return 0;
}

/* Sleep until `until` (epoch s) or a signal; returns early on stop/hup. */
static void sleep_until(int64_t until)
{
  while (!atomic_load(&stop_flag) && !atomic_load(&hup_flag) &&
         wsp_time_wall_ms() / 1000 < until) {
    struct timespec ts = {0, 200 * 1000000L};
    nanosleep(&ts, NULL);
  }
}

int wsp_cmd_scan(wsp_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
      {"feeds", required_argument, NULL, OPT_FEEDS},
      {"once", no_argument, NULL, OPT_ONCE},
      {"watch", no_argument, NULL, OPT_WATCH},
      {"all", no_argument, NULL, OPT_ALL},
      {"jobs", required_argument, NULL, OPT_JOBS},
      WSP_SCANOPTS_LONGOPTS,
      {NULL, 0, NULL, 0}};
  wsp_cli_scanopts so = {0};
  wsp_feedscan_opts fo;
  struct scan_ui ui = {.cli = cli};
  const char *feeds_path = NULL, *path;
  wsp_feedlist *list = NULL;
  wsp_scanner *sc = NULL;
  wsp_store *store = NULL;
  wsp_feedscan_stats st;
  int watch = 0, c, code = WSP_EXIT_USAGE;
  wsp_err err;
  wsp_rc rc;

  wsp_feedscan_opts_default(&fo);
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
    case OPT_FEEDS:
      feeds_path = optarg;
      break;
    case OPT_ONCE:
      watch = 0;
      break;
    case OPT_WATCH:
      watch = 1;
      break;
    case OPT_ALL:
      fo.all = 1;
      break;
    case 'j':
    case OPT_JOBS:
      if (wsp_cli_parse_uint(cli, "--jobs", optarg, 1, 256, &fo.jobs))
        return WSP_EXIT_USAGE;
      break;
    default:
      return WSP_EXIT_USAGE;
    }
  }
  if (optind < argc)
    return wsp_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);

  pthread_mutex_init(&ui.lock, NULL);
  if ((code = wsp_cli_scanner_build(cli, &so, &sc)) != 0)
    goto done;
  err.msg[0] = '\0';
  if ((rc = wsp_fetch_settings(so.config, &fo.fetch, &fo.sched, &path, &err)) !=
      WSP_OK) {
    code = wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", err.msg);
    goto done;
  }
  if (!feeds_path)
    feeds_path = path;
  /* libcurl and libxml2 global state, before any thread starts */
  if (wsp_fetcher_global_init() != WSP_OK) {
    code = wsp_cli_fail(cli, WSP_EXIT_FINDINGS, "libcurl failed to start");
    goto done;
  }
  wsp_feed_global_init();
  if ((rc = wsp_store_open(cli->db_path, 0, &store, &err)) != WSP_OK) {
    code = wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", err.msg);
    goto done;
  }
  if ((code = load_list(cli, feeds_path, store, &list)) != 0)
    goto done;
  fo.on_fetch = on_fetch;
  fo.on_error = on_bad_post;
  fo.ud = &ui;
  atomic_store(&stop_flag, 0);
  atomic_store(&hup_flag, 0);
  wsp_pipeline_reset_stop();
  install_signals();

  for (;;) {
    uint64_t start = wsp_time_mono_ns();
    int64_t next_due = 0;
    err.msg[0] = '\0';
    rc = wsp_feedscan_round(sc, store, list, &fo, &st, &next_due, &err);
    if (rc != WSP_OK && rc != WSP_INTERRUPTED) {
      code = wsp_cli_fail(cli, WSP_EXIT_FINDINGS, "%s",
                          err.msg[0] ? err.msg : wsp_strerror(rc));
      goto done;
    }
    if (!watch || st.feeds > 0 || rc == WSP_INTERRUPTED)
      print_summary(cli, &st, wsp_time_since(start), rc == WSP_INTERRUPTED);
    if (!watch) {
      code = rc == WSP_INTERRUPTED
                 ? wsp_cli_fail(cli, 130,
                                "interrupted; what was read is "
                                "stored")
                 : WSP_EXIT_OK;
      goto done;
    }
    if (atomic_load(&stop_flag))
      break;
    fo.all = 0; /* --all applies to the first round */
    if (!atomic_load(&hup_flag)) {
      int64_t now = wsp_time_wall_ms() / 1000;
      /* wake for the next due feed, at least every minute to notice
      ** feeds added to the database by `feeds add` */
      int64_t until = next_due && next_due < now + 60 ? next_due : now + 60;
      sleep_until(until < now + 1 ? now + 1 : until);
    }
    if (atomic_load(&stop_flag))
      break;
    if (atomic_exchange(&hup_flag, 0)) {
      wsp_feedlist *nl = NULL;
      err.msg[0] = '\0';
      so.diag_shown = 0;
      if (wsp_scanner_reload_rules(sc, &err) != WSP_OK)
        fprintf(stderr,
                "waspada scan: rule reload failed, keeping the old rules: "
                "%s\n",
                err.msg);
      else if (cli->verbosity > 0)
        fprintf(stderr, "waspada scan: rules reloaded\n");
      if (wsp_feedlist_load(feeds_path, &nl, &err) != WSP_OK)
        fprintf(stderr,
                "waspada scan: feed list reload failed, keeping the old "
                "list: %s\n",
                err.msg);
      else if (wsp_feeds_sync(store, nl, &err) != WSP_OK) {
        fprintf(stderr, "waspada scan: feed list sync failed: %s\n", err.msg);
        wsp_feedlist_free(nl);
      } else {
        wsp_feedlist_free(list);
        list = nl;
        if (cli->verbosity > 0)
          fprintf(stderr, "waspada scan: feed list reloaded (%zu feeds)\n",
                  wsp_feedlist_count(list));
      }
    }
  }
  code = WSP_EXIT_OK; /* --watch ends cleanly on SIGTERM */
done:
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGHUP, SIG_DFL);
  pthread_mutex_destroy(&ui.lock);
  wsp_feedlist_free(list);
  wsp_store_free(store);
  wsp_scanner_free(sc);
  wsp_cli_scanopts_cleanup(&so);
  return code;
}
