/* parse/feed_xml.c: RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom 1.0/0.3 with
** libxml2, from a document already converted to UTF-8 (feed_enc.c).
**
** Before libxml2 sees the bytes, a bounded pre-pass (prepare) removes the
** DOCTYPE: a DTD is never loaded, no external entity is ever resolved (XXE)
** and no entity is expanded recursively (billion laughs). Simple internal
** entities (`<!ENTITY name "literal">`, no markup or references inside) are
** substituted textually, as feedparser does; HTML named entities that feeds
** use without declaring (&eacute;, &nbsp;) become numeric references. The
** parser runs with XML_PARSE_NONET, in recovery mode, quietly; a document
** that needed recovery sets meta->ill_formed. libxml2 bounds nesting depth
** (256) and text node size. Every tree walk here is iterative.
**
** Elements are recognised by namespace URI and local name, never by
** prefix. Threading: reentrant. @test tests/unit/test_parse_xml.c */
#include "parse/feed_int.h"

#include "core/alloc.h"
#include "core/timeutil.h"
#include "text/html.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_ATOM10 "http://www.w3.org/2005/Atom"
#define NS_ATOM03 "http://purl.org/atom/ns#"
#define NS_RSS10 "http://purl.org/rss/1.0/"
#define NS_RSS09 "http://my.netscape.com/rdf/simple/0.9/"
#define NS_RSS090B "http://channel.netscape.com/rdf/simple/0.9/"
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_DCTERMS "http://purl.org/dc/terms/"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_XHTML "http://www.w3.org/1999/xhtml"

#define MAX_ENTITIES 64
#define MAX_ENTITY_VALUE 1024

/* ---- pre-pass -------------------------------------------------------- */

typedef struct entity {
  char name[64];
  char value[MAX_ENTITY_VALUE];
  size_t len;
} entity;

static int name_char(int c, int first)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == ':' || c >= 0x80 ||
         (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
}

static const char *find_str(const char *s, const char *end, const char *needle)
{
  size_t n = strlen(needle);
  for (; s + n <= end; s++)
    if (*s == needle[0] && memcmp(s, needle, n) == 0)
      return s;
  return NULL;
}

