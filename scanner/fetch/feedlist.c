/* fetch/feedlist.c: the feed list in OPML (libxml2 tree API): loading with
** file:line errors, validation, editing, and saving (see feedlist.h). */
#include "fetch/feedlist.h"

#include "core/alloc.h"
#include "core/buf.h"
#include "core/hash.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define NAME_MAX_LEN 200
#define URL_MAX_LEN 4096
#define FIELD_MAX_LEN 8192
#define MAX_INTERVAL (366L * 86400)

struct wsp_feedlist {
  char *dir; /* absolute folder for relative paths */
  char *title;
  wsp_feed *feeds;
  size_t n, cap;
  size_t *index;    /* open addressing by name: feed position + 1, 0 empty */
  size_t index_cap; /* power of two, more than twice n */
};

static const char *const kinds[] = {"auto",     "rss",      "rdf",    "atom",
                                    "jsonfeed", "mastodon", "reddit", "bluesky",
                                    "jsonld",   "jsonl",    NULL};

int wsp_feed_kind_valid(const char *kind)
{
  for (size_t i = 0; kind && kinds[i]; i++)
    if (strcmp(kinds[i], kind) == 0)
      return 1;
  return 0;
}

static void feed_cleanup(wsp_feed *f)
{
  wsp_free(f->name);
  wsp_free(f->title);
  wsp_free(f->url);
  wsp_free(f->html_url);
  wsp_free(f->type);
  wsp_free(f->category);
  wsp_free(f->group);
  wsp_free(f->kind);
  wsp_free(f->user_agent);
  wsp_free(f->headers);
  memset(f, 0, sizeof(*f));
}

void wsp_feedlist_free(wsp_feedlist *l)
{
  if (!l)
    return;
  for (size_t i = 0; i < l->n; i++)
    feed_cleanup(&l->feeds[i]);
  wsp_free(l->feeds);
  wsp_free(l->index);
  wsp_free(l->title);
  wsp_free(l->dir);
  wsp_free(l);
}

/* Absolute form of dir (NULL: current directory). */
static char *abs_dir(const char *dir)
{
  char buf[PATH_MAX];
  if (!realpath(dir && *dir ? dir : ".", buf))
    return NULL;
  return wsp_strdup(buf);
}

wsp_rc wsp_feedlist_new(const char *dir, wsp_feedlist **out)
{
  wsp_feedlist *l = wsp_calloc(1, sizeof(*l));
  *out = NULL;
  if (!l)
    return WSP_NOMEM;
  if (!(l->dir = abs_dir(dir))) {
    wsp_free(l);
    return errno == ENOMEM ? WSP_NOMEM : WSP_IO;
  }
  *out = l;
  return WSP_OK;
}

const char *wsp_feedlist_title(const wsp_feedlist *l)
{
  return l->title;
}

wsp_rc wsp_feedlist_set_title(wsp_feedlist *l, const char *title)
{
  char *t = title ? wsp_strdup(title) : NULL;
  if (title && !t)
    return WSP_NOMEM;
  wsp_free(l->title);
  l->title = t;
  return WSP_OK;
}

size_t wsp_feedlist_count(const wsp_feedlist *l)
{
  return l->n;
}

const wsp_feed *wsp_feedlist_get(const wsp_feedlist *l, size_t i)
{
  return i < l->n ? &l->feeds[i] : NULL;
}

/* ---- the name index (lists of thousands of feeds) -------------------------*/

static size_t name_slot(const wsp_feedlist *l, const char *name)
{
  size_t mask = l->index_cap - 1;
  size_t h = (size_t)wsp_hash64(name, strlen(name), 0x6f706d6c) & mask;
  while (l->index[h] && strcmp(l->feeds[l->index[h] - 1].name, name) != 0)
    h = (h + 1) & mask;
  return h;
}

/* Rebuild the index for n feeds (cap at least 4n). */
static wsp_rc index_rebuild(wsp_feedlist *l, size_t want)
{
  size_t cap = 64;
  size_t *idx;
  while (cap < 4 * want)
    cap *= 2;
  if (!(idx = wsp_calloc(cap, sizeof(*idx))))
    return WSP_NOMEM;
  wsp_free(l->index);
  l->index = idx;
  l->index_cap = cap;
  for (size_t i = 0; i < l->n; i++)
    l->index[name_slot(l, l->feeds[i].name)] = i + 1;
  return WSP_OK;
}

