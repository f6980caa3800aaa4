/* bayes/dataset.c: CSV/TSV/JSONL readers of labelled posts and the in-memory
** featurised data set (see dataset.h). */
#include "bayes/dataset.h"

#include "core/alloc.h"
#include "core/buf.h"

#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void wsp_data_spec_default(wsp_data_spec *s)
{
  memset(s, 0, sizeof(*s));
  s->format = WSP_FMT_AUTO;
  snprintf(s->text, sizeof(s->text), "text");
  snprintf(s->label, sizeof(s->label), "label");
  snprintf(s->scam, sizeof(s->scam), "1");
}

wsp_rc wsp_data_format_parse(const char *name, wsp_data_format *out)
{
  static const struct {
    const char *name;
    wsp_data_format f;
  } names[] = {{"auto", WSP_FMT_AUTO},
               {"csv", WSP_FMT_CSV},
               {"tsv", WSP_FMT_TSV},
               {"jsonl", WSP_FMT_JSONL}};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if (strcasecmp(name, names[i].name) == 0) {
      *out = names[i].f;
      return WSP_OK;
    }
  return WSP_INVAL;
}

static wsp_rc set_field(char *dst, size_t cap, const char *v, size_t n,
                        const char *key, wsp_err *err)
{
  if (n == 0 || n >= cap)
    return wsp_err_set(err, WSP_INVAL, "bad value for '%s'", key);
  memcpy(dst, v, n);
  dst[n] = 0;
  return WSP_OK;
}

wsp_rc wsp_data_spec_parse(const char *operand, const wsp_data_spec *defaults,
                           wsp_data_spec *out, wsp_err *err)
{
  const char *sep = strstr(operand, "::");
  size_t plen = sep ? (size_t)(sep - operand) : strlen(operand);
  wsp_rc rc;

  *out = *defaults;
  if (plen == 0 || plen >= sizeof(out->path))
    return wsp_err_set(err, WSP_INVAL, "bad file name in '%s'", operand);
  memcpy(out->path, operand, plen);
  out->path[plen] = 0;
  if (!sep)
    return WSP_OK;
  for (const char *p = sep + 2; *p;) {
    const char *end = strchr(p, ',');
    const char *eq;
    size_t n = end ? (size_t)(end - p) : strlen(p);
    char key[16], val[256];

    eq = memchr(p, '=', n);
    if (!eq || eq == p || (size_t)(eq - p) >= sizeof(key) ||
        n - (size_t)(eq - p) - 1 >= sizeof(val))
      return wsp_err_set(err, WSP_INVAL, "'%.*s': expected KEY=VALUE", (int)n,
                         p);
    memcpy(key, p, (size_t)(eq - p));
    key[eq - p] = 0;
    size_t vl = n - (size_t)(eq - p) - 1;
    memcpy(val, eq + 1, vl);
    val[vl] = 0;
    if (strcmp(key, "text") == 0)
      rc = set_field(out->text, sizeof(out->text), val, vl, key, err);
    else if (strcmp(key, "label") == 0)
      rc = set_field(out->label, sizeof(out->label), val, vl, key, err);
    else if (strcmp(key, "scam") == 0)
      rc = set_field(out->scam, sizeof(out->scam), val, vl, key, err);
    else if (strcmp(key, "format") == 0)
      rc = wsp_data_format_parse(val, &out->format) == WSP_OK
               ? WSP_OK
               : wsp_err_set(err, WSP_INVAL, "unknown format '%s'", val);
    else
      rc = wsp_err_set(err, WSP_INVAL,
                       "unknown key '%s' (text, label, scam, format)", key);
    if (rc != WSP_OK)
      return rc;
    p += n;
    if (*p == ',')
      p++;
  }
  return WSP_OK;
}

/* ---- record reader: one record = list of fields ---- */