/* Read `<!ENTITY name "value">` declarations from an internal subset. */
static size_t read_entities(const char *s, const char *end, entity *ents)
{
  size_t n = 0;
  const char *p = s;

  while (n < MAX_ENTITIES && (p = find_str(p, end, "<!ENTITY")) != NULL) {
    const char *q = p + 8, *name;
    size_t nlen;
    char quote;
    p += 8;
    while (q < end && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n'))
      q++;
    if (q < end && *q == '%')
      continue; /* parameter entity: never resolved */
    name = q;
    while (q < end && name_char((unsigned char)*q, q == name))
      q++;
    nlen = (size_t)(q - name);
    if (!nlen || nlen >= sizeof(ents[n].name))
      continue;
    while (q < end && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n'))
      q++;
    if (q >= end || (*q != '"' && *q != '\''))
      continue; /* SYSTEM/PUBLIC: external, never fetched */
    quote = *q++;
    {
      const char *v = q;
      while (q < end && *q != quote)
        q++;
      if (q >= end || (size_t)(q - v) >= MAX_ENTITY_VALUE ||
          memchr(v, '&', (size_t)(q - v)) || memchr(v, '<', (size_t)(q - v)) ||
          memchr(v, '%', (size_t)(q - v)))
        continue; /* references or markup inside: not expanded */
      memcpy(ents[n].name, name, nlen);
      ents[n].name[nlen] = 0;
      memcpy(ents[n].value, v, (size_t)(q - v));
      ents[n].len = (size_t)(q - v);
      n++;
    }
  }
  return n;
}

/* Locate the DOCTYPE in the prolog: [*a, *b) to remove. */
static int find_doctype(const char *s, size_t len, size_t *a, size_t *b)
{
  const char *p = s, *end = s + len;

  while (p < end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
      p++;
    if (p + 4 <= end && memcmp(p, "<!--", 4) == 0) {
      const char *e = find_str(p + 4, end, "-->");
      if (!e)
        return 0;
      p = e + 3;
    } else if (p + 2 <= end && memcmp(p, "<?", 2) == 0) {
      const char *e = find_str(p + 2, end, "?>");
      if (!e)
        return 0;
      p = e + 2;
    } else if (p + 9 <= end && memcmp(p, "<!DOCTYPE", 9) == 0) {
      const char *q = p + 9;
      int in_subset = 0;
      char quote = 0;
      for (; q < end; q++) {
        if (quote) {
          if (*q == quote)
            quote = 0;
        } else if (*q == '"' || *q == '\'') {
          quote = *q;
        } else if (*q == '[') {
          in_subset = 1;
        } else if (*q == ']') {
          in_subset = 0;
        } else if (*q == '>' && !in_subset) {
          break;
        }
      }
      *a = (size_t)(p - s);
      *b = q < end ? (size_t)(q - s) + 1 : len;
      return 1;
    } else {
      return 0;
    }
  }
  return 0;
}

static int predefined(const char *name, size_t n)
{
  return (n == 3 && (memcmp(name, "amp", 3) == 0)) ||
         (n == 2 &&
          (memcmp(name, "lt", 2) == 0 || memcmp(name, "gt", 2) == 0)) ||
         (n == 4 &&
          (memcmp(name, "quot", 4) == 0 || memcmp(name, "apos", 4) == 0));
}

/* Copy s into out without the DOCTYPE, substituting declared simple
** entities and HTML named entities (outside CDATA sections). */
static wsp_rc prepare(const char *s, size_t len, wsp_buf *out)
{
  entity *ents = NULL;
  size_t n_ents = 0, a = 0, b = 0, i, run_start;
  wsp_rc rc = WSP_OK;
  int have_doctype = find_doctype(s, len, &a, &b);

  if (have_doctype) {
    const char *lb = memchr(s + a, '[', b - a);
    if (lb) {
      if (!(ents = wsp_calloc(MAX_ENTITIES, sizeof(*ents))))
        return WSP_NOMEM;
      n_ents = read_entities(lb, s + b, ents);
    }
  }
  wsp_buf_reset(out);
  if ((rc = wsp_buf_reserve(out, len)) != WSP_OK)
    goto done;
  i = 0;
  run_start = 0;
  while (i < len) {
    char ch = s[i];
    if (have_doctype && i == a) {
      if ((rc = wsp_buf_append(out, s + run_start, i - run_start)) != WSP_OK)
        goto done;
      i = run_start = b;
      continue;
    }
    if (ch == '<' && i + 9 <= len && memcmp(s + i, "<![CDATA[", 9) == 0) {
      const char *e = find_str(s + i + 9, s + len, "]]>");
      i = e ? (size_t)(e - s) + 3 : len;
      continue;
    }
    if (ch == '&' && i + 3 < len && s[i + 1] == '#' && s[i + 2] == 'X') {
      /* "&#X41;": HTML accepts the capital X, XML does not */
      if ((rc = wsp_buf_append(out, s + run_start, i - run_start)) != WSP_OK ||
          (rc = wsp_buf_append(out, "&#x", 3)) != WSP_OK)
        goto done;
      i = run_start = i + 3;
      continue;
    }
    if (ch == '&' && i + 2 < len && s[i + 1] != '#') {
      size_t k = i + 1, nlen;
      while (k < len && k - i < 40 &&
             name_char((unsigned char)s[k], k == i + 1))
        k++;
      nlen = k - i - 1;
      if (nlen && k < len && s[k] == ';' && !predefined(s + i + 1, nlen)) {
        char name[48];
        const char *rep = NULL;
        size_t rlen = 0;
        char num[16];
        memcpy(name, s + i + 1, nlen);
        name[nlen] = 0;
        for (size_t e = 0; e < n_ents; e++)
          if (strcmp(ents[e].name, name) == 0) {
            rep = ents[e].value;
            rlen = ents[e].len;
            break;
          }
        if (!rep) {
          const htmlEntityDesc *d = htmlEntityLookup((const xmlChar *)name);
          if (d) {
            rlen = (size_t)snprintf(num, sizeof(num), "&#%u;", d->value);
            rep = num;
          }
        }
        if (rep) {
          if ((rc = wsp_buf_append(out, s + run_start, i - run_start)) !=
                  WSP_OK ||
              (rc = wsp_buf_append(out, rep, rlen)) != WSP_OK)
            goto done;
          i = run_start = k + 1;
          continue;
        }
      }
    }
    i++;
  }
  rc = wsp_buf_append(out, s + run_start, len - run_start);
done:
  wsp_free(ents);
  return rc;
}

/* ---- tree helpers ----------------------------------------------------- */

/* Feeds often use a prefix they never declare (dc:creator without
** xmlns:dc); libxml2 then keeps "dc:creator" as the name, without a
** namespace. Such elements are read by the usual meaning of the prefix. */
static const struct {
  const char *prefix, *ns;
} known_prefixes[] = {{"dc", NS_DC},           {"dcterms", NS_DCTERMS},
                      {"content", NS_CONTENT}, {"atom", NS_ATOM10},
                      {"rdf", NS_RDF},         {"xhtml", NS_XHTML}};

static const char *ns_of(const xmlNode *n)
{
  const char *colon;
  if (n->ns && n->ns->href)
    return (const char *)n->ns->href;
  if (n->type == XML_ELEMENT_NODE && n->name &&
      (colon = strchr((const char *)n->name, ':')) != NULL) {
    size_t len = (size_t)(colon - (const char *)n->name);
    for (size_t i = 0; i < sizeof(known_prefixes) / sizeof(known_prefixes[0]);
         i++)
      if (strlen(known_prefixes[i].prefix) == len &&
          memcmp(n->name, known_prefixes[i].prefix, len) == 0)
        return known_prefixes[i].ns;
  }
  return "";
}

static int name_is(const xmlNode *n, const char *name)
{
  const char *nm, *colon;
  if (!n || n->type != XML_ELEMENT_NODE || !n->name)
    return 0;
  nm = (const char *)n->name;
  if (!n->ns && (colon = strchr(nm, ':')) != NULL)
    nm = colon + 1; /* undeclared prefix: the local part */
  return strcmp(nm, name) == 0;
}

static int ns_is(const xmlNode *n, const char *ns)
{
  return strcmp(ns_of(n), ns) == 0;
}

/* Plain RSS element: no namespace, RSS 1.0/0.9's, or the namespace of the
** document's <rss> root (some feeds declare their own default). */
static int rss_el(const xmlNode *n, const char *name)
{
  const char *ns;
  const xmlNode *root;
  if (!name_is(n, name))
    return 0;
  ns = ns_of(n);
  if (!*ns || strcmp(ns, NS_RSS10) == 0 || strcmp(ns, NS_RSS09) == 0 ||
      strcmp(ns, NS_RSS090B) == 0)
    return 1;
  root = n->doc ? xmlDocGetRootElement(n->doc) : NULL;
  return root && name_is(root, "rss") && strcmp(ns_of(root), ns) == 0;
}

/* Atom element: either Atom namespace, or (as feedparser reads them) the
** namespace of the document's <feed> root, or none. */
static int atom_el(const xmlNode *n, const char *name)
{
  const char *ns;
  const xmlNode *root;
  if (!name_is(n, name))
    return 0;
  ns = ns_of(n);
  if (strcmp(ns, NS_ATOM10) == 0 || strcmp(ns, NS_ATOM03) == 0)
    return 1;
  root = n->doc ? xmlDocGetRootElement(n->doc) : NULL;
  return root && name_is(root, "feed") && strcmp(ns_of(root), ns) == 0;
}

static const xmlNode *child(const xmlNode *parent,
                            int (*pred)(const xmlNode *, const char *),
                            const char *name)
{
  for (const xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
    if (pred(c, name))
      return c;
  return NULL;
}

static int dc_el(const xmlNode *n, const char *name)
{
  return name_is(n, name) && ns_is(n, NS_DC);
}

static int dcterms_el(const xmlNode *n, const char *name)
{
  return name_is(n, name) && ns_is(n, NS_DCTERMS);
}

static int content_el(const xmlNode *n, const char *name)
{
  return name_is(n, name) && ns_is(n, NS_CONTENT);
}

static int xhtml_el(const xmlNode *n, const char *name)
{
  return name_is(n, name) && (ns_is(n, NS_XHTML) || !*ns_of(n));
}

/* Append the text content of node's subtree (text and CDATA; entity
** references left unexpanded), iteratively. */
static wsp_rc text_of(const xmlNode *node, wsp_buf *out)
{
  const xmlNode *n;
  wsp_rc rc = WSP_OK;

  if (!node)
    return WSP_OK;
  if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE)
    return node->content
               ? wsp__buf_append_clip(out, (const char *)node->content,
                                      strlen((const char *)node->content))
               : WSP_OK;
  n = node->children;
  while (n && rc == WSP_OK) {
    if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
        n->content)
      rc = wsp__buf_append_clip(out, (const char *)n->content,
                                strlen((const char *)n->content));
    if (n->type == XML_ELEMENT_NODE && n->children) {
      n = n->children;
      continue;
    }
    while (n && !n->next && n != node)
      n = n->parent;
    if (!n || n == node)
      break;
    n = n->next;
  }
  return rc;
}

/* Serialise the children of node (inline XHTML content) as markup. */
static wsp_rc markup_of(xmlDoc *doc, const xmlNode *node, wsp_buf *out)
{
  xmlBuffer *xb = xmlBufferCreate();
  wsp_rc rc = WSP_OK;

  if (!xb)
    return WSP_NOMEM;
  for (xmlNode *c = node->children; c; c = c->next) {
    xmlBufferEmpty(xb);
    if (xmlNodeDump(xb, doc, c, 0, 0) < 0)
      continue;
    if ((rc = wsp__buf_append_clip(out, (const char *)xmlBufferContent(xb),
                                   (size_t)xmlBufferLength(xb))) != WSP_OK)
      break;
  }
  xmlBufferFree(xb);
  return rc;
}

typedef enum { CT_TEXT, CT_HTML, CT_XHTML, CT_BASE64 } content_type;

/* Decode base64 text in place in b (white space ignored; stops at '='). */
static void base64_decode(wsp_buf *b)
{
  size_t w = 0;
  unsigned acc = 0;
  int bits = 0;

  for (size_t r = 0; r < b->len; r++) {
    int c = (unsigned char)b->data[r], v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+' || c == '-')
      v = 62;
    else if (c == '/' || c == '_')
      v = 63;
    else if (c == '=')
      break;
    else
      continue;
    acc = (acc << 6) | (unsigned)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      b->data[w++] = (char)((acc >> bits) & 0xff); /* w < r always */
    }
  }
  b->len = w;
  if (b->data)
    b->data[w] = 0;
}