static const wsp_feed *find_name(const wsp_feedlist *l, const char *name)
{
  size_t h;
  if (!l->index) { /* dropped after an allocation failure */
    for (size_t i = 0; i < l->n; i++)
      if (strcmp(l->feeds[i].name, name) == 0)
        return &l->feeds[i];
    return NULL;
  }
  h = name_slot(l, name);
  return l->index[h] ? &l->feeds[l->index[h] - 1] : NULL;
}

const wsp_feed *wsp_feedlist_find(const wsp_feedlist *l, const char *key)
{
  const wsp_feed *f = find_name(l, key);
  if (f)
    return f;
  for (size_t i = 0; i < l->n; i++)
    if (strcmp(l->feeds[i].url, key) == 0)
      return &l->feeds[i];
  return NULL;
}

/* ---- URLs ---------------------------------------------------------------*/

static int has_scheme(const char *u)
{
  const char *p = u;
  if (!isalpha((unsigned char)*p))
    return 0;
  while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
    p++;
  return p[0] == ':' && p - u > 1; /* "C:" is not a scheme */
}

static wsp_rc put_encoded(wsp_buf *b, const char *s)
{
  static const char hexd[] = "0123456789ABCDEF";
  wsp_rc rc = WSP_OK;
  for (const unsigned char *p = (const unsigned char *)s; *p && !rc; p++) {
    if (isalnum(*p) || strchr("-._~/!$&'()*+,;=:@", *p))
      rc = wsp_buf_putc(b, (char)*p);
    else {
      char e[3] = {'%', hexd[*p >> 4], hexd[*p & 15]};
      rc = wsp_buf_append(b, e, 3);
    }
  }
  return rc;
}

char *wsp_feedlist_resolve(const char *dir, const char *url)
{
  wsp_buf b;
  char *d = NULL, *out = NULL;

  if (has_scheme(url))
    return wsp_strdup(url);
  wsp_buf_init(&b, URL_MAX_LEN * 3 + PATH_MAX * 3);
  if (url[0] != '/' && !(d = abs_dir(dir)))
    return NULL;
  if (wsp_buf_puts(&b, "file://") == WSP_OK &&
      (!d ||
       (put_encoded(&b, d) == WSP_OK && wsp_buf_putc(&b, '/') == WSP_OK))) {
    const char *u = url;
    while (u[0] == '.' && u[1] == '/')
      u += 2;
    if (put_encoded(&b, u) == WSP_OK)
      out = wsp_buf_detach(&b, NULL);
  }
  wsp_buf_cleanup(&b);
  wsp_free(d);
  return out;
}

static int hexval(int c)
{
  return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

/* The URL as written to a list saved in dir: a file under dir is written
** as the (decoded) relative path. Caller frees. */
static char *unresolve(const char *dir, const char *url)
{
  wsp_buf enc, out;
  char *r = NULL;

  if (strncmp(url, "file://", 7) != 0)
    return wsp_strdup(url);
  wsp_buf_init(&enc, PATH_MAX * 3 + 8);
  wsp_buf_init(&out, PATH_MAX * 3 + 8);
  if (put_encoded(&enc, dir) != WSP_OK ||
      strncmp(url + 7, enc.data ? enc.data : "", enc.len) != 0 ||
      url[7 + enc.len] != '/') {
    r = wsp_strdup(url);
    goto done;
  }
  for (const char *p = url + 7 + enc.len + 1; *p; p++) {
    int h, l2;
    if (*p == '%' && (h = hexval((unsigned char)p[1])) >= 0 &&
        (l2 = hexval((unsigned char)p[2])) >= 0) {
      if (wsp_buf_putc(&out, (char)(h * 16 + l2)) != WSP_OK)
        goto done;
      p += 2;
    } else if (wsp_buf_putc(&out, *p) != WSP_OK)
      goto done;
  }
  /* a decoded path with control bytes or NUL stays a URL */
  if (out.len == 0 || memchr(out.data, 0, out.len) || has_scheme(out.data))
    r = wsp_strdup(url);
  else
    r = wsp_buf_detach(&out, NULL);
done:
  wsp_buf_cleanup(&enc);
  wsp_buf_cleanup(&out);
  return r;
}

/* ---- validation ---------------------------------------------------------*/

static int has_ctl(const char *s)
{
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p == 0x7f)
      return 1;
  return 0;
}

