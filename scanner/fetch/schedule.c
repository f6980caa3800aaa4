/* fetch/schedule.c: next-poll policy: interval, Retry-After, exponential
** backoff, pausing and disabling (see schedule.h). */
#include "fetch/schedule.h"

#include <curl/curl.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

void wsp_sched_opts_default(wsp_sched_opts *o)
{
  o->interval = 900;
  o->backoff_base = 60;
  o->backoff_max = 6 * 3600;
  o->retry_after_max = 86400;
  o->pause_after = 5;
  o->pause_for = 86400;
}

long wsp_retry_after_parse(const char *v, int64_t now)
{
  const char *p;
  long secs = 0;
  time_t t;

  if (!v)
    return -1;
  while (*v == ' ' || *v == '\t')
    v++;
  if (isdigit((unsigned char)*v)) {
    for (p = v; isdigit((unsigned char)*p); p++) {
      if (secs > 100000000L) /* absurd: clamp, the caller caps it */
        return 100000000L;
      secs = secs * 10 + (*p - '0');
    }
    while (*p == ' ' || *p == '\t')
      p++;
    return *p ? -1 : secs;
  }
  /* curl_getdate parses the three HTTP date formats; it is thread-safe. */
  t = curl_getdate(v, NULL);
  if (t == (time_t)-1)
    return -1;
  return (int64_t)t <= now ? 0 : (long)((int64_t)t - now);
}

void wsp_sched_next(const wsp_sched_opts *o, const wsp_sched_in *in,
                    wsp_sched_out *out)
{
  long interval = in->interval > 0 ? in->interval : o->interval;
  long delay;
  const char *why = in->error && *in->error ? in->error : "fetch failed";

  memset(out, 0, sizeof(*out));
  if (in->outcome == WSP_OUTCOME_OK ||
      in->outcome == WSP_OUTCOME_NOT_MODIFIED) {
    out->next_poll = in->now + interval;
    return;
  }
  if (in->outcome == WSP_OUTCOME_GONE) {
    out->disabled = 1;
    out->failures = in->failures + 1;
    snprintf(out->reason, sizeof(out->reason), "gone (HTTP %d): %s",
             in->status ? in->status : 410, why);
    return;
  }
  out->failures = in->failures + 1;
  /* exponential backoff, computed without overflow */
  delay = o->backoff_base > 0 ? o->backoff_base : 1;
  for (int i = 1; i < out->failures && delay < o->backoff_max; i++)
    delay *= 2;
  if (delay > o->backoff_max)
    delay = o->backoff_max;
  if ((in->status == 429 || in->status == 503) && in->retry_after) {
    long ra = wsp_retry_after_parse(in->retry_after, in->now);
    if (ra >= 0)
      delay = ra > o->retry_after_max ? o->retry_after_max : ra;
  }
  if (o->pause_after > 0 && out->failures >= o->pause_after) {
    out->paused = 1;
    if (delay < o->pause_for)
      delay = o->pause_for;
    snprintf(out->reason, sizeof(out->reason),
             "paused after %d consecutive failures: %s", out->failures, why);
  } else {
    snprintf(out->reason, sizeof(out->reason), "%s", why);
  }
  out->next_poll = in->now + delay;
}