/* Atom type/mode attributes -> how to read the element. */
static content_type atom_type(const xmlNode *n)
{
  xmlChar *type = xmlGetProp(n, (const xmlChar *)"type");
  xmlChar *mode = xmlGetProp(n, (const xmlChar *)"mode");
  content_type ct = CT_TEXT;
  const char *t = (const char *)type;

  if (t) {
    if (strcmp(t, "html") == 0 || strcmp(t, "text/html") == 0)
      ct = CT_HTML;
    else if (strcmp(t, "xhtml") == 0 || strcmp(t, "application/xhtml+xml") == 0)
      ct = CT_XHTML;
    else if (strcmp(t, "text") == 0 || strncmp(t, "text/", 5) == 0)
      ct = CT_TEXT;
    else if (strstr(t, "xml"))
      ct = CT_XHTML;
    else
      ct = CT_BASE64; /* other media types are base64 (RFC 4287 4.1.3.3) */
  }
  if (mode) {
    if (strcmp((const char *)mode, "escaped") == 0)
      ct = ct == CT_TEXT || ct == CT_XHTML ? CT_HTML : ct;
    else if (strcmp((const char *)mode, "base64") == 0)
      ct = CT_BASE64;
    else if (strcmp((const char *)mode, "xml") == 0 && ct == CT_TEXT && t &&
             strcmp(t, "text/plain") != 0)
      ct = CT_XHTML;
  }
  xmlFree(type);
  xmlFree(mode);
  return ct;
}