static int tchar(int c)
{
  return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* "Name: value|Name: value": names are tokens, values without CR/LF. */
static wsp_rc headers_valid(const char *h, wsp_err *err)
{
  const char *p = h;
  if (has_ctl(h))
    return wsp_err_set(err, WSP_INVAL, "headers contain control characters");
  while (*p) {
    const char *end = strchr(p, '|'), *colon;
    size_t n = end ? (size_t)(end - p) : strlen(p);
    while (n && *p == ' ')
      p++, n--;
    colon = memchr(p, ':', n);
    if (!colon || colon == p)
      return wsp_err_set(err, WSP_INVAL, "header '%.*s' is not 'Name: value'",
                         (int)n, p);
    for (const char *q = p; q < colon; q++)
      if (!tchar((unsigned char)*q))
        return wsp_err_set(err, WSP_INVAL, "bad header name '%.*s'",
                           (int)(colon - p), p);
    if (!end)
      break;
    p = end + 1;
  }
  return WSP_OK;
}

wsp_rc wsp_feed_validate(const wsp_feed *f, wsp_err *err)
{
  if (!f->name || !*f->name || strlen(f->name) > NAME_MAX_LEN ||
      has_ctl(f->name))
    return wsp_err_set(err, WSP_INVAL,
                       "feed name must be 1 to %d printable bytes",
                       NAME_MAX_LEN);
  if (!f->url || !*f->url || strlen(f->url) > URL_MAX_LEN || has_ctl(f->url) ||
      strchr(f->url, ' '))
    return wsp_err_set(err, WSP_INVAL, "feed '%s': bad or missing URL",
                       f->name);
  if (strncasecmp(f->url, "http://", 7) && strncasecmp(f->url, "https://", 8) &&
      strncasecmp(f->url, "file://", 7))
    return wsp_err_set(err, WSP_INVAL,
                       "feed '%s': URL '%s' is not http, https or file",
                       f->name, f->url);
  if (f->kind && !wsp_feed_kind_valid(f->kind))
    return wsp_err_set(err, WSP_INVAL,
                       "feed '%s': unknown kind '%s' (auto, rss, rdf, atom, "
                       "jsonfeed, mastodon, reddit, bluesky, jsonld, jsonl)",
                       f->name, f->kind);
  if (f->interval < 0 || f->interval > MAX_INTERVAL)
    return wsp_err_set(err, WSP_INVAL,
                       "feed '%s': interval must be 0..%ld seconds", f->name,
                       MAX_INTERVAL);
  if (f->user_agent &&
      (has_ctl(f->user_agent) || strlen(f->user_agent) > FIELD_MAX_LEN))
    return wsp_err_set(err, WSP_INVAL, "feed '%s': bad user agent", f->name);
  if (f->headers) {
    wsp_rc rc = headers_valid(f->headers, err);
    if (rc != WSP_OK || strlen(f->headers) > FIELD_MAX_LEN) {
      char why[WSP_ERR_MAX];
      snprintf(why, sizeof(why), "%s", err ? err->msg : "too long");
      return wsp_err_set(err, WSP_INVAL, "feed '%s': %s", f->name,
                         rc != WSP_OK ? why : "headers too long");
    }
  }
  for (const char *const *s =
           (const char *const[]){f->title, f->html_url, f->type, f->category,
                                 f->group, NULL};
       *s; s++)
    if (strlen(*s) > FIELD_MAX_LEN)
      return wsp_err_set(err, WSP_INVAL, "feed '%s': attribute too long",
                         f->name);
  return WSP_OK;
}

/* ---- editing ------------------------------------------------------------*/

static char *dup_opt(const char *s, int *fail)
{
  char *r;
  if (!s)
    return NULL;
  if (!(r = wsp_strdup(s)))
    *fail = 1;
  return r;
}

wsp_rc wsp_feedlist_add(wsp_feedlist *l, const wsp_feed *f, wsp_err *err)
{
  wsp_feed c = {0};
  int fail = 0;
  wsp_rc rc;

  if (!f->url || !*f->url)
    return wsp_err_set(err, WSP_INVAL, "feed without URL");
  if (l->n >= WSP_FEEDLIST_MAX_FEEDS)
    return wsp_err_set(err, WSP_TOOBIG, "more than %d feeds",
                       WSP_FEEDLIST_MAX_FEEDS);
  c.url = wsp_feedlist_resolve(l->dir, f->url);
  c.name = dup_opt(f->name                 ? f->name
                   : f->title && *f->title ? f->title
                                           : f->url,
                   &fail);
  c.title = dup_opt(f->title, &fail);
  c.html_url = dup_opt(f->html_url, &fail);
  c.type = dup_opt(f->type, &fail);
  c.category = dup_opt(f->category, &fail);
  c.group = dup_opt(f->group && *f->group ? f->group : NULL, &fail);
  c.kind = dup_opt(f->kind ? f->kind : "auto", &fail);
  c.user_agent = dup_opt(f->user_agent, &fail);
  c.headers = dup_opt(f->headers && *f->headers ? f->headers : NULL, &fail);
  c.interval = f->interval;
  c.enabled = f->enabled;
  c.line = f->line;
  rc = WSP_NOMEM;
  if (fail || !c.url)
    goto fail;
  if ((rc = wsp_feed_validate(&c, err)) != WSP_OK)
    goto fail;
  if (find_name(l, c.name)) {
    rc = wsp_err_set(err, WSP_INVAL, "duplicate feed name '%s'", c.name);
    goto fail;
  }
  if (4 * (l->n + 1) > l->index_cap &&
      (rc = index_rebuild(l, 2 * (l->n + 1))) != WSP_OK)
    goto fail;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    wsp_feed *p = wsp_realloc(l->feeds, cap * sizeof(*p));
    rc = WSP_NOMEM;
    if (!p)
      goto fail;
    l->feeds = p;
    l->cap = cap;
  }
  l->feeds[l->n] = c;
  l->index[name_slot(l, c.name)] = ++l->n;
  return WSP_OK;
fail:
  feed_cleanup(&c);
  return rc;
}

