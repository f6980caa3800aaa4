/* fetch/schedule.h: when a feed is polled next, from the outcome of its
** last fetch. Pure functions of their inputs (no clock, no I/O), so the
** policy is unit-tested exactly:
**   - success (2xx, 304): failures reset, pause lifted, next poll after the
**     feed's interval;
**   - 429 and 503 honour Retry-After (delta seconds or an HTTP date),
**     capped at retry_after_max; without one they back off like any other
**     failure;
**   - other failures back off exponentially (backoff_base * 2^(failures-1),
**     capped at backoff_max); after pause_after consecutive failures the
**     feed is paused with the reason and retried after pause_for (never
**     forgotten);
**   - 410 Gone disables the feed with the reason (no more polls).
** Thread-safety: all functions are pure and thread-safe. */
#ifndef WSP_FETCH_SCHEDULE_H
#define WSP_FETCH_SCHEDULE_H

#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

typedef struct wsp_sched_opts {
  long interval;        /* default poll interval, seconds (900) */
  long backoff_base;    /* first retry delay after a failure (60) */
  long backoff_max;     /* cap of the exponential backoff (21600) */
  long retry_after_max; /* cap on a server's Retry-After (86400) */
  int pause_after;      /* consecutive failures that pause a feed (5) */
  long pause_for;       /* how long a paused feed waits (86400) */
} wsp_sched_opts;

/* Defaults as documented above. */
void wsp_sched_opts_default(wsp_sched_opts *o);

typedef enum {
  WSP_OUTCOME_OK = 0,       /* 2xx with a body (parsed) */
  WSP_OUTCOME_NOT_MODIFIED, /* 304 */
  WSP_OUTCOME_FAILED,       /* network error, 4xx/5xx, bad body, too big */
  WSP_OUTCOME_GONE          /* 410 */
} wsp_outcome;

typedef struct wsp_sched_in {
  wsp_outcome outcome;
  int status;              /* HTTP status (0: none) */
  const char *retry_after; /* Retry-After header as received, or NULL */
  const char *error;       /* what went wrong (FAILED/GONE), or NULL */
  int failures;            /* consecutive failures before this fetch */
  long interval;           /* the feed's own interval; 0: opts default */
  int64_t now;             /* epoch seconds of this fetch */
} wsp_sched_in;

typedef struct wsp_sched_out {
  int failures;      /* consecutive failures after this fetch */
  int64_t next_poll; /* epoch seconds; 0: never (disabled) */
  int paused;        /* paused after too many failures */
  int disabled;      /* 410: disabled */
  char reason[256];  /* why paused/disabled, or the failure ("" if none) */
} wsp_sched_out;

void wsp_sched_next(const wsp_sched_opts *o, const wsp_sched_in *in,
                    wsp_sched_out *out);

/* Parse a Retry-After value relative to now: delta seconds ("120") or an
** HTTP date (IMF-fixdate, RFC 850, asctime). Returns the delay in seconds
** (0 for a date in the past), or -1 if the value is not valid. */
long wsp_retry_after_parse(const char *value, int64_t now);

#endif