/* Read an Atom text construct into out; *html set if it is markup. */
static wsp_rc atom_text(xmlDoc *doc, const xmlNode *n, wsp_buf *out, int *html)
{
  content_type ct = atom_type(n);

  *html = 0;
  if (ct == CT_BASE64) {
    size_t start = out->len;
    wsp_buf part, clean;
    wsp_rc rc;
    wsp_buf_init(&part, out->max);
    wsp_buf_init(&clean, out->max);
    rc = text_of(n, &part);
    if (rc == WSP_OK) {
      base64_decode(&part);
      /* decoded bytes may be anything: keep them only as clean UTF-8 */
      rc = wsp__utf8_clean(part.data ? part.data : "", part.len, &clean);
    }
    if (rc == WSP_OK)
      rc = wsp__buf_append_clip(out, clean.data ? clean.data : "", clean.len);
    wsp_buf_cleanup(&part);
    wsp_buf_cleanup(&clean);
    *html = out->len > start ? WSP__MAYBE_HTML : WSP__TEXT;
    return rc;
  }
  if (ct == CT_XHTML) {
    const xmlNode *div = n->children;
    while (div && div->type != XML_ELEMENT_NODE)
      div = div->next;
    *html = WSP__HTML;
    if (div && name_is(div, "div") && !div->next)
      return markup_of(doc, div, out);
    return markup_of(doc, n, out);
  }
  *html = ct == CT_HTML ? WSP__HTML : WSP__TEXT;
  return text_of(n, out);
}

/* Element's text into a fresh NUL-terminated string held by b. */
static const char *field(const xmlNode *n, wsp_buf *b)
{
  wsp_buf_reset(b);
  if (!n || text_of(n, b) != WSP_OK)
    return NULL;
  return b->len ? b->data : NULL;
}

static int64_t date_of(const xmlNode *n, wsp_buf *tmp)
{
  int64_t t = 0;
  const char *s = field(n, tmp);
  if (s && wsp_feed_date_parse(s, strlen(s), &t) == WSP_OK)
    return t;
  return 0;
}

/* Evidence: the item's markup. */
static void item_raw(xmlDoc *doc, const xmlNode *n, wsp_buf *raw)
{
  xmlBuffer *xb = xmlBufferCreate();
  wsp_buf_reset(raw);
  if (!xb)
    return;
  if (xmlNodeDump(xb, doc, (xmlNode *)n, 0, 0) >= 0)
    wsp__buf_append_clip(raw, (const char *)xmlBufferContent(xb),
                         (size_t)xmlBufferLength(xb));
  xmlBufferFree(xb);
}

/* href of n resolved against its xml:base; new string or NULL. */
static char *href_of(xmlDoc *doc, const xmlNode *n, const char *attr_or_text)
{
  xmlChar *h = attr_or_text ? xmlGetProp(n, (const xmlChar *)attr_or_text)
                            : xmlNodeGetContent(n);
  xmlChar *base;
  char *out = NULL;
  size_t a = 0, len;

  if (!h)
    return NULL;
  len = strlen((const char *)h);
  while (a < len &&
         (h[a] == ' ' || h[a] == '\n' || h[a] == '\r' || h[a] == '\t'))
    a++;
  while (len > a && (h[len - 1] == ' ' || h[len - 1] == '\n' ||
                     h[len - 1] == '\r' || h[len - 1] == '\t'))
    len--;
  h[len] = 0;
  if (len == a) {
    xmlFree(h);
    return NULL;
  }
  base = xmlNodeGetBase(doc, n);
  out = wsp__feed_resolve_url((const char *)base, (const char *)h + a);
  xmlFree(base);
  xmlFree(h);
  return out;
}