wsp_rc wsp_feedlist_remove(wsp_feedlist *l, const char *key)
{
  const wsp_feed *f = wsp_feedlist_find(l, key);
  size_t i;
  if (!f)
    return WSP_NOTFOUND;
  i = (size_t)(f - l->feeds);
  feed_cleanup(&l->feeds[i]);
  memmove(&l->feeds[i], &l->feeds[i + 1], (l->n - i - 1) * sizeof(wsp_feed));
  l->n--;
  /* positions moved: rebuild (removal is rare); without memory the index
  ** is dropped and lookups fall back to scanning */
  if (index_rebuild(l, l->n) != WSP_OK) {
    wsp_free(l->index);
    l->index = NULL;
    l->index_cap = 0;
  }
  return WSP_OK;
}

wsp_rc wsp_feedlist_set_url(wsp_feedlist *l, const char *name, const char *url)
{
  for (size_t i = 0; i < l->n; i++)
    if (strcmp(l->feeds[i].name, name) == 0) {
      char *u = wsp_strdup(url);
      if (!u)
        return WSP_NOMEM;
      wsp_free(l->feeds[i].url);
      l->feeds[i].url = u;
      return WSP_OK;
    }
  return WSP_NOTFOUND;
}

/* ---- loading ------------------------------------------------------------*/

struct loader {
  wsp_feedlist *l;
  const char *name; /* file name for messages */
  wsp_err *err;
  wsp_buf group;
};

static int is_el(const xmlNode *n, const char *name)
{
  return n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST name) == 0;
}

static int is_wsp_attr(const xmlAttr *a)
{
  return a->ns &&
         ((a->ns->href &&
           xmlStrcmp(a->ns->href, BAD_CAST WSP_FEEDLIST_NS) == 0) ||
          (a->ns->prefix && xmlStrcmp(a->ns->prefix, BAD_CAST "waspada") == 0));
}

/* Plain (no namespace) attribute, copied with wsp_strdup; NULL if absent. */
static char *attr(xmlNode *n, const char *name, int *fail)
{
  xmlChar *v = xmlGetNoNsProp(n, BAD_CAST name);
  char *r = NULL;
  if (!v)
    return NULL;
  if (!(r = wsp_strdup((const char *)v)))
    *fail = 1;
  xmlFree(v);
  return r;
}

static int parse_bool(const char *v, int *out)
{
  if (!strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "yes"))
    *out = 1;
  else if (!strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "no"))
    *out = 0;
  else
    return -1;
  return 0;
}

