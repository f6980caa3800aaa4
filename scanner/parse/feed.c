/* parse/feed.c: wsp_feed_parse, the front of the feed parsers: format names,
** sniffing, the JSONL path, and wsp__feed_emit, the one place where an item's
** fields become a wsp_post (HTML -> text, id fallback, URL resolution, UTF-8
** repair, bounds). The per-format walkers live in feed_xml.c, feed_json.c
** and feed_jsonld.c; decoding in feed_enc.c; dates in feed_date.c.
**
** Threading: reentrant after wsp_feed_global_init. */
#include "parse/feed_int.h"

#include "core/alloc.h"
#include "core/hash.h"
#include "text/html.h"

#include <libxml/parser.h>
#include <libxml/uri.h>
#include <stdio.h>
#include <string.h>

static const char *const format_names[] = {
#define WSP_X(name, str) str,
    WSP_FEED_FORMATS(WSP_X)
#undef WSP_X
};

const char *wsp_feed_format_name(wsp_feed_format f)
{
  if ((int)f < 0 || f >= WSP_FEED__COUNT)
    return NULL;
  return format_names[f];
}

int wsp_feed_format_lookup(const char *name)
{
  if (!name)
    return -1;
  for (int i = 0; i < WSP_FEED__COUNT; i++)
    if (strcmp(name, format_names[i]) == 0)
      return i;
  return -1;
}

void wsp_feed_global_init(void)
{
  wsp_html_global_init(); /* xmlInitParser, idempotent */
  xmlInitParser();
}

void wsp_feed_meta_cleanup(wsp_feed_meta *meta)
{
  if (!meta)
    return;
  wsp_free(meta->title);
  wsp_free(meta->cursor);
  meta->title = meta->cursor = NULL;
}

/* ---- helpers shared by the walkers ---------------------------------- */

wsp_rc wsp__buf_append_clip(wsp_buf *b, const char *s, size_t n)
{
  size_t room = b->max > b->len ? b->max - b->len : 0;

  if (n > room) {
    n = room;
    /* back up to a UTF-8 lead byte so the cut is clean */
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
      n--;
  }
  if (n == 0)
    return WSP_OK;
  return wsp_buf_append(b, s, n);
}

wsp_rc wsp__feed_set_str(char **dst, const char *s)
{
  char *c = NULL;
  if (s && !(c = wsp_strdup(s)))
    return WSP_NOMEM;
  wsp_free(*dst);
  *dst = c;
  return WSP_OK;
}

