/* pipeline/feedscan.h: `waspada scan`: poll the feeds that are due, parse
** what changed and run the posts through the same scan and store stages as
** `waspada ingest` (pipeline/stages.h).
**
** One round = one pipeline run. A fetch thread owns the fetcher (libcurl
** multi: one thread, see fetch/fetcher.h) and keeps transfers going; it
** settles fetches without a document (304, failures) itself and copies
** each fetched document over a bounded queue to the reader of the pipeline
** (the calling thread), whose next() parses it (parse/feed.h) and hands the
** posts out one by one. Scan workers and the single writer thread are the
** pipeline's. on_fetch is called from the fetch thread or the reader (one
** call per feed; it must be thread-safe).
**
** Feed state and the store: during a round only the pipeline's writer uses
** the store connection. Each fetch outcome (validators, cursor, schedule,
** failures, redirect) is kept in memory and written by the calling thread
** on the same connection after the pipeline has stored and committed the
** posts, in one transaction. So a feed's validators never run ahead of its
** posts: if the process dies mid-round, the next round fetches the feed
** again and the store's duplicate detection drops what was already stored.
** A feed whose posts were not all handed to the pipeline when a stop was
** requested keeps its old state for the same reason.
**
** Threading: wsp_feedscan_round runs in the calling thread (reader) and
** starts the fetch thread, the workers and the writer itself. */
#ifndef WSP_PIPELINE_FEEDSCAN_H
#define WSP_PIPELINE_FEEDSCAN_H

#include "fetch/feedlist.h"
#include "fetch/fetcher.h"
#include "fetch/schedule.h"
#include "pipeline/pipeline.h"
#include "pipeline/scanner.h"
#include "store/store.h"

#include <stdint.h>

/* One fetch, reported as it ends (for the one log line per fetch). */
typedef struct wsp_feedscan_event {
  const char *feed, *url;
  const char *result; /* "ok", "not_modified", "failed", "gone" */
  int status;         /* HTTP status, 0 if none */
  size_t bytes, posts;
  double seconds;
  const char *error;    /* or NULL */
  const char *moved_to; /* permanent redirect target, or NULL */
  int64_t next_poll;    /* 0: never */
  int failures, paused; /* after this fetch */
} wsp_feedscan_event;

typedef struct wsp_feedscan_opts {
  wsp_fetch_opts fetch;
  wsp_sched_opts sched;
  int all;        /* every enabled feed, ignoring the schedule */
  unsigned jobs;  /* scan workers; 0: CPUs - 1 (the fetch thread and the
                     reader keep about one CPU busy), at least 1 */
  unsigned batch; /* posts per transaction; 0: default */
  void (*on_fetch)(void *ud,
                   const wsp_feedscan_event *ev);  /* thread-safe; or NULL */
  void (*on_error)(void *ud, const char *message); /* bad post; thread-safe */
  void *ud;
} wsp_feedscan_opts;

/* Defaults of fetch and sched. */
void wsp_feedscan_opts_default(wsp_feedscan_opts *o);

typedef struct wsp_feedscan_stats {
  unsigned long feeds;        /* feeds polled this round */
  unsigned long fetched;      /* 2xx bodies parsed */
  unsigned long not_modified; /* 304 */
  unsigned long failed;       /* errors, bad documents, 410 */
  wsp_pipeline_stats posts;   /* scanned, flagged, ... */
} wsp_feedscan_stats;

/* Poll once every listed, enabled, not disabled feed that is due at `now`
** (or every one with opts->all); the list supplies per-feed settings
** (interval, user agent, headers). *next_due (may be NULL) receives the
** earliest next poll of any pollable feed after the round (0: none).
** Returns WSP_OK, WSP_INTERRUPTED (stop requested; what was read is stored
** and finished feeds are recorded), or a fatal store/fetch error. */
wsp_rc wsp_feedscan_round(wsp_scanner *sc, wsp_store *store,
                          const wsp_feedlist *list,
                          const wsp_feedscan_opts *opts, wsp_feedscan_stats *st,
                          int64_t *next_due, wsp_err *err);

/* Earliest next poll of the listed pollable feeds (0: none). */
wsp_rc wsp_feedscan_next_due(wsp_store *store, int64_t *next_due, wsp_err *err);

#endif
