/* fetch/fetcher.h: fetching feed documents over HTTP(S) and file:// with
** libcurl's multi interface, politely:
**   - a global limit on concurrent transfers and a per-host limit (hosts
**     are scheme://host:port; 127.0.0.2 and 127.0.0.3 are different
**     hosts), hosts served in turn when the global limit binds, an
**     optional least gap between two request starts to one host, and a
**     429/503 Retry-After holds every request to the host back;
**   - conditional GET: If-None-Match / If-Modified-Since sent exactly as the
**     validators were received; a file:// URL is compared by modification
**     time; "not modified" comes back as status 304 with no body;
**   - every encoding libcurl supports (Accept-Encoding), bounded redirects
**     (http/https only), connect and total timeouts, a maximum body size
**     enforced on the decoded bytes as they arrive (the transfer is
**     aborted past it) and a budget for all bodies in memory at once
**     (concurrency x body limit could otherwise reach gigabytes), a clear
**     User-Agent.
** Results report whether every redirect hop was permanent (301/308), so
** the caller can update the stored URL.
**
** Threading: a wsp_fetcher and every curl handle in it belong to the one
** thread that calls wsp_fetcher_add/run (libcurl: never one handle from two
** threads).
** Call wsp_fetcher_global_init once before any thread starts. */
#ifndef WSP_FETCH_FETCHER_H
#define WSP_FETCH_FETCHER_H

#include "core/error.h"

#include <stddef.h>

typedef struct wsp_fetcher wsp_fetcher;

typedef struct wsp_fetch_opts {
  long max_total;          /* concurrent transfers in all (32) */
  long max_per_host;       /* concurrent transfers per host (2) */
  long host_spacing_ms;    /* least gap between request starts to one
                              host (0: the per-host limit is enough) */
  long connect_timeout_ms; /* (10000) */
  long timeout_ms;         /* whole transfer (30000) */
  size_t max_body;         /* decoded body limit (WSP_FEED_MAX_BODY) */
  size_t max_inflight;     /* all bodies being received at once (256 MiB):
                              a transfer that would pass it fails */
  long max_redirects;      /* (5) */
  long host_hold_max_ms;   /* a 429/503 Retry-After holds its host back
                              for at most this long within a run (60000) */
  const char *user_agent;  /* NULL: WSP_FETCH_USER_AGENT; copied */
} wsp_fetch_opts;

/* "waspada/VERSION (+https://waspada.example/bot)" */
const char *wsp_fetch_default_user_agent(void);

/* The defaults documented above. */
void wsp_fetch_opts_default(wsp_fetch_opts *o);

/* Once per process, before threads (curl_global_init). */
wsp_rc wsp_fetcher_global_init(void);

/* WSP_FETCH if libcurl cannot be set up (detail in err), WSP_NOMEM. */
wsp_rc wsp_fetcher_new(const wsp_fetch_opts *o, wsp_fetcher **out,
                       wsp_err *err);
/* Abandons transfers still queued or running; NULL is a no-op. */
void wsp_fetcher_free(wsp_fetcher *f);

typedef struct wsp_fetch_req {
  const char *url;           /* http://, https:// or file:// */
  const char *etag;          /* validators as received last time, or NULL */
  const char *last_modified; /* (sent back verbatim) */
  const char *user_agent;    /* NULL: the fetcher's */
  const char *headers;       /* extra "Name: value|Name: value", or NULL */
  void *ud;                  /* handed back in the result */
} wsp_fetch_req;

typedef struct wsp_fetch_result {
  void *ud;
  wsp_rc rc;         /* WSP_OK (a response arrived: see status), WSP_TIMEOUT,
                        WSP_TOOBIG (body over the limit), WSP_FETCH (network,
                        TLS, too many redirects, bad URL) */
  int status;        /* HTTP status of the final response; file:// gives 200 or
                        304; 0 when no response arrived */
  const char *error; /* readable reason when rc != OK or status >= 400 */
  const char *body;  /* decoded body (NUL-terminated), "" if none */
  size_t len;
  /* headers of the final response exactly as received, or NULL */
  const char *content_type, *etag, *last_modified, *link, *retry_after;
  const char *url;           /* final URL after redirects */
  const char *permanent_url; /* set when redirected and every hop was 301 or
                                308: where the feed now lives */
  long redirects;
  double seconds; /* transfer time */
} wsp_fetch_result;

/* Called once per request when it ends; result pointers are valid during
** the call only. */
typedef void (*wsp_fetch_done_fn)(void *ud, const wsp_fetch_result *r);

/* Queue a request (strings copied). It starts when the limits allow.
** WSP_NOMEM, WSP_INVAL (no URL). */
wsp_rc wsp_fetcher_add(wsp_fetcher *f, const wsp_fetch_req *req);

/* Requests queued or running. */
size_t wsp_fetcher_pending(const wsp_fetcher *f);

/* Drive transfers: start what the limits allow, call done for every
** request that ended and, if none had, wait at most wait_ms for activity
** (and report what it brought). Returns WSP_OK or
** WSP_FETCH (libcurl multi failure: detail in err). */
wsp_rc wsp_fetcher_run(wsp_fetcher *f, long wait_ms, wsp_fetch_done_fn done,
                       void *ud, wsp_err *err);

#endif
