/* fetch/settings.h: the [fetch] section of the settings file (waspada.conf):
**   feeds            feed list used by `scan` and `feeds` (feeds/default.opml)
**   concurrency      transfers at once in all (32)
**   per_host         transfers at once per host (2)
**   host_spacing_ms  between two request starts to one host (200)
**   connect_timeout_ms (10000), timeout_ms (30000): per transfer
**   max_body         largest decoded document in bytes (33554432)
**   max_inflight     bytes of all bodies in memory at once (268435456)
**   max_redirects    (5)
**   user_agent       (waspada/VERSION (+https://waspada.example/bot))
**   interval         default poll interval, seconds (900)
**   backoff_base, backoff_max: failure backoff, seconds (60, 21600)
**   retry_after_max  cap on a server's Retry-After, seconds (86400)
**   pause_after      consecutive failures that pause a feed (5)
**   pause_for        how long a paused feed waits, seconds (86400)
** An unknown key under [fetch] is an error (file:line). The strings handed
** out are owned by the config. Thread-safety: reads a read-only config. */
#ifndef WSP_FETCH_SETTINGS_H
#define WSP_FETCH_SETTINGS_H

#include "core/config.h"
#include "fetch/fetcher.h"
#include "fetch/schedule.h"

#define WSP_FETCH_DEFAULT_FEEDS "feeds/default.opml"

/* Fill fo, so (from their defaults) and *feeds (may be NULL) from c (may
** be NULL). WSP_PARSE with "FILE:LINE: reason" in err on a bad value. */
wsp_rc wsp_fetch_settings(const wsp_config *c, wsp_fetch_opts *fo,
                          wsp_sched_opts *so, const char **feeds, wsp_err *err);

#endif
