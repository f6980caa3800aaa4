/* parse/feed_enc.c: a fetched document's bytes -> clean UTF-8 before any
** parser sees them (RFC 3023 precedence, with the rule real readers follow
** for lying declarations: bytes that are valid UTF-8 are UTF-8).
**
** Order: a byte-order mark (UTF-8/16/32) wins; then the UTF-16/32 byte
** patterns of "<?" without a BOM; then bytes that already are valid UTF-8 are
** taken as UTF-8 whatever the labels say (miniflux's rule: a declaration that
** says ISO-8859-1 over UTF-8 bytes must not double-decode); otherwise the
** HTTP charset, then the XML declaration (HTML: a meta charset), then
** windows-1252. ISO-8859-1 and US-ASCII labels decode as windows-1252 and
** GB2312 as GB18030 (as browsers do). Conversion uses iconv(3); a byte that
** does not decode becomes U+FFFD. Characters XML 1.0 forbids are dropped.
**
** Bounds: output is limited by the caller's wsp_buf ceiling. Reentrant
** (one iconv_t per call). */
#include "parse/feed_int.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

static int lower(int c)
{
  return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int ieq(const char *a, const char *b)
{
  while (*a && *b && lower((unsigned char)*a) == lower((unsigned char)*b))
    a++, b++;
  return *a == 0 && *b == 0;
}

static int istarts(const char *a, const char *prefix)
{
  while (*prefix && lower((unsigned char)*a) == lower((unsigned char)*prefix))
    a++, prefix++;
  return *prefix == 0;
}

/* Append code point cp as UTF-8 unless XML forbids it. */
static wsp_rc put_cp(wsp_buf *out, unsigned cp)
{
  char u[4];
  size_t n;

  if ((cp < 0x20 && cp != 0x09 && cp != 0x0a && cp != 0x0d) || cp == 0xfffe ||
      cp == 0xffff || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
    return WSP_OK;
  if (cp < 0x80) {
    u[0] = (char)cp;
    n = 1;
  } else if (cp < 0x800) {
    u[0] = (char)(0xc0 | (cp >> 6));
    u[1] = (char)(0x80 | (cp & 0x3f));
    n = 2;
  } else if (cp < 0x10000) {
    u[0] = (char)(0xe0 | (cp >> 12));
    u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    u[2] = (char)(0x80 | (cp & 0x3f));
    n = 3;
  } else {
    u[0] = (char)(0xf0 | (cp >> 18));
    u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    u[3] = (char)(0x80 | (cp & 0x3f));
    n = 4;
  }
  return wsp_buf_append(out, u, n);
}

/* Decode one UTF-8 sequence at s[0..len); returns its length (0: invalid). */
static size_t utf8_seq(const unsigned char *s, size_t len, unsigned *cp)
{
  unsigned c = s[0], v;
  size_t n;

  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xc2 && c <= 0xdf)
    n = 1, v = c & 0x1f;
  else if (c >= 0xe0 && c <= 0xef)
    n = 2, v = c & 0x0f;
  else if (c >= 0xf0 && c <= 0xf4)
    n = 3, v = c & 0x07;
  else
    return 0;
  if (len <= n)
    return 0;
  for (size_t k = 1; k <= n; k++) {
    if ((s[k] & 0xc0) != 0x80)
      return 0;
    v = (v << 6) | (s[k] & 0x3f);
  }
  if ((n == 2 && (v < 0x800 || (v >= 0xd800 && v <= 0xdfff))) ||
      (n == 3 && (v < 0x10000 || v > 0x10ffff)))
    return 0;
  *cp = v;
  return n + 1;
}

/* windows-1252 0x80-0x9f (undefined ones map to nothing). */
static const unsigned cp1252_c1[32] = {
    0x20ac, 0,      0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
    0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017d, 0,
    0,      0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
    0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,      0x017e, 0x0178};

wsp_rc wsp__utf8_clean(const char *str, size_t len, wsp_buf *out)
{
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0, run = 0;
  wsp_rc rc;

  wsp_buf_reset(out);
  if ((rc = wsp_buf_reserve(out, len < out->max ? len : out->max)) != WSP_OK)
    return rc;
  while (i < len) {
    unsigned cp;
    size_t n;
    if (s[i] >= 0x20 && s[i] < 0x80) { /* fast path: printable ASCII */
      size_t j = i + 1;
      while (j < len && s[j] >= 0x20 && s[j] < 0x80)
        j++;
      run += j - i;
      i = j;
      continue;
    }
    n = utf8_seq(s + i, len - i, &cp);
    int keep =
        n && !((cp < 0x20 && cp != 0x09 && cp != 0x0a && cp != 0x0d) ||
               (cp >= 0x80 && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff);
    if (keep) { /* copy runs of good bytes in one go */
      i += n;
      run += n;
      continue;
    }
    if (run && (rc = wsp_buf_append(out, str + i - run, run)) != WSP_OK)
      return rc;
    run = 0;
    if (!n) {
      if ((rc = wsp_buf_append(out, "\xef\xbf\xbd", 3)) != WSP_OK)
        return rc;
      i++;
    } else if (cp >= 0x80 && cp <= 0x9f) {
      /* C1 controls are windows-1252 punctuation mis-decoded ("demoronize") */
      if ((rc = put_cp(out, cp1252_c1[cp - 0x80])) != WSP_OK)
        return rc;
      i += n;
    } else {
      i += n;
    }
  }
  if (run && (rc = wsp_buf_append(out, str + i - run, run)) != WSP_OK)
    return rc;
  return WSP_OK;
}

static int valid_utf8(const char *s, size_t len)
{
  return wsp_utf8_valid(s, len);
}

/* charset=... from a Content-Type value into out. */
static int http_charset(const char *ct, char *out, size_t size)
{
  const char *p;
  size_t n = 0;

  if (!ct)
    return 0;
  for (p = ct; *p; p++)
    if (lower((unsigned char)*p) == 'c' && istarts(p, "charset")) {
      const char *q = p + 7;
      while (*q == ' ' || *q == '\t')
        q++;
      if (*q != '=')
        continue;
      q++;
      while (*q == ' ' || *q == '\t' || *q == '"' || *q == '\'')
        q++;
      while (*q && *q != ';' && *q != '"' && *q != '\'' && *q != ' ' &&
             n + 1 < size)
        out[n++] = *q++;
      out[n] = 0;
      return n > 0;
    }
  return 0;
}

/* encoding="..." in an XML declaration at the start of s (ASCII-compatible
** bytes), or charset=... in an HTML meta tag within the first 64 KiB. */
static int declared_charset(const char *s, size_t len, wsp__doc_kind kind,
                            char *out, size_t size)
{
  size_t lim = len < 65536 ? len : 65536, i = 0, n = 0;

  while (i < lim && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
                     s[i] == '\n' || (unsigned char)s[i] >= 0x80))
    i++; /* stray BOM bytes */
  if (kind == WSP__DOC_XML) {
    size_t end;
    if (lim - i < 6 || memcmp(s + i, "<?xml", 5) != 0)
      return 0;
    for (end = i; end < lim && s[end] != '>'; end++)
      ;
    for (size_t k = i; k + 8 < end; k++)
      if (memcmp(s + k, "encoding", 8) == 0) {
        size_t q = k + 8;
        char quote;
        while (q < end && (s[q] == ' ' || s[q] == '='))
          q++;
        if (q >= end || (s[q] != '"' && s[q] != '\''))
          return 0;
        quote = s[q++];
        while (q < end && s[q] != quote && n + 1 < size)
          out[n++] = s[q++];
        out[n] = 0;
        return n > 0;
      }
    return 0;
  }
  if (kind == WSP__DOC_HTML) {
    for (; i + 8 < lim; i++)
      if (lower((unsigned char)s[i]) == 'c' && istarts(s + i, "charset=")) {
        size_t q = i + 8;
        while (q < lim && (s[q] == '"' || s[q] == '\'' || s[q] == ' '))
          q++;
        while (q < lim && n + 1 < size &&
               (s[q] == '-' || s[q] == '_' || s[q] == ':' ||
                (s[q] >= '0' && s[q] <= '9') ||
                (lower((unsigned char)s[q]) >= 'a' &&
                 lower((unsigned char)s[q]) <= 'z')))
          out[n++] = s[q++];
        out[n] = 0;
        return n > 0;
      }
  }
  return 0;
}

/* Map a label to the name iconv should use ("" for UTF-8). */
static const char *canonical(const char *label)
{
  if (!label || !*label)
    return NULL;
  if (ieq(label, "utf-8") || ieq(label, "utf8") ||
      ieq(label, "unicode-1-1-utf-8"))
    return "UTF-8";
  if (ieq(label, "us-ascii") || ieq(label, "ascii") ||
      ieq(label, "iso-8859-1") || ieq(label, "latin1") ||
      ieq(label, "iso8859-1") || ieq(label, "iso_8859-1") || ieq(label, "l1") ||
      ieq(label, "cp1252") || ieq(label, "windows-1252"))
    return "WINDOWS-1252";
  if (ieq(label, "gb2312") || ieq(label, "gbk") || ieq(label, "x-gbk") ||
      ieq(label, "gb_2312-80"))
    return "GB18030";
  return label;
}

/* Decode with iconv; undecodable bytes become U+FFFD. 0 if the charset is
** unknown to iconv. */
static int iconv_decode(const char *from, const char *s, size_t len,
                        wsp_buf *raw, wsp_rc *rc)
{
  iconv_t cd = iconv_open("UTF-8", from);
  char chunk[8192];
  char *in = (char *)s;
  size_t left = len;

  *rc = WSP_OK;
  if (cd == (iconv_t)-1)
    return 0;
  while (left > 0) {
    char *o = chunk;
    size_t room = sizeof(chunk);
    size_t r = iconv(cd, &in, &left, &o, &room);
    if (o > chunk &&
        (*rc = wsp_buf_append(raw, chunk, (size_t)(o - chunk))) != WSP_OK)
      break;
    if (r == (size_t)-1) {
      if (errno == E2BIG)
        continue;
      /* EILSEQ or EINVAL (truncated at the end): replace one byte */
      if ((*rc = wsp_buf_append(raw, "\xef\xbf\xbd", 3)) != WSP_OK)
        break;
      in++;
      left--;
      iconv(cd, NULL, NULL, NULL, NULL);
    }
  }
  iconv_close(cd);
  return 1;
}

/* UTF-16/32 decoding by hand (iconv would also do, but the BOM-less byte
** order must be forced and surrogates checked). unit: 2 or 4; be: big end. */
static wsp_rc decode_utf16_32(const unsigned char *s, size_t len, int unit,
                              int be, wsp_buf *out)
{
  size_t i = 0;
  wsp_rc rc = WSP_OK;

  while (i + (size_t)unit <= len && rc == WSP_OK) {
    unsigned cp;
    if (unit == 4) {
      cp =
          be ? (unsigned)s[i] << 24 | s[i + 1] << 16 | s[i + 2] << 8 | s[i + 3]
             : (unsigned)s[i + 3] << 24 | s[i + 2] << 16 | s[i + 1] << 8 | s[i];
      i += 4;
    } else {
      cp = be ? (unsigned)(s[i] << 8 | s[i + 1])
              : (unsigned)(s[i + 1] << 8 | s[i]);
      i += 2;
      if (cp >= 0xd800 && cp <= 0xdbff && i + 2 <= len) {
        unsigned lo = be ? (unsigned)(s[i] << 8 | s[i + 1])
                         : (unsigned)(s[i + 1] << 8 | s[i]);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          i += 2;
        }
      }
    }
    if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
      cp = 0xfffd;
    rc = put_cp(out, cp);
  }
  return rc;
}

