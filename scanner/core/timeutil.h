/* core/timeutil.h: monotonic and wall-clock time, RFC 3339 formatting and
** parsing. Monotonic time measures durations (never goes back); wall-clock
** time is what gets stored and shown. All times are UTC.
**
** Thread-safety: every function is thread-safe (no static buffers). */
#ifndef WSP_CORE_TIMEUTIL_H
#define WSP_CORE_TIMEUTIL_H

#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

/* Monotonic clock in nanoseconds (arbitrary origin). */
uint64_t wsp_time_mono_ns(void);
/* Seconds elapsed since a value returned by wsp_time_mono_ns. */
double wsp_time_since(uint64_t start_ns);
/* Wall-clock time in milliseconds since the Unix epoch. */
int64_t wsp_time_wall_ms(void);

#define WSP_RFC3339_LEN 32 /* room for "2026-11-23T12:00:00Z" + NUL */
/* Format epoch seconds as "YYYY-MM-DDTHH:MM:SSZ" into out (at least
** WSP_RFC3339_LEN bytes). Returns out. */
char *wsp_time_format_rfc3339(int64_t epoch_s, char *out);

/* Parse an RFC 3339 date-time ("2026-11-23T12:00:00Z", fractional seconds
** and numeric offsets allowed, a space instead of 'T' accepted) or a plain
** date ("2026-11-23", midnight UTC) from s[0..len). WSP_PARSE if malformed
** or out of range. */
wsp_rc wsp_time_parse_rfc3339(const char *s, size_t len, int64_t *epoch_s);

/* Days since 1970-01-01 of a proleptic Gregorian date (no validation). */
int64_t wsp_time_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