typedef struct fields {
  wsp_buf id, url, title, author, body, tmp, raw, extra, base;
} fields;

static void fields_init(fields *f)
{
  wsp_buf_init(&f->id, 4096);
  wsp_buf_init(&f->url, 8192);
  wsp_buf_init(&f->title, 64 * 1024);
  wsp_buf_init(&f->author, 4096);
  wsp_buf_init(&f->body, WSP__FEED_MAX_FIELD);
  wsp_buf_init(&f->tmp, WSP__FEED_MAX_FIELD);
  wsp_buf_init(&f->raw, WSP__FEED_MAX_RAW);
  wsp_buf_init(&f->extra, WSP__FEED_MAX_FIELD);
  wsp_buf_init(&f->base, 8192);
}

static void fields_cleanup(fields *f)
{
  wsp_buf_cleanup(&f->id);
  wsp_buf_cleanup(&f->url);
  wsp_buf_cleanup(&f->title);
  wsp_buf_cleanup(&f->author);
  wsp_buf_cleanup(&f->body);
  wsp_buf_cleanup(&f->tmp);
  wsp_buf_cleanup(&f->raw);
  wsp_buf_cleanup(&f->extra);
  wsp_buf_cleanup(&f->base);
}

static void fields_reset(fields *f)
{
  wsp_buf_reset(&f->id);
  wsp_buf_reset(&f->url);
  wsp_buf_reset(&f->title);
  wsp_buf_reset(&f->author);
  wsp_buf_reset(&f->body);
  wsp_buf_reset(&f->tmp);
  wsp_buf_reset(&f->raw);
  wsp_buf_reset(&f->extra);
  wsp_buf_reset(&f->base);
}

static const char *str_or_null(const wsp_buf *b)
{
  return b->len ? b->data : NULL;
}

static void copy_field(wsp_buf *dst, const xmlNode *n)
{
  wsp_buf_reset(dst);
  if (n)
    text_of(n, dst);
}

static void set_buf(wsp_buf *dst, const char *s)
{
  wsp_buf_reset(dst);
  if (s)
    wsp__buf_append_clip(dst, s, strlen(s));
}

/* meta->title from a title that may hold markup. */
static wsp_rc set_title(wsp__feed_ctx *c, const xmlNode *node, wsp_buf *title,
                        wsp_buf *tmp, int mode)
{
  xmlChar *base = NULL;
  const char *t = title->len ? title->data : NULL;
  size_t a = 0, n;

  if (!t)
    return WSP_OK;
  if (mode == WSP__HTML ||
      (mode == WSP__MAYBE_HTML && wsp_html_looks_like(t, title->len))) {
    base = xmlNodeGetBase(node->doc, node);
    if (wsp__feed_html_text(t, (const char *)base, tmp) == WSP_OK)
      t = tmp->len ? tmp->data : ""; /* markup only: no title */
    xmlFree(base);
  }
  n = strlen(t);
  while (a < n && (t[a] == ' ' || t[a] == '\n' || t[a] == '\t' || t[a] == '\r'))
    a++;
  while (n > a && (t[n - 1] == ' ' || t[n - 1] == '\n' || t[n - 1] == '\t' ||
                   t[n - 1] == '\r'))
    n--;
  if (n == a)
    return WSP_OK;
  wsp_free(c->meta->title);
  c->meta->title = wsp_strndup(t + a, n - a);
  return c->meta->title ? WSP_OK : WSP_NOMEM;
}

/* ---- RSS / RDF ------------------------------------------------------ */

