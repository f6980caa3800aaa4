/* core/config.c: INI-style settings file parser and typed lookups. */
#include "core/config.h"

#include "core/alloc.h"
#include "core/buf.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONFIG_MAX_BYTES (1u << 20)
#define CONFIG_MAX_ENTRIES 4096

struct entry {
  char *key, *value;
  long line;
};

struct wsp_config {
  char *name;
  struct entry *e;
  size_t n, cap;
};

wsp_rc wsp_config_new(wsp_config **out)
{
  *out = wsp_calloc(1, sizeof(**out));
  if (!*out)
    return WSP_NOMEM;
  (*out)->name = wsp_strdup("<defaults>");
  if (!(*out)->name) {
    wsp_free(*out);
    *out = NULL;
    return WSP_NOMEM;
  }
  return WSP_OK;
}

void wsp_config_free(wsp_config *c)
{
  if (!c)
    return;
  for (size_t i = 0; i < c->n; i++) {
    wsp_free(c->e[i].key);
    wsp_free(c->e[i].value);
  }
  wsp_free(c->e);
  wsp_free(c->name);
  wsp_free(c);
}

static struct entry *find(const wsp_config *c, const char *key)
{
  for (size_t i = c->n; i-- > 0;)
    if (strcmp(c->e[i].key, key) == 0)
      return &c->e[i];
  return NULL;
}

static wsp_rc put(wsp_config *c, const char *key, size_t klen,
                  const char *value, size_t vlen, long line)
{
  struct entry *e;
  char *k, *v;

  if (c->n >= CONFIG_MAX_ENTRIES)
    return WSP_TOOBIG;
  k = wsp_strndup(key, klen);
  v = wsp_strndup(value, vlen);
  if (!k || !v) {
    wsp_free(k);
    wsp_free(v);
    return WSP_NOMEM;
  }
  if ((e = find(c, k))) { /* later lines override earlier ones */
    wsp_free(e->value);
    wsp_free(k);
    e->value = v;
    e->line = line;
    return WSP_OK;
  }
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 16;
    struct entry *ne = wsp_realloc(c->e, cap * sizeof(*ne));
    if (!ne) {
      wsp_free(k);
      wsp_free(v);
      return WSP_NOMEM;
    }
    c->e = ne;
    c->cap = cap;
  }
  c->e[c->n++] = (struct entry){k, v, line};
  return WSP_OK;
}

wsp_rc wsp_config_set(wsp_config *c, const char *key, const char *value)
{
  return put(c, key, strlen(key), value, strlen(value), 0);
}

static int is_key_char(char ch)
{
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
         (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.';
}

static void trim(const char **s, const char **e)
{
  while (*s < *e && (**s == ' ' || **s == '\t' || **s == '\r'))
    (*s)++;
  while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
    (*e)--;
}

wsp_rc wsp_config_parse(const char *name, const char *text, size_t len,
                        wsp_config **out, wsp_err *err)
{
  wsp_config *c;
  char section[128] = "";
  char key[256];
  const char *p = text, *end = text + len;
  long line = 0;
  wsp_rc rc;

  *out = NULL;
  if ((rc = wsp_config_new(&c)) != WSP_OK)
    return rc;
  wsp_free(c->name);
  if (!(c->name = wsp_strdup(name))) {
    wsp_config_free(c);
    return WSP_NOMEM;
  }
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    const char *s = p, *e = eol ? eol : end;
    p = eol ? eol + 1 : end;
    line++;
    trim(&s, &e);
    if (s == e || *s == '#' || *s == ';')
      continue;
    if (*s == '[') {
      const char *ks = s + 1, *ke = e - 1;
      if (e[-1] != ']')
        goto bad_section;
      trim(&ks, &ke);
      if (ks == ke || (size_t)(ke - ks) >= sizeof(section))
        goto bad_section;
      for (const char *q = ks; q < ke; q++)
        if (!is_key_char(*q))
          goto bad_section;
      memcpy(section, ks, (size_t)(ke - ks));
      section[ke - ks] = '\0';
      continue;
    }
    const char *eq = memchr(s, '=', (size_t)(e - s));
    if (!eq) {
      rc = wsp_err_set(err, WSP_PARSE, "%s:%ld: expected 'key = value'", name,
                       line);
      goto fail;
    }
    const char *ks = s, *ke = eq, *vs = eq + 1, *ve = e;
    trim(&ks, &ke);
    trim(&vs, &ve);
    if (ks == ke) {
      rc = wsp_err_set(err, WSP_PARSE, "%s:%ld: missing key", name, line);
      goto fail;
    }
    for (const char *q = ks; q < ke; q++)
      if (!is_key_char(*q)) {
        rc = wsp_err_set(err, WSP_PARSE, "%s:%ld: invalid character in key",
                         name, line);
        goto fail;
      }
    if (vs < ve && *vs == '"' && ve - vs >= 2 && ve[-1] == '"') {
      vs++;
      ve--;
    }
    int n = snprintf(key, sizeof(key), "%s%s%.*s", section, *section ? "." : "",
                     (int)(ke - ks), ks);
    if (n < 0 || (size_t)n >= sizeof(key)) {
      rc = wsp_err_set(err, WSP_PARSE, "%s:%ld: key too long", name, line);
      goto fail;
    }
    rc = put(c, key, (size_t)n, vs, (size_t)(ve - vs), line);
    if (rc != WSP_OK) {
      wsp_err_set(err, rc, "%s:%ld: %s", name, line, wsp_strerror(rc));
      goto fail;
    }
  }
  *out = c;
  return WSP_OK;
bad_section:
  rc = wsp_err_set(err, WSP_PARSE, "%s:%ld: malformed [section] header", name,
                   line);
fail:
  wsp_config_free(c);
  return rc;
}