typedef struct reader {
  FILE *f;
  const char *path;
  wsp_data_format fmt;
  unsigned long line;  /* current physical line (1-based) */
  unsigned long start; /* line where the current record started */
  wsp_buf rec;         /* field bytes, each NUL-terminated */
  size_t *offs;        /* field start offsets in rec */
  size_t nf;
  int first;
} reader;

static wsp_rc add_byte(reader *r, int c, wsp_err *err)
{
  wsp_rc rc = wsp_buf_putc(&r->rec, (char)c);
  if (rc == WSP_TOOBIG)
    wsp_err_set(err, rc, "%s:%lu: record longer than %u bytes", r->path,
                r->start, WSP_DATA_MAX_RECORD);
  return rc;
}

static wsp_rc end_field(reader *r, wsp_err *err)
{
  wsp_rc rc;
  if (r->nf >= WSP_DATA_MAX_FIELDS)
    return wsp_err_set(err, WSP_TOOBIG, "%s:%lu: more than %u fields", r->path,
                       r->start, WSP_DATA_MAX_FIELDS);
  if ((rc = add_byte(r, 0, err)) != WSP_OK)
    return rc;
  r->nf++;
  if (r->nf < WSP_DATA_MAX_FIELDS)
    r->offs[r->nf] = r->rec.len;
  return WSP_OK;
}

/* Read the next record; WSP_NOTFOUND at end of file. Blank lines are
** skipped. */
static wsp_rc read_record(reader *r, wsp_err *err)
{
  int sep = r->fmt == WSP_FMT_TSV ? '\t' : ',';
  int quoting = r->fmt == WSP_FMT_CSV;
  int c;
  wsp_rc rc;

  for (;;) {
    wsp_buf_reset(&r->rec);
    r->nf = 0;
    r->offs[0] = 0;
    r->start = r->line;
    c = getc(r->f);
    if (c == EOF)
      return WSP_NOTFOUND;
    if (r->first) {
      r->first = 0;
      if (c == 0xEF) { /* UTF-8 byte order mark */
        int c2 = getc(r->f), c3 = getc(r->f);
        if (c2 != 0xBB || c3 != 0xBF)
          return wsp_err_set(err, WSP_PARSE, "%s:1: invalid UTF-8 at start",
                             r->path);
        c = getc(r->f);
        if (c == EOF)
          return WSP_NOTFOUND;
      }
    }
    if (c == '\n') {
      r->line++;
      continue;
    }
    if (c == '\r') {
      int d = getc(r->f);
      if (d == '\n') {
        r->line++;
        continue;
      }
      if (d != EOF)
        ungetc(d, r->f);
    }
    break;
  }
  /* c is the first byte of the record */
  for (;;) {
    if (quoting && c == '"') { /* quoted field */
      for (;;) {
        c = getc(r->f);
        if (c == EOF)
          return wsp_err_set(err, WSP_PARSE,
                             "%s:%lu: unterminated quoted field", r->path,
                             r->start);
        if (c == '"') {
          c = getc(r->f);
          if (c == '"') {
            if ((rc = add_byte(r, '"', err)) != WSP_OK)
              return rc;
            continue;
          }
          break; /* closing quote; c is what follows */
        }
        if (c == '\n')
          r->line++;
        if ((rc = add_byte(r, c, err)) != WSP_OK)
          return rc;
      }
      if (c == '\r') {
        int d = getc(r->f);
        if (d != '\n' && d != EOF)
          ungetc(d, r->f);
        c = '\n';
      }
      if (c != sep && c != '\n' && c != EOF)
        return wsp_err_set(err, WSP_PARSE,
                           "%s:%lu: unexpected character after closing quote",
                           r->path, r->line);
    } else { /* unquoted field */
      while (c != sep && c != '\n' && c != EOF) {
        if (c == '\r') {
          int d = getc(r->f);
          if (d == '\n' || d == EOF) {
            c = '\n';
            break;
          }
          ungetc(d, r->f);
        }
        if ((rc = add_byte(r, c, err)) != WSP_OK)
          return rc;
        c = getc(r->f);
      }
    }
    if ((rc = end_field(r, err)) != WSP_OK)
      return rc;
    if (c == '\n' || c == EOF) {
      if (c == '\n')
        r->line++;
      return WSP_OK;
    }
    c = getc(r->f); /* after a separator */
  }
}