static wsp_rc rss_item(wsp__feed_ctx *c, xmlDoc *doc, const xmlNode *item,
                       fields *f)
{
  const xmlNode *n, *guid, *link, *content, *desc, *body_node = NULL;
  wsp__feed_item it = {0};
  int guid_permalink = 1;
  char *href = NULL;
  wsp_rc rc;

  fields_reset(f);
  /* title */
  n = child(item, rss_el, "title");
  if (!n)
    n = child(item, dc_el, "title");
  copy_field(&f->title, n);
  /* id and link */
  guid = child(item, rss_el, "guid");
  if (guid) {
    xmlChar *pl = xmlGetProp(guid, (const xmlChar *)"isPermaLink");
    if (pl && strcmp((const char *)pl, "false") == 0)
      guid_permalink = 0;
    xmlFree(pl);
    copy_field(&f->id, guid);
  }
  link = child(item, rss_el, "link");
  if (link)
    href = href_of(doc, link, NULL);
  if (!href && (n = child(item, atom_el, "link")))
    href = href_of(doc, n, "href");
  if (!href && guid && guid_permalink && f->id.len &&
      (strncmp(f->id.data, "http://", 7) == 0 ||
       strncmp(f->id.data, "https://", 8) == 0))
    href = wsp_strdup(f->id.data);
  if (!f->id.len) {
    xmlChar *about =
        xmlGetNsProp(item, (const xmlChar *)"about", (const xmlChar *)NS_RDF);
    if (about)
      set_buf(&f->id, (const char *)about);
    xmlFree(about);
  }
  if (!href && f->id.len && !guid &&
      (strncmp(f->id.data, "http://", 7) == 0 ||
       strncmp(f->id.data, "https://", 8) == 0))
    href = wsp_strdup(f->id.data); /* rdf:about */
  set_buf(&f->url, href);
  /* date */
  if ((n = child(item, rss_el, "pubDate")))
    it.published = date_of(n, &f->tmp);
  if (!it.published && (n = child(item, dc_el, "date")))
    it.published = date_of(n, &f->tmp);
  if (!it.published && (n = child(item, dcterms_el, "issued")))
    it.published = date_of(n, &f->tmp);
  if (!it.published && (n = child(item, dcterms_el, "created")))
    it.published = date_of(n, &f->tmp);
  if (!it.published && (n = child(item, dcterms_el, "modified")))
    it.published = date_of(n, &f->tmp);
  if (!it.published && (n = child(item, atom_el, "published")))
    it.published = date_of(n, &f->tmp);
  if (!it.published && (n = child(item, atom_el, "updated")))
    it.published = date_of(n, &f->tmp);
  /* author */
  n = child(item, rss_el, "author");
  if (!n)
    n = child(item, dc_el, "creator");
  if (!n)
    n = child(item, dc_el, "author");
  copy_field(&f->author, n);
  /* body: content:encoded, xhtml:body, description */
  content = child(item, content_el, "encoded");
  desc = child(item, rss_el, "description");
  if (!desc)
    desc = child(item, dc_el, "description");
  it.body_html = WSP__HTML;
  if (content) {
    copy_field(&f->body, content);
    body_node = content;
  }
  if (!f->body.len && (n = child(item, xhtml_el, "body"))) {
    markup_of(doc, n, &f->body);
    body_node = n;
  }
  if (!f->body.len && (n = child(item, xhtml_el, "div"))) {
    markup_of(doc, n, &f->body);
    body_node = n;
  }
  if (!desc)
    desc = child(item, rss_el, "fullitem");
  if (!desc)
    desc = child(item, rss_el, "summary");
  else if (!content && (n = child(item, rss_el, "summary")) && !f->body.len) {
    copy_field(&f->body, n); /* <summary> beside <description>: keep both */
    body_node = n;
  }
  if (desc) {
    const xmlNode *el = desc->children;
    int has_elements = 0;
    wsp_buf *dst = f->body.len ? &f->extra : &f->body;
    for (; el; el = el->next)
      if (el->type == XML_ELEMENT_NODE)
        has_elements = 1;
    wsp_buf_reset(&f->extra);
    if (has_elements) /* unescaped markup inside description */
      markup_of(doc, desc, dst);
    else
      text_of(desc, dst);
    if (dst == &f->body)
      body_node = desc;
    else if (f->extra.len && !strstr(f->body.data, f->extra.data)) {
      /* content:encoded and a different description: keep both */
      wsp__buf_append_clip(&f->body, "<br>", 4);
      wsp__buf_append_clip(&f->body, f->extra.data, f->extra.len);
    }
    wsp_buf_reset(&f->extra);
  }
  if (body_node) {
    xmlChar *b = xmlNodeGetBase(doc, body_node);
    set_buf(&f->base, (const char *)b);
    xmlFree(b);
  }
  it.base = str_or_null(&f->base);
  item_raw(doc, item, &f->raw);
  {
    xmlChar *lang = xmlNodeGetLang(item);
    set_buf(&f->tmp, (const char *)lang);
    xmlFree(lang);
  }
  it.id = str_or_null(&f->id);
  it.url = str_or_null(&f->url);
  it.title = str_or_null(&f->title);
  it.title_html = WSP__MAYBE_HTML;
  it.author = str_or_null(&f->author);
  it.body = str_or_null(&f->body);
  it.lang = str_or_null(&f->tmp);
  it.raw = f->raw.data;
  it.raw_len = f->raw.len;
  rc = wsp__feed_emit(c, &it);
  wsp_free(href);
  return rc;
}

