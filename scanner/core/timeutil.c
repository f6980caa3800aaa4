/* core/timeutil.c: clocks and RFC 3339 dates without locale or TZ state. */
#define _POSIX_C_SOURCE 200809L
#include "core/timeutil.h"

#include <stdio.h>
#include <time.h>

uint64_t wsp_time_mono_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double wsp_time_since(uint64_t start_ns)
{
  return (double)(wsp_time_mono_ns() - start_ns) / 1e9;
}

int64_t wsp_time_wall_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Howard Hinnant's civil-calendar algorithms (public-domain maths). */
int64_t wsp_time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
  int64_t era;
  unsigned yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (unsigned)(y - era * 400);
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
  int64_t era;
  unsigned doe, yoe, doy, mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (unsigned)(z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

char *wsp_time_format_rfc3339(int64_t epoch_s, char *out)
{
  int64_t days = epoch_s / 86400, secs = epoch_s % 86400, y;
  unsigned m, d;

  if (secs < 0) {
    secs += 86400;
    days--;
  }
  civil_from_days(days, &y, &m, &d);
  if (y < 0 || y > 9999)
    y = y < 0 ? 0 : 9999;
  snprintf(out, WSP_RFC3339_LEN, "%04d-%02u-%02uT%02d:%02d:%02dZ", (int)y, m, d,
           (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
  return out;
}

static int read_digits(const char *s, size_t len, size_t *pos, int n, int *v)
{
  int x = 0;
  for (int i = 0; i < n; i++) {
    if (*pos >= len || s[*pos] < '0' || s[*pos] > '9')
      return 0;
    x = x * 10 + (s[(*pos)++] - '0');
  }
  *v = x;
  return 1;
}

static int expect(const char *s, size_t len, size_t *pos, char c)
{
  if (*pos < len &&
      (s[*pos] == c || (c == 'T' && (s[*pos] == 't' || s[*pos] == ' ')))) {
    (*pos)++;
    return 1;
  }
  return 0;
}

wsp_rc wsp_time_parse_rfc3339(const char *s, size_t len, int64_t *epoch_s)
{
  static const unsigned char mdays[] = {31, 29, 31, 30, 31, 30,
                                        31, 31, 30, 31, 30, 31};
  size_t pos = 0;
  int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;

  if (!read_digits(s, len, &pos, 4, &y) || !expect(s, len, &pos, '-') ||
      !read_digits(s, len, &pos, 2, &mo) || !expect(s, len, &pos, '-') ||
      !read_digits(s, len, &pos, 2, &d))
    return WSP_PARSE;
  if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
    return WSP_PARSE;
  if (pos < len) {
    if (!expect(s, len, &pos, 'T') || !read_digits(s, len, &pos, 2, &h) ||
        !expect(s, len, &pos, ':') || !read_digits(s, len, &pos, 2, &mi) ||
        !expect(s, len, &pos, ':') || !read_digits(s, len, &pos, 2, &sec))
      return WSP_PARSE;
    if (h > 23 || mi > 59 || sec > 60)
      return WSP_PARSE;
    if (pos < len && (s[pos] == '.' || s[pos] == ',')) {
      pos++;
      if (pos >= len || s[pos] < '0' || s[pos] > '9')
        return WSP_PARSE;
      while (pos < len && s[pos] >= '0' && s[pos] <= '9')
        pos++;
    }
    if (pos < len && (s[pos] == 'Z' || s[pos] == 'z')) {
      pos++;
    } else if (pos < len && (s[pos] == '+' || s[pos] == '-')) {
      sign = s[pos++] == '-' ? -1 : 1;
      if (!read_digits(s, len, &pos, 2, &oh) || !expect(s, len, &pos, ':') ||
          !read_digits(s, len, &pos, 2, &om) || oh > 23 || om > 59)
        return WSP_PARSE;
    } else {
      return WSP_PARSE;
    }
    if (pos != len)
      return WSP_PARSE;
  }
  *epoch_s = wsp_time_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
             h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60);
  return WSP_OK;
}