static const char *field(const reader *r, size_t i)
{
  return r->rec.data + r->offs[i];
}

/* Split a '+'/',' separated list into up to max items (pointers into buf,
** which is modified). */
static size_t split_list(char *buf, const char **items, size_t max)
{
  size_t n = 0;
  for (char *p = buf; *p && n < max;) {
    char *e = p + strcspn(p, "+,");
    int last = *e == 0;
    *e = 0;
    if (*p)
      items[n++] = p;
    if (last)
      break;
    p = e + 1;
  }
  return n;
}

static int label_is_scam(const char *v, size_t vl, const char *const *scam,
                         size_t nscam)
{
  while (vl && (*v == ' ' || *v == '\t'))
    v++, vl--;
  while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t' || v[vl - 1] == '\r'))
    vl--;
  for (size_t i = 0; i < nscam; i++)
    if (strlen(scam[i]) == vl && strncasecmp(scam[i], v, vl) == 0)
      return 1;
  return 0;
}

#define MAX_TEXT_FIELDS 16
#define MAX_SCAM_VALUES 32

typedef struct spec_lists {
  char textbuf[256], scambuf[256];
  const char *text[MAX_TEXT_FIELDS];
  const char *scam[MAX_SCAM_VALUES];
  size_t ntext, nscam;
} spec_lists;

static wsp_rc read_delimited(const wsp_data_spec *s, reader *r,
                             const spec_lists *L, wsp_data_row_fn fn, void *ud,
                             size_t *records, wsp_err *err)
{
  size_t col_text[MAX_TEXT_FIELDS], col_label = 0, ncols, need = 0;
  wsp_buf text;
  wsp_rc rc;

  wsp_buf_init(&text, WSP_DATA_MAX_RECORD);
  rc = read_record(r, err);
  if (rc == WSP_NOTFOUND) {
    rc = wsp_err_set(err, WSP_PARSE, "%s:1: empty file (no header row)",
                     s->path);
    goto done;
  }
  if (rc != WSP_OK)
    goto done;
  ncols = r->nf;
  for (size_t t = 0; t <= L->ntext; t++) {
    const char *want = t < L->ntext ? L->text[t] : s->label;
    size_t i;
    for (i = 0; i < ncols; i++)
      if (strcasecmp(field(r, i), want) == 0)
        break;
    if (i == ncols) {
      wsp_buf cols;
      wsp_buf_init(&cols, 300);
      for (size_t j = 0; j < ncols; j++)
        if (wsp_buf_printf(&cols, "%s'%s'", j ? ", " : "", field(r, j)) !=
            WSP_OK)
          break;
      rc = wsp_err_set(err, WSP_PARSE, "%s:%lu: no column '%s' (columns: %s)",
                       s->path, r->start, want, wsp_buf_str(&cols));
      wsp_buf_cleanup(&cols);
      goto done;
    }
    if (t < L->ntext)
      col_text[t] = i;
    else
      col_label = i;
    if (i + 1 > need)
      need = i + 1;
  }
  for (;;) {
    rc = read_record(r, err);
    if (rc == WSP_NOTFOUND) {
      rc = WSP_OK;
      break;
    }
    if (rc != WSP_OK)
      break;
    if (r->nf < need) {
      rc = wsp_err_set(err, WSP_PARSE,
                       "%s:%lu: row has %zu fields, the header has %zu",
                       s->path, r->start, r->nf, ncols);
      break;
    }
    wsp_buf_reset(&text);
    for (size_t t = 0; t < L->ntext && rc == WSP_OK; t++) {
      const char *v = field(r, col_text[t]);
      if (!*v)
        continue;
      if (text.len)
        rc = wsp_buf_putc(&text, '\n');
      if (rc == WSP_OK)
        rc = wsp_buf_puts(&text, v);
    }
    if (rc != WSP_OK)
      break;
    const char *lab = field(r, col_label);
    rc = fn(ud, wsp_buf_str(&text), text.len,
            label_is_scam(lab, strlen(lab), L->scam, L->nscam), r->start);
    if (rc != WSP_OK)
      break;
    if (records)
      (*records)++;
  }
done:
  wsp_buf_cleanup(&text);
  return rc;
}