wsp_rc wsp_config_load(const char *path, wsp_config **out, wsp_err *err)
{
  FILE *f = fopen(path, "rb");
  wsp_buf b;
  char chunk[4096];
  size_t n;
  wsp_rc rc = WSP_OK;

  *out = NULL;
  if (!f)
    return wsp_err_set(err, WSP_IO, "%s: %s", path, strerror(errno));
  wsp_buf_init(&b, CONFIG_MAX_BYTES);
  while (rc == WSP_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    rc = wsp_buf_append(&b, chunk, n);
  if (rc == WSP_OK && ferror(f))
    rc = wsp_err_set(err, WSP_IO, "%s: read error", path);
  else if (rc == WSP_TOOBIG)
    wsp_err_set(err, rc, "%s: larger than %u bytes", path, CONFIG_MAX_BYTES);
  fclose(f);
  if (rc == WSP_OK)
    rc = wsp_config_parse(path, wsp_buf_str(&b), b.len, out, err);
  wsp_buf_cleanup(&b);
  return rc;
}

const char *wsp_config_str(const wsp_config *c, const char *key,
                           const char *def)
{
  const struct entry *e = c ? find(c, key) : NULL;
  return e ? e->value : def;
}

wsp_rc wsp_config_double(const wsp_config *c, const char *key, double def,
                         double min, double max, double *out, wsp_err *err)
{
  const struct entry *e = c ? find(c, key) : NULL;
  char *end;
  double v;

  *out = def;
  if (!e)
    return WSP_OK;
  errno = 0;
  v = strtod(e->value, &end);
  if (end == e->value || *end || errno || !isfinite(v))
    return wsp_err_set(err, WSP_PARSE, "%s:%ld: %s: '%s' is not a number",
                       c->name, e->line, key, e->value);
  if (v < min || v > max)
    return wsp_err_set(err, WSP_PARSE, "%s:%ld: %s: %g is outside [%g, %g]",
                       c->name, e->line, key, v, min, max);
  *out = v;
  return WSP_OK;
}

wsp_rc wsp_config_int(const wsp_config *c, const char *key, long def, long min,
                      long max, long *out, wsp_err *err)
{
  const struct entry *e = c ? find(c, key) : NULL;
  char *end;
  long v;

  *out = def;
  if (!e)
    return WSP_OK;
  errno = 0;
  v = strtol(e->value, &end, 10);
  if (end == e->value || *end || errno)
    return wsp_err_set(err, WSP_PARSE, "%s:%ld: %s: '%s' is not an integer",
                       c->name, e->line, key, e->value);
  if (v < min || v > max)
    return wsp_err_set(err, WSP_PARSE, "%s:%ld: %s: %ld is outside [%ld, %ld]",
                       c->name, e->line, key, v, min, max);
  *out = v;
  return WSP_OK;
}

int wsp_config_each(const wsp_config *c, const char *prefix,
                    int (*fn)(void *ud, const char *key, const char *value),
                    void *ud)
{
  size_t pl = strlen(prefix);
  for (size_t i = 0; c && i < c->n; i++) {
    int r;
    if (strncmp(c->e[i].key, prefix, pl) == 0 &&
        (r = fn(ud, c->e[i].key, c->e[i].value)) != 0)
      return r;
  }
  return 0;
}

wsp_rc wsp_config_check(const wsp_config *c, const char *prefix,
                        const char *const *known, wsp_err *err)
{
  size_t pl = strlen(prefix);
  for (size_t i = 0; c && i < c->n; i++) {
    int ok = 0;
    if (strncmp(c->e[i].key, prefix, pl) != 0)
      continue;
    for (const char *const *k = known; *k && !ok; k++) {
      size_t kl = strlen(*k);
      if (kl >= 2 && strcmp(*k + kl - 2, ".*") == 0)
        ok = strncmp(c->e[i].key, *k, kl - 1) == 0;
      else
        ok = strcmp(c->e[i].key, *k) == 0;
    }
    if (!ok)
      return wsp_err_set(err, WSP_PARSE, "%s:%ld: unknown setting '%s'",
                         c->name, c->e[i].line, c->e[i].key);
  }
  return WSP_OK;
}
