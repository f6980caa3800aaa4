/* cli/postview.c: text and JSON views of stored posts. */
#include "cli/postview.h"

#include "cli/cli.h"
#include "core/alloc.h"
#include "core/timeutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void json_str_or_null(FILE *out, const char *s)
{
  if (s)
    wsp_cli_json_string(out, s, strlen(s));
  else
    fputs("null", out);
}

void wsp_postview_json_fields(FILE *out, const wsp_store_row *r)
{
  char when[WSP_RFC3339_LEN];

  fprintf(out, "\"id\":%lld,\"score\":%.3f,\"level\":", (long long)r->id,
          r->score);
  json_str_or_null(out, r->level);
  fputs(",\"bayes\":", out);
  if (r->bayes >= 0)
    fprintf(out, "%.4f", r->bayes);
  else
    fputs("null", out);
  fputs(",\"status\":", out);
  json_str_or_null(out, r->status);
  fputs(",\"categories\":[", out);
  const char *c = r->categories ? r->categories : "";
  for (int first = 1; *c;) {
    const char *comma = strchr(c, ','), *e = comma ? comma : c + strlen(c);
    if (e > c) {
      if (!first)
        fputc(',', out);
      wsp_cli_json_string(out, c, (size_t)(e - c));
      first = 0;
    }
    c = comma ? comma + 1 : e;
  }
  fputs("],\"source\":", out);
  json_str_or_null(out, r->source);
  fputs(",\"source_id\":", out);
  json_str_or_null(out, r->ext_id);
  fputs(",\"url\":", out);
  json_str_or_null(out, r->url);
  fputs(",\"author\":", out);
  json_str_or_null(out, r->author);
  fputs(",\"title\":", out);
  json_str_or_null(out, r->title);
  fputs(",\"published\":", out);
  if (r->published)
    json_str_or_null(out, wsp_time_format_rfc3339(r->published, when));
  else
    fputs("null", out);
  fputs(",\"first_seen\":", out);
  json_str_or_null(out, wsp_time_format_rfc3339(r->first_seen, when));
  fprintf(out, ",\"sightings\":%d,\"sha256\":", r->sightings);
  json_str_or_null(out, r->raw_sha256);
  fputs(",\"text\":", out);
  wsp_cli_json_string(out, r->text ? r->text : "", r->text_len);
}

void wsp_postview_line(FILE *out, const wsp_store_row *r)
{
  char snippet[100];
  size_t n = 0;

  /* first ~80 bytes on one line, cut on a UTF-8 boundary */
  for (size_t i = 0; i < r->text_len && n < 80; i++) {
    unsigned char ch = (unsigned char)r->text[i];
    if (n >= 76 && (ch & 0xc0) != 0x80)
      break;
    snippet[n++] = ch == '\n' || ch == '\r' || ch == '\t' ? ' ' : (char)ch;
  }
  while (n > 0 && ((unsigned char)snippet[n - 1] & 0xc0) == 0xc0)
    n--; /* no dangling lead byte */
  snippet[n] = '\0';
  /* categories: as many as fit in 40 columns, then "+N" */
  char cats[48];
  const char *c = r->categories && *r->categories ? r->categories : "-";
  size_t total = 1, used = 0, shown = 0;
  for (const char *q = c; *q; q++)
    total += *q == ',';
  while (*c) {
    const char *comma = strchr(c, ','), *e = comma ? comma : c + strlen(c);
    size_t len = (size_t)(e - c);
    if (used + len + (used ? 1 : 0) + (shown + 1 < total ? 4 : 0) > 40)
      break;
    used += (size_t)snprintf(cats + used, sizeof(cats) - used, "%s%.*s",
                             used ? "," : "", (int)len, c);
    shown++;
    c = comma ? comma + 1 : e;
  }
  if (shown < total)
    snprintf(cats + used, sizeof(cats) - used, "%s+%zu", used ? "," : "",
             total - shown);
  fprintf(out, "%6lld  %5.1f  %-6s  %-8s  %-40s  %3d  %s%s\n", (long long)r->id,
          r->score, r->level, r->status, cats, r->sightings, snippet,
          n < r->text_len ? "..." : "");
}

struct span {
  size_t start, end;
};

static int by_start(const void *a, const void *b)
{
  const struct span *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start;
}

void wsp_postview_marked(FILE *out, const char *text, size_t len,
                         const size_t *starts, const size_t *ends, size_t n,
                         int tty)
{
  struct span *s = n ? wsp_calloc(n, sizeof(*s)) : NULL;
  size_t k = 0, pos = 0;
  const char *open = tty ? "\033[7m" : "[[", *close = tty ? "\033[0m" : "]]";

  for (size_t i = 0; s && i < n; i++)
    if (starts[i] < ends[i] && ends[i] <= len)
      s[k++] = (struct span){starts[i], ends[i]};
  if (k)
    qsort(s, k, sizeof(*s), by_start);
  for (size_t i = 0; i < k; i++) {
    size_t a = s[i].start, b = s[i].end;
    while (i + 1 < k && s[i + 1].start <= b) { /* merge overlaps */
      if (s[i + 1].end > b)
        b = s[i + 1].end;
      i++;
    }
    if (a < pos)
      a = pos;
    fwrite(text + pos, 1, a - pos, out);
    fputs(open, out);
    fwrite(text + a, 1, b - a, out);
    fputs(close, out);
    pos = b;
  }
  fwrite(text + pos, 1, len - pos, out);
  wsp_free(s);
}

int wsp_postview_parse_since(const char *arg, int64_t now, int64_t *epoch)
{
  char *end;
  long v;

  errno = 0;
  v = strtol(arg, &end, 10);
  if (end != arg && !errno && v >= 0 && v < 100000 && end[0] && !end[1]) {
    if (end[0] == 'd') {
      *epoch = now - (int64_t)v * 86400;
      return 0;
    }
    if (end[0] == 'h') {
      *epoch = now - (int64_t)v * 3600;
      return 0;
    }
  }
  return wsp_time_parse_rfc3339(arg, strlen(arg), epoch) == WSP_OK ? 0 : -1;
}
