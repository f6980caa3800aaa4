/* parse/feed_date.c: the dates found in feeds: RFC 822/1123 (RSS pubDate,
** HTTP dates) with numeric or named zones, RFC 3339 / W3C-DTF (Atom, JSON,
** dc:date) including reduced precision (YYYY, YYYY-MM, no seconds), and epoch
** seconds. Pure functions, thread-safe. @test tests/unit/test_parse_date.c */
#include "parse/feed.h"

#include "core/timeutil.h"

#include <string.h>

static int lower(int c)
{
  return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int is_digit(int c)
{
  return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
  c = lower(c);
  return c >= 'a' && c <= 'z';
}

/* Read 1..max digits at s[*p]; exactly `min` or more. */
static int digits(const char *s, size_t len, size_t *p, int min, int max,
                  int *out)
{
  int n = 0, v = 0;
  while (*p < len && n < max && is_digit((unsigned char)s[*p])) {
    v = v * 10 + (s[*p] - '0');
    (*p)++;
    n++;
  }
  if (n < min)
    return 0;
  *out = v;
  return 1;
}

static void skip_space(const char *s, size_t len, size_t *p)
{
  while (*p < len && (s[*p] == ' ' || s[*p] == '\t' || s[*p] == '\r' ||
                      s[*p] == '\n' || s[*p] == ','))
    (*p)++;
}

static int month_index(const char *w, size_t n)
{
  static const char *const names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                      "jul", "aug", "sep", "oct", "nov", "dec"};
  /* Indonesian abbreviations that differ from English. */
  static const struct {
    const char *name;
    int month;
  } id[] = {{"mei", 5}, {"agu", 8}, {"agt", 8}, {"okt", 10}, {"des", 12}};
  char a[4];

  if (n < 3)
    return 0;
  for (int i = 0; i < 3; i++)
    a[i] = (char)lower((unsigned char)w[i]);
  a[3] = 0;
  for (int i = 0; i < 12; i++)
    if (memcmp(a, names[i], 3) == 0)
      return i + 1;
  for (size_t i = 0; i < sizeof(id) / sizeof(id[0]); i++)
    if (memcmp(a, id[i].name, 3) == 0)
      return id[i].month;
  return 0;
}

/* Offset in seconds of a named zone; 0 and *ok=0 if unknown. */
static int zone_offset(const char *w, size_t n, int *ok)
{
  static const struct {
    const char *name;
    int hours;
  } zones[] = {{"ut", 0},   {"utc", 0},  {"gmt", 0},  {"z", 0},    {"est", -5},
               {"edt", -4}, {"cst", -6}, {"cdt", -5}, {"mst", -7}, {"mdt", -6},
               {"pst", -8}, {"pdt", -7}, {"wib", 7},  {"wita", 8}, {"wit", 9},
               {"bst", 1},  {"cet", 1},  {"cest", 2}, {"jst", 9},  {"sgt", 8},
               {"myt", 8},  {"ict", 7},  {"pht", 8},  {"hkt", 8}};
  char a[8];

  *ok = 0;
  if (n == 0 || n >= sizeof(a))
    return 0;
  for (size_t i = 0; i < n; i++)
    a[i] = (char)lower((unsigned char)w[i]);
  a[n] = 0;
  for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
    if (strcmp(a, zones[i].name) == 0) {
      *ok = 1;
      return zones[i].hours * 3600;
    }
  if (n == 1) { /* military zones: treated as UTC (RFC 1123 says so) */
    *ok = 1;
    return 0;
  }
  return 0;
}

static int valid_ymd(int y, int m, int d)
{
  static const unsigned char mdays[] = {31, 29, 31, 30, 31, 30,
                                        31, 31, 30, 31, 30, 31};
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
    return 0;
  if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 0;
  return 1;
}

static int64_t make_epoch(int y, int m, int d, int h, int mi, int s, int off)
{
  return wsp_time_days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 +
         (int64_t)h * 3600 + mi * 60 + s - off;
}

/* Time "HH:MM[:SS[.frac]]" at *p. */
static int read_time(const char *s, size_t len, size_t *p, int *h, int *mi,
                     int *sec)
{
  *sec = 0;
  if (!digits(s, len, p, 1, 2, h) || *p >= len || s[*p] != ':')
    return 0;
  (*p)++;
  if (!digits(s, len, p, 2, 2, mi))
    return 0;
  if (*p < len && s[*p] == ':') {
    (*p)++;
    if (!digits(s, len, p, 2, 2, sec))
      return 0;
    if (*p < len && (s[*p] == '.' || s[*p] == ',')) {
      (*p)++;
      while (*p < len && is_digit((unsigned char)s[*p]))
        (*p)++;
    }
  }
  return *h <= 24 && *mi <= 59 && *sec <= 60;
}

/* Numeric zone "+hh:mm", "+hhmm", "+hh" at *p. */
static int read_numeric_zone(const char *s, size_t len, size_t *p, int *off)
{
  int sign, hh, mm = 0;
  size_t q = *p;

  if (q >= len || (s[q] != '+' && s[q] != '-'))
    return 0;
  sign = s[q++] == '-' ? -1 : 1;
  if (!digits(s, len, &q, 2, 2, &hh))
    return 0;
  if (q < len && s[q] == ':')
    q++;
  if (q < len && is_digit((unsigned char)s[q]) &&
      !digits(s, len, &q, 2, 2, &mm))
    return 0;
  if (hh > 23 || mm > 59)
    return 0;
  *off = sign * (hh * 3600 + mm * 60);
  *p = q;
  return 1;
}