static wsp_rc load_feed(struct loader *ld, xmlNode *n, char *url)
{
  wsp_feed f = {.enabled = 1, .line = xmlGetLineNo(n)};
  char *name = NULL, *text = NULL;
  int fail = 0;
  wsp_rc rc = WSP_NOMEM;
  wsp_err e;

  f.url = url;
  text = attr(n, "text", &fail);
  f.title = attr(n, "title", &fail);
  f.html_url = attr(n, "htmlUrl", &fail);
  f.type = attr(n, "type", &fail);
  f.category = attr(n, "category", &fail);
  f.group = ld->group.len ? wsp_strdup(ld->group.data) : NULL;
  if (fail || (ld->group.len && !f.group))
    goto done;
  for (xmlAttr *a = n->properties; a; a = a->next) {
    xmlChar *v;
    const char *an = (const char *)a->name;
    if (!is_wsp_attr(a))
      continue;
    if (!(v = xmlNodeListGetString(n->doc, a->children, 1)))
      v = xmlStrdup(BAD_CAST "");
    const char *s = (const char *)v;
    char **dst = NULL;
    rc = WSP_PARSE;
    if (!strcmp(an, "name"))
      dst = &name;
    else if (!strcmp(an, "kind"))
      dst = &f.kind;
    else if (!strcmp(an, "userAgent"))
      dst = &f.user_agent;
    else if (!strcmp(an, "headers"))
      dst = &f.headers;
    else if (!strcmp(an, "interval")) {
      char *end;
      errno = 0;
      long iv = strtol(s, &end, 10);
      if (!*s || *end || errno || iv < 0 || iv > MAX_INTERVAL) {
        wsp_err_set(ld->err, rc,
                    "%s:%ld: waspada:interval '%s' is not 0..%ld seconds",
                    ld->name, f.line, s, MAX_INTERVAL);
        xmlFree(v);
        goto done;
      }
      f.interval = iv;
    } else if (!strcmp(an, "enabled")) {
      if (parse_bool(s, &f.enabled) < 0) {
        wsp_err_set(ld->err, rc,
                    "%s:%ld: waspada:enabled '%s' is not true or false",
                    ld->name, f.line, s);
        xmlFree(v);
        goto done;
      }
    } else {
      wsp_err_set(ld->err, rc,
                  "%s:%ld: unknown attribute waspada:%s (name, kind, "
                  "interval, userAgent, headers, enabled)",
                  ld->name, f.line, an);
      xmlFree(v);
      goto done;
    }
    if (dst) {
      wsp_free(*dst);
      *dst = wsp_strdup(s);
      if (!*dst) {
        xmlFree(v);
        rc = WSP_NOMEM;
        goto done;
      }
    }
    xmlFree(v);
  }
  f.name = name                  ? name
           : text && *text       ? text
           : f.title && *f.title ? f.title
                                 : url;
  /* OPML readers show `text`: without a title it is the display title
  ** (unless it only repeats the name) */
  if (!f.title && text && *text && strcmp(text, f.name) != 0 &&
      !(f.title = wsp_strdup(text))) {
    rc = WSP_NOMEM;
    goto done;
  }
  rc = wsp_feedlist_add(ld->l, &f, &e);
  if (rc == WSP_INVAL || rc == WSP_TOOBIG) {
    wsp_err_set(ld->err, WSP_PARSE, "%s:%ld: %s", ld->name, f.line, e.msg);
    rc = WSP_PARSE;
  }
done:
  f.url = NULL; /* the caller's */
  f.name = NULL;
  wsp_free(name);
  wsp_free(text);
  feed_cleanup(&f);
  return rc;
}

