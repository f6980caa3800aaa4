/* store/feeds.h: per-feed state in the `sources` table: what the feed list
** says (name, kind, URL, title, group, enabled) and what fetching learnt
** (validators as received, cursor, last fetch, next poll, consecutive
** failures, last error and status, paused/disabled reasons, the URL after
** a permanent redirect).
**
** A source is "listed" while it is in the feed list; removing a feed
** unlists it (its posts and counters keep referring to it). The URL of a
** listed feed follows a permanent redirect until the list itself names a
** different URL (list_url), which then wins and clears the validators.
**
** Threading: like every wsp_store call, on the connection's own thread. The
** scan command applies fetch outcomes from the thread that owns the store
** connection (see pipeline/feedscan.h). */
#ifndef WSP_STORE_FEEDS_H
#define WSP_STORE_FEEDS_H

#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* A feed as the feed list describes it (borrowed strings). */
typedef struct wsp_feed_config {
  const char *name, *kind, *url, *title, *group;
  int enabled;
} wsp_feed_config;

/* Mark every source as not listed (the first step of a full sync). */
wsp_rc wsp_store_feeds_unlist_all(wsp_store *s, wsp_err *err);
/* Insert or update a listed feed. */
wsp_rc wsp_store_feed_sync(wsp_store *s, const wsp_feed_config *c,
                           wsp_err *err);
/* Insert or update n listed feeds with one prepared statement (a list of
** thousands of feeds); stops at the first error. */
wsp_rc wsp_store_feeds_sync_n(wsp_store *s, const wsp_feed_config *c, size_t n,
                              wsp_err *err);

/* Unlist the feed `name` and clear its schedule. WSP_NOTFOUND if no listed
** feed has that name. */
wsp_rc wsp_store_feed_unlist(wsp_store *s, const char *name, wsp_err *err);

/* A feed's row; strings valid during the callback only. */
typedef struct wsp_feed_row {
  int64_t id;
  const char *name, *kind, *url, *list_url, *title, *group;
  int enabled, listed;
  const char *etag, *last_modified, *cursor;
  int64_t last_fetch, next_poll, last_ok, created; /* epoch s; 0: never */
  int failures, last_status;
  const char *last_error, *paused_reason, *disabled_reason; /* or NULL */
  int64_t items; /* posts delivered so far */
} wsp_feed_row;

typedef int (*wsp_feed_row_fn)(void *ud, const wsp_feed_row *row);

/* Every listed feed (listed_only) or every source, by name. A nonzero
** return from fn stops. */
wsp_rc wsp_store_feeds_each(wsp_store *s, int listed_only, wsp_feed_row_fn fn,
                            void *ud, wsp_err *err);
/* One source by name; WSP_NOTFOUND if none. */
wsp_rc wsp_store_feed_get(wsp_store *s, const char *name, wsp_feed_row_fn fn,
                          void *ud, wsp_err *err);

/* What one fetch changed (borrowed strings). */
typedef struct wsp_feed_update {
  const char *name;
  int64_t fetched;   /* epoch s of the fetch */
  int64_t next_poll; /* 0: none (disabled) */
  int ok;            /* 2xx or 304: last_ok = fetched */
  int failures;
  int status;           /* HTTP status, 0 none */
  const char *error;    /* last error or NULL (cleared) */
  const char *paused;   /* paused reason or NULL (cleared) */
  const char *disabled; /* set: disabled reason (410); NULL: unchanged */
  int set_validators;   /* replace etag and last_modified (NULL clears) */
  const char *etag, *last_modified;
  const char *cursor; /* new cursor, or NULL: unchanged */
  const char *url;    /* new URL (permanent redirect), or NULL */
  int64_t items;      /* posts delivered by this fetch */
} wsp_feed_update;

/* Apply u. WSP_NOTFOUND if there is no such source. */
wsp_rc wsp_store_feed_update(wsp_store *s, const wsp_feed_update *u,
                             wsp_err *err);

/* Apply n updates with one prepared statement; stops at the first error
** (a missing source is skipped, not an error). */
wsp_rc wsp_store_feed_update_n(wsp_store *s, const wsp_feed_update *u, size_t n,
                               wsp_err *err);

/* Re-enable a disabled feed and clear its failures and pause (operator
** action). WSP_NOTFOUND if none. */
wsp_rc wsp_store_feed_reset(wsp_store *s, const char *name, wsp_err *err);

#endif
