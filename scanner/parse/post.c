/* parse/post.c: wsp_post, UTF-8 validation and the JSONL reader. */
#include "parse/post.h"

#include "core/alloc.h"
#include "core/buf.h"
#include "core/timeutil.h"

#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

struct wsp_jsonl {
  FILE *f;
  int close_f;
  char *name;   /* file name for messages */
  char *source; /* default source */
  long line;
  wsp_buf buf;
  int eof;
};

void wsp_post_free(wsp_post *p)
{
  if (!p)
    return;
  wsp_free(p->id);
  wsp_free(p->source);
  wsp_free(p->url);
  wsp_free(p->author);
  wsp_free(p->title);
  wsp_free(p->lang);
  wsp_free(p->text);
  wsp_free(p->raw);
  wsp_free(p);
}

int wsp_utf8_valid(const char *str, size_t len)
{
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;

  while (i < len) {
    unsigned c = s[i];
    size_t n;
    unsigned cp;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return 0;
    }
    if (len - i <= n)
      return 0;
    for (size_t k = 1; k <= n; k++) {
      if ((s[i + k] & 0xc0) != 0x80)
        return 0;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
      return 0;
    i += n + 1;
  }
  return 1;
}

static const char *base_name(const char *path)
{
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

wsp_rc wsp_jsonl_open(const char *path, const char *source, wsp_jsonl **out,
                      wsp_err *err)
{
  wsp_jsonl *r = wsp_calloc(1, sizeof(*r));
  wsp_buf name;

  *out = NULL;
  if (!r)
    return WSP_NOMEM;
  wsp_buf_init(&r->buf, WSP_POST_MAX_LINE);
  if (strcmp(path, "-") == 0) {
    r->f = stdin;
    r->name = wsp_strdup("<stdin>");
  } else {
    r->f = fopen(path, "rb");
    r->close_f = 1;
    r->name = wsp_strdup(path);
    if (!r->f) {
      wsp_err_set(err, WSP_IO, "%s: %s", path, strerror(errno));
      wsp_jsonl_free(r);
      return WSP_IO;
    }
  }
  wsp_buf_init(&name, 4096);
  if (source)
    wsp_buf_puts(&name, source);
  else
    wsp_buf_printf(&name, "file:%s",
                   strcmp(path, "-") == 0 ? "stdin" : base_name(path));
  r->source = wsp_buf_detach(&name, NULL);
  if (!r->name || !r->source) {
    wsp_jsonl_free(r);
    return WSP_NOMEM;
  }
  *out = r;
  return WSP_OK;
}

void wsp_jsonl_free(wsp_jsonl *r)
{
  if (!r)
    return;
  if (r->close_f && r->f)
    fclose(r->f);
  wsp_free(r->name);
  wsp_free(r->source);
  wsp_buf_cleanup(&r->buf);
  wsp_free(r);
}

long wsp_jsonl_line(const wsp_jsonl *r)
{
  return r->line;
}

/* Read one line into r->buf (without the newline). Returns 1 with a line,
** 0 at EOF, -1 if the line exceeded the ceiling (the rest is skipped). */
static int read_line(wsp_jsonl *r)
{
  int c, too_long = 0;

  wsp_buf_reset(&r->buf);
  if (r->eof)
    return 0;
  for (;;) {
    c = getc(r->f);
    if (c == EOF) {
      r->eof = 1;
      if (r->buf.len == 0 && !too_long)
        return 0;
      break;
    }
    if (c == '\n')
      break;
    if (!too_long && wsp_buf_putc(&r->buf, (char)c) != WSP_OK)
      too_long = 1;
  }
  r->line++;
  return too_long ? -1 : 1;
}

static char *dup_field(const cJSON *o, const char *key)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  char num[32];

  if (cJSON_IsString(v) && v->valuestring && *v->valuestring &&
      wsp_utf8_valid(v->valuestring, strlen(v->valuestring)))
    return wsp_strdup(v->valuestring);
  if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
    if (v->valuedouble == floor(v->valuedouble) && fabs(v->valuedouble) < 9e15)
      snprintf(num, sizeof(num), "%.0f", v->valuedouble);
    else
      snprintf(num, sizeof(num), "%.17g", v->valuedouble);
    return wsp_strdup(num);
  }
  return NULL;
}

static int64_t read_published(const cJSON *o)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "published");
  int64_t t;

  if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble > 0 &&
      v->valuedouble < 253402300800.0) /* year 10000 */
    return (int64_t)v->valuedouble;
  if (cJSON_IsString(v) && v->valuestring &&
      wsp_time_parse_rfc3339(v->valuestring, strlen(v->valuestring), &t) ==
          WSP_OK)
    return t;
  return 0;
}

/* Nonzero if the raw JSON contains a \u0000 escape (cJSON would silently
** cut the string there). */
static int has_nul_escape(const char *s, size_t len)
{
  for (size_t i = 0; i + 5 < len; i++)
    if (s[i] == '\\' && (s[i + 1] == 'u' || s[i + 1] == 'U') &&
        memcmp(s + i + 2, "0000", 4) == 0) {
      size_t k = i; /* the backslash must not itself be escaped */
      int escaped = 0;
      while (k > 0 && s[k - 1] == '\\') {
        escaped = !escaped;
        k--;
      }
      if (!escaped)
        return 1;
    }
  return 0;
}