/* W3C-DTF / RFC 3339 and lenient variants. */
static int parse_iso(const char *s, size_t len, int64_t *out)
{
  size_t p = 0;
  int y, m = 1, d = 1, h = 0, mi = 0, sec = 0, off = 0;

  if (!digits(s, len, &p, 4, 4, &y))
    return 0;
  if (p < len && s[p] == '-') {
    p++;
    if (!digits(s, len, &p, 2, 2, &m))
      return 0;
    if (p < len && s[p] == '-') {
      p++;
      if (!digits(s, len, &p, 2, 2, &d))
        return 0;
    }
  } else if (p + 4 <= len && is_digit((unsigned char)s[p])) {
    /* basic format 20031231 */
    if (!digits(s, len, &p, 2, 2, &m) || !digits(s, len, &p, 2, 2, &d))
      return 0;
  }
  if (!valid_ymd(y, m, d))
    return 0;
  if (p < len && (s[p] == 'T' || s[p] == 't' || s[p] == ' ')) {
    p++;
    if (!read_time(s, len, &p, &h, &mi, &sec))
      return 0;
    while (p < len && s[p] == ' ')
      p++;
    if (p < len && (s[p] == 'Z' || s[p] == 'z'))
      p++;
    else if (p < len && (s[p] == '+' || s[p] == '-')) {
      if (!read_numeric_zone(s, len, &p, &off))
        return 0;
    } else if (p < len && is_alpha((unsigned char)s[p])) {
      size_t w = p;
      int ok;
      while (p < len && is_alpha((unsigned char)s[p]))
        p++;
      off = zone_offset(s + w, p - w, &ok);
      if (!ok)
        return 0;
    }
  }
  while (p < len && (s[p] == ' ' || s[p] == '\t'))
    p++;
  if (p != len)
    return 0;
  *out = make_epoch(y, m, d, h, mi, sec, off);
  return 1;
}

/* RFC 822 / 1123 / 2822: "[Wdy,] DD Mon YYYY HH:MM[:SS] [zone]", also with
** the month first ("Mon DD YYYY") or asctime ("Wdy Mon DD HH:MM:SS YYYY"). */
static int parse_rfc822(const char *s, size_t len, int64_t *out)
{
  size_t p = 0;
  int y = -1, m = 0, d = -1, h = 0, mi = 0, sec = 0, off = 0, have_time = 0;
  int tokens = 0;

  while (p < len && tokens < 12) {
    size_t w;
    skip_space(s, len, &p);
    if (p >= len)
      break;
    tokens++;
    w = p;
    if (is_alpha((unsigned char)s[p])) {
      int mo, ok, zo;
      while (p < len && (is_alpha((unsigned char)s[p]) || s[p] == '.'))
        p++;
      mo = month_index(s + w, p - w);
      if (mo && !m) {
        m = mo;
        continue;
      }
      zo = zone_offset(s + w, p - w, &ok);
      if (ok && have_time) {
        off = zo;
        /* "GMT+7" / "UTC+07:00" */
        if (p < len && (s[p] == '+' || s[p] == '-')) {
          int extra;
          size_t q = p;
          int sign = s[q] == '-' ? -1 : 1, hh;
          q++;
          if (read_numeric_zone(s, len, &p, &extra))
            off += extra;
          else if (digits(s, len, &q, 1, 2, &hh) && hh <= 14) {
            off += sign * hh * 3600;
            p = q;
          }
        }
      }
      continue; /* weekday names and unknown words are ignored */
    }
    if ((s[p] == '+' || s[p] == '-') && have_time) {
      if (!read_numeric_zone(s, len, &p, &off))
        return 0;
      continue;
    }
    if (is_digit((unsigned char)s[p])) {
      int v;
      size_t q = p;
      if (digits(s, len, &q, 1, 2, &v) && q < len && s[q] == ':') {
        if (have_time || !read_time(s, len, &p, &h, &mi, &sec))
          return 0;
        have_time = 1;
        continue;
      }
      if (!digits(s, len, &p, 1, 4, &v))
        return 0;
      if (p - w >= 3 || (d >= 0 && y < 0))
        y = v;
      else if (d < 0)
        d = v;
      else
        return 0;
      /* "23-Nov-2026" */
      if (p < len && s[p] == '-' && !have_time)
        p++;
      continue;
    }
    p++; /* stray punctuation */
  }
  if (p < len && tokens >= 12)
    return 0;
  if (y >= 0 && y < 100)
    y += y < 70 ? 2000 : 1900;
  if (!m || d < 0 || y < 0 || !valid_ymd(y, m, d))
    return 0;
  if (h == 24 && (mi || sec))
    return 0;
  *out = make_epoch(y, m, d, h, mi, sec, off);
  return 1;
}

wsp_rc wsp_feed_date_parse(const char *s, size_t len, int64_t *epoch_s)
{
  size_t a = 0, b = len;
  int64_t v = 0;

  if (!s)
    return WSP_PARSE;
  while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r' || s[a] == '\n'))
    a++;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r' ||
                   s[b - 1] == '\n'))
    b--;
  if (a == b || b - a > 128)
    return WSP_PARSE;
  s += a;
  len = b - a;
  /* epoch seconds (or milliseconds) */
  {
    size_t i = 0;
    while (i < len && is_digit((unsigned char)s[i]))
      i++;
    if (i == len && len >= 9 && len <= 13) {
      for (i = 0; i < len; i++)
        v = v * 10 + (s[i] - '0');
      if (len == 13)
        v /= 1000;
      *epoch_s = v;
      return WSP_OK;
    }
  }
  if (parse_iso(s, len, &v) || parse_rfc822(s, len, &v)) {
    *epoch_s = v;
    return WSP_OK;
  }
  return WSP_PARSE;
}
