/* fetch/settings.c: reading the [fetch] settings (see settings.h). */
#include "fetch/settings.h"

#include "parse/feed.h"

static const char *const keys[] = {"fetch.feeds",
                                   "fetch.concurrency",
                                   "fetch.per_host",
                                   "fetch.host_spacing_ms",
                                   "fetch.connect_timeout_ms",
                                   "fetch.timeout_ms",
                                   "fetch.max_body",
                                   "fetch.max_inflight",
                                   "fetch.max_redirects",
                                   "fetch.host_hold_max_ms",
                                   "fetch.user_agent",
                                   "fetch.interval",
                                   "fetch.backoff_base",
                                   "fetch.backoff_max",
                                   "fetch.retry_after_max",
                                   "fetch.pause_after",
                                   "fetch.pause_for",
                                   NULL};

wsp_rc wsp_fetch_settings(const wsp_config *c, wsp_fetch_opts *fo,
                          wsp_sched_opts *so, const char **feeds, wsp_err *err)
{
  long v;
  wsp_rc rc;

  wsp_fetch_opts_default(fo);
  wsp_sched_opts_default(so);
  if (feeds)
    *feeds = WSP_FETCH_DEFAULT_FEEDS;
  if (!c)
    return WSP_OK;
  if ((rc = wsp_config_check(c, "fetch.", keys, err)) != WSP_OK)
    return rc;
  if (feeds)
    *feeds = wsp_config_str(c, "fetch.feeds", WSP_FETCH_DEFAULT_FEEDS);
  fo->user_agent = wsp_config_str(c, "fetch.user_agent", NULL);
#define GET(key, def, min, max, dst)                                           \
  do {                                                                         \
    if ((rc = wsp_config_int(c, key, def, min, max, &v, err)) != WSP_OK)       \
      return rc;                                                               \
    dst = v;                                                                   \
  } while (0)
  GET("fetch.concurrency", fo->max_total, 1, 10000, fo->max_total);
  GET("fetch.per_host", fo->max_per_host, 1, 1000, fo->max_per_host);
  GET("fetch.host_spacing_ms", fo->host_spacing_ms, 0, 3600000,
      fo->host_spacing_ms);
  GET("fetch.connect_timeout_ms", fo->connect_timeout_ms, 1, 3600000,
      fo->connect_timeout_ms);
  GET("fetch.timeout_ms", fo->timeout_ms, 1, 36000000, fo->timeout_ms);
  GET("fetch.max_body", (long)fo->max_body, 1, (long)WSP_FEED_MAX_BODY,
      fo->max_body);
  GET("fetch.max_inflight", (long)fo->max_inflight, 1, 1L << 40,
      fo->max_inflight);
  GET("fetch.max_redirects", fo->max_redirects, 0, 50, fo->max_redirects);
  GET("fetch.host_hold_max_ms", fo->host_hold_max_ms, 0, 3600000,
      fo->host_hold_max_ms);
  GET("fetch.interval", so->interval, 1, 366L * 86400, so->interval);
  GET("fetch.backoff_base", so->backoff_base, 1, 366L * 86400,
      so->backoff_base);
  GET("fetch.backoff_max", so->backoff_max, 1, 366L * 86400, so->backoff_max);
  GET("fetch.retry_after_max", so->retry_after_max, 0, 366L * 86400,
      so->retry_after_max);
  GET("fetch.pause_after", so->pause_after, 0, 1000, so->pause_after);
  GET("fetch.pause_for", so->pause_for, 1, 366L * 86400, so->pause_for);
#undef GET
  return WSP_OK;
}