static wsp_rc parse_rss(wsp__feed_ctx *c, xmlDoc *doc, const xmlNode *root,
                        int rdf)
{
  const xmlNode *channel =
      rss_el(root, "channel") ? root : child(root, rss_el, "channel");
  fields f;
  wsp_rc rc = WSP_OK;

  c->meta->format = rdf ? WSP_FEED_RDF : WSP_FEED_RSS;
  fields_init(&f);
  if (channel) {
    const xmlNode *t = child(channel, rss_el, "title");
    if (!t)
      t = child(channel, dc_el, "title");
    if (t && field(t, &f.body))
      rc = set_title(c, t, &f.body, &f.tmp, WSP__MAYBE_HTML);
  }
  /* items: inside the channel (RSS 0.91+/2.0) and beside it (0.90, RDF) */
  for (int pass = 0; pass < 2 && rc == WSP_OK && !c->stopped; pass++) {
    const xmlNode *parent = pass == 0 ? channel : root;
    if (!parent || (pass == 1 && parent == channel))
      continue;
    for (const xmlNode *n = parent->children; n && rc == WSP_OK && !c->stopped;
         n = n->next)
      if (rss_el(n, "item") || (name_is(n, "item") && !*ns_of(n)))
        rc = rss_item(c, doc, n, &f);
  }
  fields_cleanup(&f);
  return rc;
}

/* ---- Atom ------------------------------------------------------------ */

/* The entry's alternate link (rel absent or "alternate"), else the first. */
static char *atom_link(xmlDoc *doc, const xmlNode *parent)
{
  const xmlNode *first = NULL;
  for (const xmlNode *n = parent->children; n; n = n->next) {
    xmlChar *rel;
    int alt;
    if (!atom_el(n, "link"))
      continue;
    rel = xmlGetProp(n, (const xmlChar *)"rel");
    alt = !rel || strcmp((const char *)rel, "alternate") == 0;
    xmlFree(rel);
    if (alt) {
      char *h = href_of(doc, n, "href");
      if (h)
        return h;
    }
    if (!first)
      first = n;
  }
  return first ? href_of(doc, first, "href") : NULL;
}

static void atom_author(const xmlNode *parent, wsp_buf *out)
{
  const xmlNode *a = child(parent, atom_el, "author");
  const xmlNode *nm;
  wsp_buf_reset(out);
  if (!a)
    return;
  nm = child(a, atom_el, "name");
  if (nm)
    text_of(nm, out);
  if (!out->len && (nm = child(a, atom_el, "email")))
    text_of(nm, out);
}

static wsp_rc atom_entry(wsp__feed_ctx *c, xmlDoc *doc, const xmlNode *feed,
                         const xmlNode *entry, fields *f)
{
  static const char *const dates[] = {"published", "issued", "updated",
                                      "modified", "created"};
  const xmlNode *n;
  wsp__feed_item it = {0};
  char *href = NULL;
  wsp_rc rc;
  int html = 0;

  fields_reset(f);
  copy_field(&f->id, child(entry, atom_el, "id"));
  if ((n = child(entry, atom_el, "title"))) {
    atom_text(doc, n, &f->title, &html);
    it.title_html = html;
  }
  href = atom_link(doc, entry);
  set_buf(&f->url, href);
  for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]) && !it.published; i++)
    if ((n = child(entry, atom_el, dates[i])))
      it.published = date_of(n, &f->tmp);
  if (!it.published && (n = child(entry, dc_el, "date")))
    it.published = date_of(n, &f->tmp);
  atom_author(entry, &f->author);
  if (!f->author.len && (n = child(entry, atom_el, "source")))
    atom_author(n, &f->author);
  if (!f->author.len && (n = child(entry, dc_el, "creator")))
    copy_field(&f->author, n);
  if (!f->author.len)
    atom_author(feed, &f->author);
  it.body_html = 0;
  if ((n = child(entry, atom_el, "content")) ||
      (n = child(entry, atom_el, "summary"))) {
    xmlChar *b = xmlNodeGetBase(doc, n);
    set_buf(&f->base, (const char *)b);
    xmlFree(b);
    it.base = str_or_null(&f->base);
  }
  if ((n = child(entry, atom_el, "content"))) {
    xmlChar *src = xmlGetProp(n, (const xmlChar *)"src");
    if (!src) {
      atom_text(doc, n, &f->body, &html);
      it.body_html = html;
    }
    xmlFree(src);
  }
  if ((n = child(entry, atom_el, "summary"))) {
    if (!f->body.len) {
      atom_text(doc, n, &f->body, &html);
      it.body_html = html;
    } else {
      /* both: the summary too, unless the content already holds it */
      wsp_buf_reset(&f->extra);
      atom_text(doc, n, &f->extra, &html);
      if (f->extra.len && !strstr(f->body.data, f->extra.data)) {
        if (it.body_html == WSP__TEXT && html != WSP__TEXT) {
          wsp_buf_reset(&f->tmp); /* HTML summary after text content */
          if (wsp_html_to_text(f->extra.data, f->extra.len, &f->tmp, NULL) ==
              WSP_OK) {
            wsp_buf_reset(&f->extra);
            wsp__buf_append_clip(&f->extra, f->tmp.data ? f->tmp.data : "",
                                 f->tmp.len);
          }
        } else if (it.body_html != WSP__TEXT && html == WSP__TEXT) {
          wsp_buf_reset(&f->tmp); /* plain summary inside HTML content */
          for (size_t i = 0; i < f->extra.len; i++) {
            char ch = f->extra.data[i];
            if (ch == '<')
              wsp__buf_append_clip(&f->tmp, "&lt;", 4);
            else if (ch == '&')
              wsp__buf_append_clip(&f->tmp, "&amp;", 5);
            else
              wsp__buf_append_clip(&f->tmp, &ch, 1);
          }
          wsp_buf_reset(&f->extra);
          wsp__buf_append_clip(&f->extra, f->tmp.data ? f->tmp.data : "",
                               f->tmp.len);
        }
        wsp__buf_append_clip(&f->body, it.body_html ? "<br>" : "\n",
                             it.body_html ? 4 : 1);
        wsp__buf_append_clip(&f->body, f->extra.data, f->extra.len);
      }
    }
  }
  if (!f->body.len && (n = child(entry, content_el, "encoded"))) {
    copy_field(&f->body, n);
    it.body_html = WSP__HTML;
  }
  if (!f->body.len && (n = child(entry, dc_el, "description"))) {
    copy_field(&f->body, n);
    it.body_html = WSP__MAYBE_HTML;
  }
  item_raw(doc, entry, &f->raw);
  {
    xmlChar *lang = xmlNodeGetLang(entry);
    set_buf(&f->tmp, (const char *)lang);
    xmlFree(lang);
  }
  it.id = str_or_null(&f->id);
  it.url = str_or_null(&f->url);
  it.title = str_or_null(&f->title);
  it.author = str_or_null(&f->author);
  it.body = str_or_null(&f->body);
  it.lang = str_or_null(&f->tmp);
  it.raw = f->raw.data;
  it.raw_len = f->raw.len;
  rc = wsp__feed_emit(c, &it);
  wsp_free(href);
  return rc;
}