static wsp_rc load_outlines(struct loader *ld, xmlNode *parent, int depth)
{
  for (xmlNode *n = parent->children; n; n = n->next) {
    xmlChar *url;
    wsp_rc rc;
    if (!is_el(n, "outline"))
      continue;
    url = xmlGetNoNsProp(n, BAD_CAST "xmlUrl");
    if (url) {
      char *u = wsp_strdup((const char *)url);
      xmlFree(url);
      if (!u)
        return WSP_NOMEM;
      rc = *u ? load_feed(ld, n, u)
              : wsp_err_set(ld->err, WSP_PARSE, "%s:%ld: empty xmlUrl",
                            ld->name, (long)xmlGetLineNo(n));
      wsp_free(u);
      if (rc != WSP_OK)
        return rc;
      continue;
    }
    /* a folder: its text (or title) extends the group path */
    if (depth >= WSP_FEEDLIST_MAX_DEPTH)
      return wsp_err_set(ld->err, WSP_PARSE,
                         "%s:%ld: folders nested deeper than %d", ld->name,
                         (long)xmlGetLineNo(n), WSP_FEEDLIST_MAX_DEPTH);
    xmlChar *t = xmlGetNoNsProp(n, BAD_CAST "text");
    if (!t)
      t = xmlGetNoNsProp(n, BAD_CAST "title");
    size_t saved = ld->group.len;
    rc = WSP_OK;
    if (t && *t) {
      if (saved)
        rc = wsp_buf_putc(&ld->group, '/');
      if (rc == WSP_OK)
        rc = wsp_buf_puts(&ld->group, (const char *)t);
    }
    xmlFree(t);
    if (rc == WSP_TOOBIG)
      rc = wsp_err_set(ld->err, WSP_PARSE, "%s:%ld: folder name too long",
                       ld->name, (long)xmlGetLineNo(n));
    if (rc == WSP_OK)
      rc = load_outlines(ld, n, depth + 1);
    ld->group.len = saved;
    if (ld->group.data)
      ld->group.data[saved] = '\0';
    if (rc != WSP_OK)
      return rc;
  }
  return WSP_OK;
}

/* libxml2 2.9 reports errors through the SAX structured handler; keep the
** first one (the last is often a consequence, "premature end of data"). */
struct first_error {
  int line;
  char msg[256];
};

static void on_xml_error(void *ud, xmlErrorPtr e)
{
  xmlParserCtxtPtr ctxt = ud;
  struct first_error *fe = ctxt ? ctxt->_private : NULL;
  if (!fe || fe->msg[0] || !e || e->level < XML_ERR_ERROR)
    return;
  fe->line = e->line;
  snprintf(fe->msg, sizeof(fe->msg), "%s", e->message ? e->message : "error");
}