static wsp_rc read_jsonl(const wsp_data_spec *s, reader *r, const spec_lists *L,
                         wsp_data_row_fn fn, void *ud, size_t *records,
                         wsp_err *err)
{
  wsp_buf text;
  wsp_rc rc = WSP_OK;
  int c;

  wsp_buf_init(&text, WSP_DATA_MAX_RECORD);
  for (;;) {
    wsp_buf_reset(&r->rec);
    r->start = r->line;
    while ((c = getc(r->f)) != EOF && c != '\n')
      if ((rc = add_byte(r, c, err)) != WSP_OK)
        goto done;
    if (c == EOF && r->rec.len == 0)
      break;
    r->line++;
    const char *line = wsp_buf_str(&r->rec);
    size_t len = r->rec.len;
    if (r->start == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
      line += 3, len -= 3;
    size_t k = 0;
    while (k < len && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r'))
      k++;
    if (k == len)
      continue;
    cJSON *o = cJSON_ParseWithLength(line, len);
    if (!o || !cJSON_IsObject(o)) {
      cJSON_Delete(o);
      rc = wsp_err_set(err, WSP_PARSE, "%s:%lu: not a JSON object", s->path,
                       r->start);
      goto done;
    }
    wsp_buf_reset(&text);
    int found = 0;
    for (size_t t = 0; t < L->ntext && rc == WSP_OK; t++) {
      const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, L->text[t]);
      if (!cJSON_IsString(v))
        continue;
      found = 1;
      if (!*v->valuestring)
        continue;
      if (text.len)
        rc = wsp_buf_putc(&text, '\n');
      if (rc == WSP_OK)
        rc = wsp_buf_puts(&text, v->valuestring);
    }
    const cJSON *lab = cJSON_GetObjectItemCaseSensitive(o, s->label);
    char num[64];
    const char *lv = NULL;
    if (cJSON_IsString(lab))
      lv = lab->valuestring;
    else if (cJSON_IsBool(lab))
      lv = cJSON_IsTrue(lab) ? "true" : "false";
    else if (cJSON_IsNumber(lab)) {
      snprintf(num, sizeof(num), "%.15g", lab->valuedouble);
      lv = num;
    }
    if (rc == WSP_OK && !found)
      rc = wsp_err_set(err, WSP_PARSE, "%s:%lu: no string field '%s'", s->path,
                       r->start, L->ntext ? L->text[0] : "?");
    else if (rc == WSP_OK && !lv)
      rc = wsp_err_set(err, WSP_PARSE,
                       "%s:%lu: no label field '%s' (string, number or bool)",
                       s->path, r->start, s->label);
    if (rc == WSP_OK)
      rc = fn(ud, wsp_buf_str(&text), text.len,
              label_is_scam(lv, strlen(lv), L->scam, L->nscam), r->start);
    cJSON_Delete(o);
    if (rc != WSP_OK)
      goto done;
    if (records)
      (*records)++;
  }
done:
  wsp_buf_cleanup(&text);
  return rc;
}

static wsp_data_format by_extension(const char *path)
{
  const char *dot = strrchr(path, '.');
  if (dot && strcasecmp(dot, ".csv") == 0)
    return WSP_FMT_CSV;
  if (dot && (strcasecmp(dot, ".tsv") == 0 || strcasecmp(dot, ".tab") == 0 ||
              strcasecmp(dot, ".txt") == 0))
    return WSP_FMT_TSV;
  if (dot &&
      (strcasecmp(dot, ".jsonl") == 0 || strcasecmp(dot, ".ndjson") == 0))
    return WSP_FMT_JSONL;
  return WSP_FMT_AUTO;
}

wsp_rc wsp_data_read(const wsp_data_spec *s, wsp_data_row_fn fn, void *ud,
                     size_t *records, wsp_err *err)
{
  reader r;
  spec_lists L;
  wsp_rc rc = WSP_INVAL;

  memset(&r, 0, sizeof(r));
  if (records)
    *records = 0;
  r.fmt = s->format ? s->format : by_extension(s->path);
  if (r.fmt == WSP_FMT_AUTO)
    return wsp_err_set(err, rc,
                       "%s: cannot tell the format from the extension "
                       "(use --format or ::format=)",
                       s->path);
  memset(&L, 0, sizeof(L));
  snprintf(L.textbuf, sizeof(L.textbuf), "%s", s->text);
  snprintf(L.scambuf, sizeof(L.scambuf), "%s", s->scam);
  L.ntext = split_list(L.textbuf, L.text, MAX_TEXT_FIELDS);
  L.nscam = split_list(L.scambuf, L.scam, MAX_SCAM_VALUES);
  if (!L.ntext || !s->label[0])
    return wsp_err_set(err, rc, "%s: no text or label field given", s->path);
  r.path = s->path;
  r.line = 1;
  r.first = 1;
  wsp_buf_init(&r.rec, WSP_DATA_MAX_RECORD);
  rc = WSP_NOMEM;
  if (!(r.offs = wsp_malloc(WSP_DATA_MAX_FIELDS * sizeof(*r.offs))))
    goto done;
  rc = WSP_IO;
  if (!(r.f = fopen(s->path, "rb"))) {
    wsp_err_set(err, rc, "%s: %s", s->path, strerror(errno));
    goto done;
  }
  if (r.fmt == WSP_FMT_JSONL)
    rc = read_jsonl(s, &r, &L, fn, ud, records, err);
  else
    rc = read_delimited(s, &r, &L, fn, ud, records, err);
  if (rc == WSP_OK && ferror(r.f))
    rc = wsp_err_set(err, WSP_IO, "%s: read error", s->path);
done:
  if (r.f)
    fclose(r.f);
  wsp_free(r.offs);
  wsp_buf_cleanup(&r.rec);
  return rc;
}

/* ---- featurised data ---- */

void wsp_bayes_data_init(wsp_bayes_data *d)
{
  memset(d, 0, sizeof(*d));
}

void wsp_bayes_data_cleanup(wsp_bayes_data *d)
{
  wsp_free(d->hashes);
  wsp_free(d->start);
  wsp_free(d->label);
  memset(d, 0, sizeof(*d));
}

wsp_rc wsp_bayes_data_add(wsp_bayes_data *d, wsp_tokens *t, int is_scam)
{
  wsp_tokens_unique(t);
  if (d->nh + t->count > d->hcap) {
    size_t cap = d->hcap ? d->hcap : 65536;
    while (cap < d->nh + t->count)
      cap *= 2;
    uint64_t *h = wsp_realloc(d->hashes, cap * sizeof(*h));
    if (!h)
      return WSP_NOMEM;
    d->hashes = h;
    d->hcap = cap;
  }
  if (d->count + 2 > d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 1024;
    size_t *st = wsp_realloc(d->start, cap * sizeof(*st));
    if (!st)
      return WSP_NOMEM;
    d->start = st;
    int8_t *lb = wsp_realloc(d->label, cap * sizeof(*lb));
    if (!lb)
      return WSP_NOMEM;
    d->label = lb;
    d->cap = cap;
  }
  if (d->count == 0)
    d->start[0] = 0;
  for (size_t i = 0; i < t->count; i++)
    d->hashes[d->nh + i] = t->items[i].hash;
  d->nh += t->count;
  d->label[d->count] = (int8_t)(is_scam ? 1 : 0);
  d->count++;
  d->start[d->count] = d->nh;
  d->nscam += is_scam ? 1 : 0;
  return WSP_OK;
}