wsp_rc wsp_post_from_json(const char *line, size_t len,
                          const char *default_source, wsp_post **out,
                          wsp_err *err)
{
  cJSON *o;
  const cJSON *text;
  wsp_post *p;
  const char *end = NULL;
  wsp_rc rc = WSP_PARSE;

  *out = NULL;
  if (memchr(line, '\0', len))
    return wsp_err_set(err, WSP_PARSE, "NUL byte in line");
  if (!wsp_utf8_valid(line, len))
    return wsp_err_set(err, WSP_ENCODING, "invalid UTF-8");
  o = cJSON_ParseWithLengthOpts(line, len, &end, 0);
  if (!o) {
    const char *at = cJSON_GetErrorPtr();
    if (at && at >= line && at <= line + len)
      return wsp_err_set(err, WSP_PARSE, "invalid JSON at column %zu",
                         (size_t)(at - line) + 1);
    return wsp_err_set(err, WSP_PARSE, "invalid JSON");
  }
  if (!cJSON_IsObject(o)) {
    wsp_err_set(err, WSP_PARSE, "not a JSON object");
    goto fail_json;
  }
  text = cJSON_GetObjectItemCaseSensitive(o, "text");
  if (!text) {
    wsp_err_set(err, WSP_PARSE, "missing \"text\"");
    goto fail_json;
  }
  if (!cJSON_IsString(text) || !text->valuestring) {
    wsp_err_set(err, WSP_PARSE, "\"text\" is not a string");
    goto fail_json;
  }
  if (has_nul_escape(line, len)) {
    wsp_err_set(err, WSP_PARSE, "NUL character (\\u0000) in post");
    goto fail_json;
  }
  size_t tlen = strlen(text->valuestring);
  if (tlen == 0) {
    wsp_err_set(err, WSP_PARSE, "empty \"text\"");
    goto fail_json;
  }
  if (tlen > WSP_POST_MAX_TEXT) {
    rc = wsp_err_set(err, WSP_TOOBIG, "text longer than %u bytes",
                     WSP_POST_MAX_TEXT);
    goto fail_json;
  }
  /* \ud800-style escapes can smuggle invalid UTF-8 past the line check */
  if (!wsp_utf8_valid(text->valuestring, tlen)) {
    rc = wsp_err_set(err, WSP_ENCODING, "invalid UTF-8 in \"text\"");
    goto fail_json;
  }
  rc = WSP_NOMEM;
  if (!(p = wsp_calloc(1, sizeof(*p))))
    goto fail_json;
  p->text = wsp_strndup(text->valuestring, tlen);
  p->text_len = tlen;
  p->raw = wsp_strndup(line, len);
  p->raw_len = len;
  p->id = dup_field(o, "id");
  p->url = dup_field(o, "url");
  p->author = dup_field(o, "author");
  p->title = dup_field(o, "title");
  p->lang = dup_field(o, "lang");
  p->source = dup_field(o, "source");
  if (!p->source && default_source)
    p->source = wsp_strdup(default_source);
  p->published = read_published(o);
  cJSON_Delete(o);
  if (!p->text || !p->raw || !p->source) {
    wsp_post_free(p);
    return WSP_NOMEM;
  }
  *out = p;
  return WSP_OK;
fail_json:
  cJSON_Delete(o);
  return rc;
}

wsp_rc wsp_jsonl_next(wsp_jsonl *r, wsp_post **post, wsp_err *err)
{
  wsp_rc rc;
  int got;
  wsp_err detail;

  *post = NULL;
  for (;;) {
    got = read_line(r);
    if (got == 0) {
      if (ferror(r->f))
        return wsp_err_set(err, WSP_IO, "%s: read error", r->name);
      return WSP_OK;
    }
    if (got < 0)
      return wsp_err_set(err, WSP_TOOBIG, "%s:%ld: line longer than %u bytes",
                         r->name, r->line, WSP_POST_MAX_LINE);
    /* skip blank lines (and a trailing CR) */
    size_t len = r->buf.len;
    const char *s = wsp_buf_str(&r->buf);
    if (len && s[len - 1] == '\r')
      len--;
    size_t k = 0;
    while (k < len && (s[k] == ' ' || s[k] == '\t'))
      k++;
    if (k == len)
      continue;
    /* a UTF-8 BOM on the first line */
    if (r->line == 1 && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
      s += 3;
      len -= 3;
    }
    rc = wsp_post_from_json(s, len, r->source, post, &detail);
    if (rc == WSP_OK) {
      (*post)->line = r->line;
      return WSP_OK;
    }
    if (rc == WSP_NOMEM)
      return rc;
    return wsp_err_set(err, rc, "%s:%ld: %s", r->name, r->line, detail.msg);
  }
}