static wsp_rc parse_atom(wsp__feed_ctx *c, xmlDoc *doc, const xmlNode *root)
{
  fields f;
  wsp_rc rc = WSP_OK;
  const xmlNode *t;

  c->meta->format = WSP_FEED_ATOM;
  fields_init(&f);
  if ((t = child(root, atom_el, "title"))) {
    int html;
    atom_text(doc, t, &f.body, &html);
    rc = set_title(c, t, &f.body, &f.tmp, html);
  }
  for (const xmlNode *n = root->children; n && rc == WSP_OK && !c->stopped;
       n = n->next)
    if (atom_el(n, "entry"))
      rc = atom_entry(c, doc, root, n, &f);
  fields_cleanup(&f);
  return rc;
}

/* ---- entry ------------------------------------------------------------ */

wsp_rc wsp__feed_parse_xml(wsp__feed_ctx *c, const char *utf8, size_t len)
{
  xmlParserCtxt *ctxt = NULL;
  xmlDoc *doc = NULL;
  const xmlNode *root;
  wsp_buf pre;
  wsp_rc rc;

  wsp_buf_init(&pre, WSP_FEED_MAX_BODY * 2u);
  if ((rc = prepare(utf8, len, &pre)) != WSP_OK)
    goto done;
  if (pre.len > (size_t)INT32_MAX) {
    rc = wsp_err_set(c->err, WSP_TOOBIG, "feed: document too large");
    goto done;
  }
  rc = WSP_NOMEM;
  if (!(ctxt = xmlNewParserCtxt()))
    goto done;
  doc = xmlCtxtReadMemory(
      ctxt, pre.data ? pre.data : "", (int)pre.len, c->in->url, "UTF-8",
      XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR |
          XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC | XML_PARSE_NOCDATA |
          XML_PARSE_COMPACT);
  if (!ctxt->wellFormed || !ctxt->nsWellFormed)
    c->meta->ill_formed = 1; /* (may already be set: encoding guessed) */
  root = doc ? xmlDocGetRootElement(doc) : NULL;
  if (!root) {
    rc = wsp_err_set(c->err, WSP_PARSE, "feed: not XML (no root element)");
    goto done;
  }
  if (strcmp((const char *)root->name, "feed") == 0)
    rc = parse_atom(c, doc, root);
  else if (strcmp((const char *)root->name, "rss") == 0 ||
           strcmp((const char *)root->name, "channel") == 0)
    rc = parse_rss(c, doc, root, 0);
  else if (strcmp((const char *)root->name, "RDF") == 0)
    rc = parse_rss(c, doc, root, 1);
  else if (xmlStrcasecmp(root->name, (const xmlChar *)"html") == 0 ||
           strstr(utf8, "application/ld+json")) {
    xmlFreeDoc(doc);
    doc = NULL;
    rc = wsp__feed_parse_jsonld_html(c, utf8, len);
  } else
    rc = wsp_err_set(c->err, WSP_PARSE,
                     "feed: root element <%.64s> is not rss, RDF or feed",
                     (const char *)root->name);
done:
  xmlFreeDoc(doc);
  xmlFreeParserCtxt(ctxt);
  wsp_buf_cleanup(&pre);
  return rc;
}