static int has_scheme(const char *s)
{
  const char *p = s;
  if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
    return 0;
  while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
         (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.')
    p++;
  return *p == ':';
}

char *wsp__feed_resolve_url(const char *base, const char *ref)
{
  xmlChar *r;
  char *out;

  if (!ref)
    return NULL;
  if (!base || !*base || has_scheme(ref) || strlen(ref) > 8192 ||
      strlen(base) > 8192)
    return wsp_strdup(ref);
  r = xmlBuildURI((const xmlChar *)ref, (const xmlChar *)base);
  if (!r)
    return wsp_strdup(ref); /* unparseable: keep as given */
  out = wsp_strdup((const char *)r);
  xmlFree(r);
  return out;
}

/* Trimmed copy of s (clean UTF-8, at most max bytes); NULL if empty. */
static wsp_rc clean_field(const char *s, size_t max, char **out)
{
  wsp_buf b;
  size_t a = 0, n;
  wsp_rc rc;

  *out = NULL;
  if (!s)
    return WSP_OK;
  n = strlen(s);
  while (a < n && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r' || s[a] == '\n'))
    a++;
  while (n > a && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
                   s[n - 1] == '\n'))
    n--;
  if (n == a)
    return WSP_OK;
  wsp_buf_init(&b, max);
  rc = wsp__utf8_clean(s + a, n - a > max ? max : n - a, &b);
  if (rc == WSP_OK && b.len)
    *out = wsp_buf_detach(&b, NULL);
  wsp_buf_cleanup(&b);
  return rc;
}

static int lower(int c)
{
  return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Copy html into out with the values of href= and src= attributes resolved
** against base (feedparser does the same; relative links in feed content
** are relative to xml:base or the document URL). Plain attribute scanning:
** only the values change, never the markup. */
static wsp_rc resolve_links(const char *html, const char *base, wsp_buf *out)
{
  const char *p = html, *run = html;
  wsp_rc rc = WSP_OK;

  wsp_buf_reset(out);
  while (*p && rc == WSP_OK) {
    size_t name = 0;
    if ((lower((unsigned char)p[0]) == 'h' &&
         lower((unsigned char)p[1]) == 'r' &&
         lower((unsigned char)p[2]) == 'e' &&
         lower((unsigned char)p[3]) == 'f'))
      name = 4;
    else if (lower((unsigned char)p[0]) == 's' &&
             lower((unsigned char)p[1]) == 'r' &&
             lower((unsigned char)p[2]) == 'c')
      name = 3;
    if (name && p > html &&
        (p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n' || p[-1] == '\r')) {
      const char *q = p + name, *v, *e;
      char quote = 0;
      while (*q == ' ')
        q++;
      if (*q == '=') {
        q++;
        while (*q == ' ')
          q++;
        if (*q == '"' || *q == '\'') {
          quote = *q++;
        }
        v = q;
        while (*q &&
               (quote ? *q != quote
                      : !(*q == ' ' || *q == '>' || *q == '\t' || *q == '\n')))
          q++;
        e = q;
        while (v < e && (*v == ' ' || *v == '\t' || *v == '\n'))
          v++; /* href=" /a " */
        while (e > v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
          e--;
        if (e > v && (size_t)(e - v) < 4096) {
          char ref[4096], *abs;
          memcpy(ref, v, (size_t)(e - v));
          ref[e - v] = 0;
          if (!has_scheme(ref) && ref[0] != '#') {
            if (!(abs = wsp__feed_resolve_url(base, ref)))
              return WSP_NOMEM;
            if ((rc = wsp__buf_append_clip(out, run, (size_t)(v - run))) ==
                WSP_OK)
              rc = wsp__buf_append_clip(out, abs, strlen(abs));
            wsp_free(abs);
            run = e;
          }
        }
        p = q > p ? q : p + 1;
        continue;
      }
    }
    p++;
  }
  if (rc == WSP_OK)
    rc = wsp__buf_append_clip(out, run, strlen(run));
  return rc;
}

/* HTML -> text into out (replacing); a document too big for the ceiling is
** converted from its beginning only. Relative links resolve against base. */
static wsp_rc html_text(const char *html, const char *base, wsp_buf *out)
{
  size_t n;
  wsp_rc rc;
  wsp_buf abs;

  wsp_buf_init(&abs, WSP_POST_MAX_TEXT * 2u);
  if (base && *base &&
      (strstr(html, "href") || strstr(html, "src") || strstr(html, "HREF") ||
       strstr(html, "SRC"))) {
    if ((rc = resolve_links(html, base, &abs)) != WSP_OK) {
      wsp_buf_cleanup(&abs);
      return rc;
    }
    html = wsp_buf_str(&abs);
  }
  n = strlen(html);

  for (int tries = 0; tries < 4; tries++) {
    wsp_buf_reset(out);
    rc = wsp_html_to_text(html, n, out, NULL);
    if (rc != WSP_TOOBIG)
      break;
    n /= 2;
  }
  if (rc == WSP_PARSE) { /* no document at all: keep the bytes */
    wsp_buf_reset(out);
    rc = wsp__buf_append_clip(out, html, strlen(html));
  }
  wsp_buf_cleanup(&abs);
  return rc;
}

wsp_rc wsp__feed_html_text(const char *html, const char *base, wsp_buf *out)
{
  return html_text(html, base, out);
}

static int is_html(int mode, const char *s)
{
  return mode == WSP__HTML ||
         (mode == WSP__MAYBE_HTML && wsp_html_looks_like(s, strlen(s)));
}

/* Collapse runs of blank lines and trailing spaces a little, so a post's
** text stays readable; never changes non-space characters. */
static void squeeze(wsp_buf *b)
{
  size_t w = 0;
  int nl = 0;

  for (size_t r = 0; r < b->len; r++) {
    char ch = b->data[r];
    if (ch == '\r')
      continue;
    if (ch == '\n') {
      while (w > 0 && (b->data[w - 1] == ' ' || b->data[w - 1] == '\t'))
        w--;
      if (++nl > 2 || w == 0)
        continue;
    } else {
      nl = 0;
    }
    b->data[w++] = ch;
  }
  while (w > 0 && (b->data[w - 1] == '\n' || b->data[w - 1] == ' ' ||
                   b->data[w - 1] == '\t'))
    w--;
  b->len = w;
  if (b->data)
    b->data[w] = 0;
}

wsp_rc wsp__feed_emit(wsp__feed_ctx *c, const wsp__feed_item *it)
{
  wsp_post *p = NULL;
  wsp_buf text, tmp, title;
  wsp_rc rc = WSP_NOMEM;
  char *url = NULL, *link = NULL, *id = NULL;
  const char *source = c->in->source;

  wsp_buf_init(&text, WSP_POST_MAX_TEXT);
  wsp_buf_init(&tmp, WSP_POST_MAX_TEXT);
  wsp_buf_init(&title, 4096);
  if (c->meta->items + c->meta->skipped + c->meta->repeated >=
      WSP__FEED_MAX_ITEMS) {
    c->stopped = 1;
    rc = WSP_OK;
    goto done;
  }
  /* the id first: an item the caller has seen costs no text conversion */
  if (it->url && *it->url) {
    if (!(url = wsp__feed_resolve_url(c->in->url, it->url)))
      goto done;
    if ((rc = clean_field(url, 8192, &link)) != WSP_OK)
      goto done;
  }
  if ((rc = clean_field(it->id, 4096, &id)) != WSP_OK)
    goto done;
  rc = WSP_NOMEM;
  if (!id && link && !(id = wsp_strdup(link)))
    goto done;
  if (id && c->in->seen && c->in->seen(c->in->seen_ud, id)) {
    c->meta->repeated++;
    rc = WSP_OK;
    goto done;
  }
  /* title as text */
  if (it->title && *it->title) {
    if (is_html(it->title_html, it->title)) {
      if ((rc = html_text(it->title, it->base ? it->base : c->in->url, &tmp)) !=
          WSP_OK)
        goto done;
      if ((rc = wsp__buf_append_clip(&title, tmp.data ? tmp.data : "",
                                     tmp.len)) != WSP_OK)
        goto done;
    } else if ((rc = wsp__buf_append_clip(&title, it->title,
                                          strlen(it->title))) != WSP_OK)
      goto done;
    for (size_t i = 0; i < title.len; i++) /* one line */
      if (title.data[i] == '\n' || title.data[i] == '\r' ||
          title.data[i] == '\t')
        title.data[i] = ' ';
  }
  if (title.len) { /* trimmed: the text starts with the title's first word */
    size_t a = 0, b = title.len;
    while (a < b && title.data[a] == ' ')
      a++;
    while (b > a && title.data[b - 1] == ' ')
      b--;
    memmove(title.data, title.data + a, b - a);
    title.len = b - a;
    title.data[title.len] = 0;
  }
  if (title.len &&
      (rc = wsp__buf_append_clip(&text, title.data, title.len)) != WSP_OK)
    goto done;
  if (it->body && *it->body) {
    const char *body = it->body;
    size_t blen = strlen(body);
    if (is_html(it->body_html, body)) {
      if ((rc = html_text(body, it->base ? it->base : c->in->url, &tmp)) !=
          WSP_OK)
        goto done;
      body = tmp.data ? tmp.data : "";
      blen = tmp.len;
    }
    if (text.len && (rc = wsp__buf_append_clip(&text, "\n\n", 2)) != WSP_OK)
      goto done;
    if ((rc = wsp__buf_append_clip(&text, body, blen)) != WSP_OK)
      goto done;
  }
  if (it->extra && *it->extra) {
    if (text.len && (rc = wsp__buf_append_clip(&text, "\n", 1)) != WSP_OK)
      goto done;
    if ((rc = wsp__buf_append_clip(&text, it->extra, strlen(it->extra))) !=
        WSP_OK)
      goto done;
  }
  if ((rc = wsp__utf8_clean(text.data ? text.data : "", text.len, &tmp)) !=
      WSP_OK)
    goto done;
  squeeze(&tmp);
  if (tmp.len == 0) {
    c->meta->skipped++;
    rc = WSP_OK;
    goto done;
  }
  if (!id) { /* stable id from the content */
    char hex[24];
    snprintf(hex, sizeof(hex), "h:%016llx",
             (unsigned long long)wsp_hash64(tmp.data, tmp.len, 0x77737066));
    rc = WSP_NOMEM;
    if (!(id = wsp_strdup(hex)))
      goto done;
    if (c->in->seen && c->in->seen(c->in->seen_ud, id)) {
      c->meta->repeated++;
      rc = WSP_OK;
      goto done;
    }
  }
  rc = WSP_NOMEM;
  if (!(p = wsp_calloc(1, sizeof(*p))))
    goto done;
  p->text = wsp_buf_detach(&tmp, &p->text_len);
  if (!p->text)
    goto done;
  p->url = link;
  p->id = id;
  link = id = NULL;
  if (title.len && (rc = clean_field(title.data, 4096, &p->title)) != WSP_OK)
    goto done;
  if ((rc = clean_field(it->author, 1024, &p->author)) != WSP_OK)
    goto done;
  if ((rc = clean_field(it->lang, 64, &p->lang)) != WSP_OK)
    goto done;
  if (!source || !*source)
    source = c->in->url && *c->in->url ? c->in->url : "feed";
  rc = WSP_NOMEM;
  if (!(p->source = wsp_strdup(source)))
    goto done;
  if (it->raw && it->raw_len) {
    size_t n =
        it->raw_len > WSP__FEED_MAX_RAW ? WSP__FEED_MAX_RAW : it->raw_len;
    if (!(p->raw = wsp_strndup(it->raw, n)))
      goto done;
    p->raw_len = n;
  } else {
    if (!(p->raw = wsp_strndup(p->text, p->text_len)))
      goto done;
    p->raw_len = p->text_len;
  }
  p->published = it->published;
  p->line = (long)(c->meta->items + c->meta->skipped + c->meta->repeated + 1);
  c->meta->items++;
  rc = WSP_OK;
  if (c->emit(c->ud, p))
    c->stopped = 1;
  p = NULL;
done:
  wsp_post_free(p);
  wsp_free(url);
  wsp_free(link);
  wsp_free(id);
  wsp_buf_cleanup(&text);
  wsp_buf_cleanup(&tmp);
  wsp_buf_cleanup(&title);
  return rc;
}

/* ---- sniffing ------------------------------------------------------- */

static const char *ifind(const char *s, size_t len, const char *needle)
{
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= len; i++) {
    size_t k = 0;
    while (k < n && lower((unsigned char)s[i + k]) == needle[k])
      k++;
    if (k == n)
      return s + i;
  }
  return NULL;
}

static const char *find(const char *s, size_t len, const char *needle)
{
  size_t n = strlen(needle);
  if (n > len)
    return NULL;
  for (size_t i = 0; i + n <= len; i++)
    if (s[i] == needle[0] && memcmp(s + i, needle, n) == 0)
      return s + i;
  return NULL;
}

/* Skip a BOM and white space. */
static size_t skip_lead(const char *s, size_t len)
{
  size_t i = 0;
  if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
    i = 3;
  while (i < len &&
         (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
    i++;
  return i;
}

/* Name of the first element of an XML/HTML document (after declarations,
** comments, processing instructions and the doctype) into name. */
static int root_name(const char *s, size_t len, char *name, size_t size)
{
  size_t i = 0, n = 0;

  while (i < len) {
    if (s[i] != '<') {
      i++;
      continue;
    }
    if (i + 1 < len && (s[i + 1] == '?' || s[i + 1] == '!')) {
      const char *end;
      if (i + 3 < len && s[i + 2] == '-' && s[i + 3] == '-')
        end = find(s + i, len - i, "-->");
      else
        end = memchr(s + i, '>', len - i);
      if (!end)
        return 0;
      i = (size_t)(end - s) + 1;
      continue;
    }
    i++;
    while (i < len && n + 1 < size && s[i] != ' ' && s[i] != '>' &&
           s[i] != '/' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
      name[n++] = s[i++];
    name[n] = 0;
    return n > 0;
  }
  return 0;
}

static wsp_feed_format sniff_xml_root(const char *s, size_t len)
{
  char name[64];
  const char *local;

  if (!root_name(s, len, name, sizeof(name)))
    return WSP_FEED_AUTO;
  local = strchr(name, ':') ? strchr(name, ':') + 1 : name;
  if (strcmp(local, "rss") == 0)
    return WSP_FEED_RSS;
  if (strcmp(local, "RDF") == 0)
    return WSP_FEED_RDF;
  if (strcmp(local, "feed") == 0)
    return WSP_FEED_ATOM;
  if (ifind(name, strlen(name), "html"))
    return WSP_FEED_JSONLD;
  return WSP_FEED_AUTO;
}

wsp_feed_format wsp_feed_sniff(const char *body, size_t len,
                               const char *content_type)
{
  size_t i, lim;
  const char *s;
  wsp_feed_format root = WSP_FEED_AUTO;

  if (!body)
    return WSP_FEED_AUTO;
  i = skip_lead(body, len);
  s = body + i;
  lim = len - i < 65536 ? len - i : 65536;
  if (lim == 0)
    return WSP_FEED_AUTO;
  if (s[0] == '{' || s[0] == '[') {
    if (find(s, lim, "jsonfeed.org/version"))
      return WSP_FEED_JSONFEED;
    if (find(s, lim, "\"Listing\"") || find(s, lim, "\"kind\": \"t3\"") ||
        find(s, lim, "\"kind\":\"t3\""))
      return WSP_FEED_REDDIT;
    if (find(s, lim, "\"record\"") &&
        (find(s, lim, "\"feed\"") || find(s, lim, "\"posts\"")))
      return WSP_FEED_BLUESKY;
    if (find(s, lim, "\"account\"") && find(s, lim, "\"content\""))
      return WSP_FEED_MASTODON;
    if (find(s, lim, "JobPosting"))
      return WSP_FEED_JSONLD;
    return s[0] == '{' ? WSP_FEED_JSONL : WSP_FEED_AUTO;
  }
  /* A feed's root element decides, before the Content-Type (servers
  ** send feeds as text/html) and before any HTML inside (items quote HTML
  ** in CDATA sections). */
  if (s[0] == '<' || (unsigned char)s[0] >= 0x80 || s[0] == 0)
    root = sniff_xml_root(s, lim);
  if (root == WSP_FEED_RSS || root == WSP_FEED_RDF || root == WSP_FEED_ATOM)
    return root;
  if (content_type && ifind(content_type, strlen(content_type), "html") &&
      !ifind(content_type, strlen(content_type), "xhtml"))
    return WSP_FEED_JSONLD;
  if (s[0] == '<' || (unsigned char)s[0] >= 0x80 || s[0] == 0) {
    if (ifind(s, lim < 2048 ? lim : 2048, "<!doctype html") ||
        ifind(s, lim < 2048 ? lim : 2048, "<html") ||
        ifind(s, lim, "application/ld+json"))
      return WSP_FEED_JSONLD;
    return root;
  }
  return WSP_FEED_AUTO;
}

/* ---- JSONL ---------------------------------------------------------- */

static wsp_rc parse_jsonl(wsp__feed_ctx *c, const char *s, size_t len)
{
  size_t i = 0;
  long line = 0;

  while (i < len && !c->stopped) {
    const char *nl = memchr(s + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - s) : len, a = i;
    wsp_post *p = NULL;
    wsp_rc rc;

    line++;
    i = nl ? end + 1 : len;
    while (a < end && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r'))
      a++;
    if (a == end)
      continue;
    if (c->meta->items + c->meta->skipped + c->meta->repeated >=
        WSP__FEED_MAX_ITEMS)
      break;
    rc = wsp_post_from_json(s + a, end - a,
                            c->in->source ? c->in->source : "feed", &p, NULL);
    if (rc == WSP_NOMEM)
      return rc;
    if (rc != WSP_OK || !p) {
      c->meta->skipped++;
      continue;
    }
    if (p->id && c->in->seen && c->in->seen(c->in->seen_ud, p->id)) {
      c->meta->repeated++;
      wsp_post_free(p);
      continue;
    }
    p->line = line;
    c->meta->items++;
    if (c->emit(c->ud, p))
      c->stopped = 1;
  }
  return WSP_OK;
}

/* ---- entry point ----------------------------------------------------- */

static int is_json_format(wsp_feed_format f)
{
  return f == WSP_FEED_JSONFEED || f == WSP_FEED_MASTODON ||
         f == WSP_FEED_REDDIT || f == WSP_FEED_BLUESKY;
}

wsp_rc wsp_feed_parse(const wsp_feed_input *in,
                      int (*emit)(void *ud, wsp_post *post), void *ud,
                      wsp_feed_meta *meta, wsp_err *err)
{
  wsp__feed_ctx c = {
      .in = in, .emit = emit, .ud = ud, .meta = meta, .err = err};
  wsp_feed_format f;
  wsp_buf utf8;
  wsp_rc rc;
  size_t lead;

  if (!meta)
    return WSP_INVAL;
  memset(meta, 0, sizeof(*meta));
  if (!in || !emit || (!in->body && in->len))
    return wsp_err_set(err, WSP_INVAL, "feed: no input");
  if (in->len > WSP_FEED_MAX_BODY)
    return wsp_err_set(err, WSP_TOOBIG, "feed: %zu bytes (limit %u)", in->len,
                       WSP_FEED_MAX_BODY);
  if ((int)in->format < 0 || in->format >= WSP_FEED__COUNT)
    return wsp_err_set(err, WSP_INVAL, "feed: unknown format %d",
                       (int)in->format);
  f = in->format;
  if (f == WSP_FEED_AUTO)
    f = wsp_feed_sniff(in->body, in->len, in->content_type);
  lead = in->body ? skip_lead(in->body, in->len) : 0;
  if (in->len == lead)
    return wsp_err_set(err, WSP_PARSE, "feed: empty document");
  if (in->format == WSP_FEED_AUTO &&
      (in->body[lead] == '{' || in->body[lead] == '['))
    f = WSP_FEED_AUTO; /* decided on the parsed tree, not by the sniffer */
  wsp_buf_init(&utf8, WSP_FEED_MAX_BODY + (WSP_FEED_MAX_BODY / 2));
  if (f == WSP_FEED_AUTO && in->body[lead] != '{' && in->body[lead] != '[')
    f = WSP_FEED_RSS; /* some XML: feed_xml.c decides by the root */
  if (f == WSP_FEED_JSONL || f == WSP_FEED_AUTO || is_json_format(f) ||
      (f == WSP_FEED_JSONLD &&
       (in->body[lead] == '{' || in->body[lead] == '['))) {
    rc = wsp__feed_to_utf8(in->body, in->len, in->content_type, WSP__DOC_JSON,
                           &utf8, meta->encoding, sizeof(meta->encoding),
                           &meta->ill_formed);
    if (rc != WSP_OK)
      goto done;
    if (f == WSP_FEED_JSONL) {
      meta->format = WSP_FEED_JSONL;
      rc = parse_jsonl(&c, utf8.data ? utf8.data : "", utf8.len);
    } else {
      rc = wsp__feed_parse_json(&c, utf8.data ? utf8.data : "", utf8.len, f);
      if (rc == WSP_PARSE && in->format == WSP_FEED_AUTO &&
          in->body[lead] == '{' && meta->items + meta->repeated == 0) {
        wsp_err_clear(err); /* not one JSON document: maybe JSONL */
        meta->format = WSP_FEED_JSONL;
        meta->skipped = 0;
        rc = parse_jsonl(&c, utf8.data ? utf8.data : "", utf8.len);
        if (rc == WSP_OK && meta->items + meta->repeated == 0)
          rc = wsp_err_set(err, WSP_PARSE, "feed: JSON in no supported shape");
      }
    }
  } else if (f == WSP_FEED_JSONLD) {
    rc = wsp__feed_to_utf8(in->body, in->len, in->content_type, WSP__DOC_HTML,
                           &utf8, meta->encoding, sizeof(meta->encoding),
                           &meta->ill_formed);
    if (rc == WSP_OK)
      rc =
          wsp__feed_parse_jsonld_html(&c, utf8.data ? utf8.data : "", utf8.len);
  } else {
    rc = wsp__feed_to_utf8(in->body, in->len, in->content_type, WSP__DOC_XML,
                           &utf8, meta->encoding, sizeof(meta->encoding),
                           &meta->ill_formed);
    if (rc == WSP_OK)
      rc = wsp__feed_parse_xml(&c, utf8.data ? utf8.data : "", utf8.len);
  }
done:
  wsp_buf_cleanup(&utf8);
  return rc;
}