wsp_rc wsp_feedlist_parse(const char *name, const char *dir, const char *text,
                          size_t len, wsp_feedlist **out, wsp_err *err)
{
  struct loader ld = {.name = name, .err = err};
  struct first_error fe = {0, ""};
  xmlParserCtxtPtr ctxt = NULL;
  xmlDocPtr doc = NULL;
  xmlNode *root, *body = NULL;
  wsp_rc rc;

  *out = NULL;
  wsp_buf_init(&ld.group, 4096);
  if (len > WSP_FEEDLIST_MAX_FILE || len > INT_MAX) {
    rc = wsp_err_set(err, WSP_TOOBIG, "%s: larger than %u bytes", name,
                     WSP_FEEDLIST_MAX_FILE);
    goto done;
  }
  if ((rc = wsp_feedlist_new(dir, &ld.l)) != WSP_OK) {
    wsp_err_set(err, rc, "%s: cannot resolve its folder", name);
    goto done;
  }
  rc = WSP_NOMEM;
  if (!(ctxt = xmlNewParserCtxt()))
    goto done;
  ctxt->_private = &fe;
  ctxt->sax->serror = on_xml_error;
  doc = xmlCtxtReadMemory(ctxt, text, (int)len, name, NULL,
                          XML_PARSE_NONET | XML_PARSE_NOERROR |
                              XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
  if (!doc) {
    const xmlError *e = xmlCtxtGetLastError(ctxt);
    char msg[256] = "not well-formed XML";
    if (fe.msg[0]) {
      snprintf(msg, sizeof(msg), "%s", fe.msg);
      size_t ml = strlen(msg);
      while (ml && (msg[ml - 1] == '\n' || msg[ml - 1] == ' '))
        msg[--ml] = '\0';
      rc = wsp_err_set(err, WSP_PARSE, "%s:%d: %s", name, fe.line, msg);
      goto done;
    }
    if (e && e->message) {
      snprintf(msg, sizeof(msg), "%s", e->message);
      size_t ml = strlen(msg);
      while (ml && (msg[ml - 1] == '\n' || msg[ml - 1] == ' '))
        msg[--ml] = '\0';
    }
    rc = wsp_err_set(err, WSP_PARSE, "%s:%d: %s", name, e ? e->line : 1, msg);
    goto done;
  }
  root = xmlDocGetRootElement(doc);
  rc = WSP_PARSE;
  if (!root || !is_el(root, "opml")) {
    wsp_err_set(err, rc,
                "%s:%ld: not an OPML file (root element is not "
                "<opml>)",
                name, root ? (long)xmlGetLineNo(root) : 1L);
    goto done;
  }
  for (xmlNode *n = root->children; n; n = n->next) {
    if (is_el(n, "head")) {
      for (xmlNode *h = n->children; h; h = h->next)
        if (is_el(h, "title")) {
          xmlChar *t = xmlNodeGetContent(h);
          if (t &&
              (rc = wsp_feedlist_set_title(ld.l, (const char *)t)) != WSP_OK) {
            xmlFree(t);
            goto done;
          }
          xmlFree(t);
        }
    } else if (is_el(n, "body") && !body)
      body = n;
  }
  rc = WSP_PARSE;
  if (!body) {
    wsp_err_set(err, rc, "%s:%ld: OPML without <body>", name,
                (long)xmlGetLineNo(root));
    goto done;
  }
  if ((rc = load_outlines(&ld, body, 0)) != WSP_OK)
    goto done;
  *out = ld.l;
  ld.l = NULL;
done:
  if (rc == WSP_NOMEM)
    wsp_err_set(err, rc, "%s: out of memory", name);
  wsp_feedlist_free(ld.l);
  wsp_buf_cleanup(&ld.group);
  xmlFreeDoc(doc);
  xmlFreeParserCtxt(ctxt);
  return rc;
}

wsp_rc wsp_feedlist_load(const char *path, wsp_feedlist **out, wsp_err *err)
{
  FILE *f = fopen(path, "rb");
  wsp_buf b;
  char chunk[65536], *dir = NULL, *slash;
  size_t n;
  wsp_rc rc = WSP_OK;

  *out = NULL;
  if (!f)
    return wsp_err_set(err, WSP_IO, "%s: %s", path, strerror(errno));
  wsp_buf_init(&b, WSP_FEEDLIST_MAX_FILE);
  while (rc == WSP_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    rc = wsp_buf_append(&b, chunk, n);
  if (rc == WSP_OK && ferror(f))
    rc = wsp_err_set(err, WSP_IO, "%s: read error", path);
  else if (rc == WSP_TOOBIG)
    wsp_err_set(err, rc, "%s: larger than %u bytes", path,
                WSP_FEEDLIST_MAX_FILE);
  else if (rc == WSP_NOMEM)
    wsp_err_set(err, rc, "%s: out of memory", path);
  fclose(f);
  if (rc == WSP_OK) {
    rc = WSP_NOMEM;
    if ((dir = wsp_strdup(path))) {
      slash = strrchr(dir, '/');
      if (slash)
        slash == dir ? (void)(slash[1] = '\0') : (void)(*slash = '\0');
      rc = wsp_feedlist_parse(path, slash ? dir : ".", b.data ? b.data : "",
                              b.len, out, err);
    }
  }
  wsp_free(dir);
  wsp_buf_cleanup(&b);
  return rc;
}

/* ---- saving -------------------------------------------------------------*/

/* The folder outline for group path g under body, created as needed. */
static xmlNode *group_node(xmlNode *body, const char *g)
{
  xmlNode *cur = body;
  char part[4096];

  while (g && *g) {
    const char *sl = strchr(g, '/');
    size_t n = sl ? (size_t)(sl - g) : strlen(g);
    xmlNode *found = NULL;
    if (n >= sizeof(part))
      n = sizeof(part) - 1;
    memcpy(part, g, n);
    part[n] = '\0';
    for (xmlNode *c = cur->children; c && !found; c = c->next) {
      xmlChar *t;
      if (!is_el(c, "outline") || xmlHasProp(c, BAD_CAST "xmlUrl"))
        continue;
      t = xmlGetNoNsProp(c, BAD_CAST "text");
      if (t && strcmp((const char *)t, part) == 0)
        found = c;
      xmlFree(t);
    }
    if (!found) {
      if (!(found = xmlNewChild(cur, NULL, BAD_CAST "outline", NULL)) ||
          !xmlNewProp(found, BAD_CAST "text", BAD_CAST part))
        return NULL;
    }
    cur = found;
    g = sl ? sl + 1 : g + n;
  }
  return cur;
}

static int set_prop(xmlNode *n, xmlNs *ns, const char *name, const char *v)
{
  if (!v)
    return 0;
  return (ns ? xmlNewNsProp(n, ns, BAD_CAST name, BAD_CAST v)
             : xmlNewProp(n, BAD_CAST name, BAD_CAST v))
             ? 0
             : -1;
}

wsp_rc wsp_feedlist_save(const wsp_feedlist *l, const char *path, wsp_err *err)
{
  xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
  xmlNode *root = NULL, *head, *body;
  xmlNs *ns;
  char tmp[PATH_MAX], *dir = NULL, *slash;
  wsp_rc rc = WSP_NOMEM;
  int fail = 0;

  if (!doc || !(root = xmlNewNode(NULL, BAD_CAST "opml")))
    goto done;
  xmlDocSetRootElement(doc, root);
  if (!xmlNewProp(root, BAD_CAST "version", BAD_CAST "2.0") ||
      !(ns = xmlNewNs(root, BAD_CAST WSP_FEEDLIST_NS, BAD_CAST "waspada")) ||
      !(head = xmlNewChild(root, NULL, BAD_CAST "head", NULL)) ||
      !(body = xmlNewChild(root, NULL, BAD_CAST "body", NULL)))
    goto done;
  if (l->title) {
    xmlNode *t = xmlNewChild(head, NULL, BAD_CAST "title", NULL);
    if (!t)
      goto done;
    xmlNodeAddContent(t, BAD_CAST l->title); /* escaped */
  }
  if (!(dir = wsp_strdup(path)))
    goto done;
  slash = strrchr(dir, '/');
  if (slash)
    *slash = '\0';
  {
    char *adir = abs_dir(slash ? (*dir ? dir : "/") : ".");
    wsp_free(dir);
    dir = adir;
  }
  if (!dir) {
    rc = wsp_err_set(err, WSP_IO, "%s: cannot resolve its folder", path);
    goto done;
  }
  for (size_t i = 0; i < l->n && !fail; i++) {
    const wsp_feed *f = &l->feeds[i];
    xmlNode *parent = group_node(body, f->group), *o;
    char iv[32], *url = unresolve(dir, f->url);
    if (!parent || !url ||
        !(o = xmlNewChild(parent, NULL, BAD_CAST "outline", NULL))) {
      wsp_free(url);
      goto done;
    }
    snprintf(iv, sizeof(iv), "%ld", f->interval);
    fail |= set_prop(o, NULL, "text", f->title ? f->title : f->name);
    fail |= set_prop(o, NULL, "title", f->title);
    fail |= set_prop(o, NULL, "type", f->type ? f->type : "rss");
    fail |= set_prop(o, NULL, "xmlUrl", url);
    fail |= set_prop(o, NULL, "htmlUrl", f->html_url);
    fail |= set_prop(o, NULL, "category", f->category);
    if (!f->title || strcmp(f->title, f->name))
      fail |= set_prop(o, ns, "name", f->name);
    if (f->kind && strcmp(f->kind, "auto"))
      fail |= set_prop(o, ns, "kind", f->kind);
    if (f->interval)
      fail |= set_prop(o, ns, "interval", iv);
    fail |= set_prop(o, ns, "userAgent", f->user_agent);
    fail |= set_prop(o, ns, "headers", f->headers);
    if (!f->enabled)
      fail |= set_prop(o, ns, "enabled", "false");
    wsp_free(url);
  }
  if (fail)
    goto done;
  rc = WSP_IO;
  if (snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid()) >=
      (int)sizeof(tmp)) {
    wsp_err_set(err, rc, "%s: path too long", path);
    goto done;
  }
  if (xmlSaveFormatFileEnc(tmp, doc, "UTF-8", 1) < 0) {
    wsp_err_set(err, rc, "%s: cannot write", tmp);
    unlink(tmp);
    goto done;
  }
  if (rename(tmp, path) != 0) {
    wsp_err_set(err, rc, "%s: %s", path, strerror(errno));
    unlink(tmp);
    goto done;
  }
  rc = WSP_OK;
done:
  if (rc == WSP_NOMEM)
    wsp_err_set(err, rc, "%s: out of memory", path);
  wsp_free(dir);
  xmlFreeDoc(doc);
  return rc;
}