static void set_name(char *dst, size_t size, const char *name)
{
  if (!dst || !size)
    return;
  strncpy(dst, name, size - 1);
  dst[size - 1] = 0;
  for (char *p = dst; *p; p++)
    if (*p >= 'a' && *p <= 'z')
      *p = (char)(*p - 32);
}

wsp_rc wsp__feed_to_utf8(const char *body, size_t len, const char *content_type,
                         wsp__doc_kind kind, wsp_buf *out, char *encoding,
                         size_t encoding_size, int *guessed)
{
  const unsigned char *u = (const unsigned char *)body;
  char http[64] = "", decl[64] = "";
  const char *label = NULL;
  wsp_buf raw;
  wsp_rc rc = WSP_OK;
  int unit = 0, be = 0;
  size_t skip = 0;

  wsp_buf_reset(out);
  *guessed = 0;
  /* 1. byte-order marks */
  if (len >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xfe && u[3] == 0xff)
    unit = 4, be = 1, skip = 4;
  else if (len >= 4 && u[0] == 0xff && u[1] == 0xfe && u[2] == 0 && u[3] == 0)
    unit = 4, be = 0, skip = 4;
  else if (len >= 2 && u[0] == 0xfe && u[1] == 0xff)
    unit = 2, be = 1, skip = 2;
  else if (len >= 2 && u[0] == 0xff && u[1] == 0xfe)
    unit = 2, be = 0, skip = 2;
  else if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
    skip = 3, label = "UTF-8";
  /* 2. "<?" in UTF-16/32 without a BOM */
  else if (len >= 4 && !u[0] && !u[1] && !u[2] && u[3] == '<')
    unit = 4, be = 1;
  else if (len >= 4 && u[0] == '<' && !u[1] && !u[2] && !u[3])
    unit = 4, be = 0;
  else if (len >= 4 && !u[0] && u[1] == '<' && !u[2] && u[3])
    unit = 2, be = 1;
  else if (len >= 4 && u[0] == '<' && !u[1] && u[2] && !u[3])
    unit = 2, be = 0;
  if (unit) {
    set_name(encoding, encoding_size,
             unit == 4 ? (be ? "UTF-32BE" : "UTF-32LE")
                       : (be ? "UTF-16BE" : "UTF-16LE"));
    wsp_buf_init(&raw, out->max);
    rc = decode_utf16_32(u + skip, len - skip, unit, be, &raw);
    if (rc == WSP_OK)
      rc = wsp__utf8_clean(raw.data ? raw.data : "", raw.len, out);
    wsp_buf_cleanup(&raw);
    return rc;
  }
  body += skip;
  len -= skip;
  /* 3. valid UTF-8 is UTF-8 */
  if (label || valid_utf8(body, len)) {
    set_name(encoding, encoding_size, "UTF-8");
    return wsp__utf8_clean(body, len, out);
  }
  /* 4. HTTP charset, declaration, windows-1252 */
  if (kind != WSP__DOC_JSON) {
    if (http_charset(content_type, http, sizeof(http)))
      label = canonical(http);
    if ((!label || strcmp(label, "UTF-8") == 0) &&
        declared_charset(body, len, kind, decl, sizeof(decl)))
      label = canonical(decl);
  }
  if (!label || strcmp(label, "UTF-8") == 0 || istarts(label, "utf-16") ||
      istarts(label, "utf-32") || istarts(label, "ucs")) {
    label = "WINDOWS-1252"; /* not valid UTF-8 and no usable label */
    *guessed = 1;
  }
  wsp_buf_init(&raw, out->max);
  if (!iconv_decode(label, body, len, &raw, &rc)) {
    wsp_buf_reset(&raw);
    label = "WINDOWS-1252"; /* a label iconv does not know */
    *guessed = 1;
    iconv_decode(label, body, len, &raw, &rc);
  }
  set_name(encoding, encoding_size, label);
  if (rc == WSP_OK)
    rc = wsp__utf8_clean(raw.data ? raw.data : "", raw.len, out);
  wsp_buf_cleanup(&raw);
  return rc;
}
