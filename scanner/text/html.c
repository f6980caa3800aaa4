/* text/html.c: HTML -> text with libxml2's HTML parser (see html.h).
** Owns nothing between calls; the parsed document is freed before return. */
#include "text/html.h"

#include "text/text_int.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>
#include <strings.h>

void wsp_html_global_init(void)
{
  xmlInitParser();
}

static int ieq_prefix(const char *s, size_t len, const char *lit)
{
  size_t n = strlen(lit);
  return len >= n && strncasecmp(s, lit, n) == 0;
}

int wsp_html_looks_like(const char *s, size_t len)
{
  static const char *const tags[] = {
      "p>",       "p ",         "br>",    "br/",    "br ",     "div",
      "a ",       "span",       "li>",    "ul>",    "ol>",     "b>",
      "i>",       "em>",        "strong", "img ",   "h1",      "h2",
      "h3",       "table",      "tr>",    "td>",    "html",    "body",
      "!doctype", "blockquote", "pre>",   "script", "style",   "!--",
      "u>",       "hr",         "font",   "center", "section", "article",
      "header",   "footer",     "figure", "iframe", NULL};
  size_t n = len < 4096 ? len : 4096;

  if (!s)
    return 0;
  for (size_t i = 0; i + 1 < n; i++) {
    if (s[i] == '<') {
      const char *p = s + i + 1;
      size_t rest = n - i - 1;
      if (rest && *p == '/') {
        p++;
        rest--;
      }
      for (size_t k = 0; tags[k]; k++)
        if (ieq_prefix(p, rest, tags[k]))
          return 1;
    } else if (s[i] == '&') {
      const char *p = s + i + 1;
      size_t rest = n - i - 1;
      if (ieq_prefix(p, rest, "amp;") || ieq_prefix(p, rest, "lt;") ||
          ieq_prefix(p, rest, "gt;") || ieq_prefix(p, rest, "quot;") ||
          ieq_prefix(p, rest, "nbsp;") || ieq_prefix(p, rest, "#"))
        return 1;
    }
  }
  return 0;
}

static int name_in(const xmlChar *name, const char *const *list)
{
  for (; *list; list++)
    if (xmlStrcasecmp(name, (const xmlChar *)*list) == 0)
      return 1;
  return 0;
}

static const char *const skip_tags[] = {
    "script", "style",  "template", "noscript", "head",
    "title",  "object", "svg",      "math",     NULL};
static const char *const block_tags[] = {
    "p",      "div",        "br",         "li",      "ul",      "ol",
    "tr",     "table",      "h1",         "h2",      "h3",      "h4",
    "h5",     "h6",         "blockquote", "pre",     "section", "article",
    "header", "footer",     "hr",         "dd",      "dt",      "dl",
    "figure", "figcaption", "address",    "main",    "nav",     "aside",
    "form",   "fieldset",   "details",    "summary", "body",    "html",
    "center", "td",         "th",         NULL};

struct walk {
  wsp_buf *out;
  wsp_rc rc;
};

static void put(struct walk *w, const char *s, size_t n)
{
  if (w->rc == WSP_OK && n)
    w->rc = wsp_buf_append(w->out, s, n);
}

static void newline(struct walk *w)
{
  if (w->out->len > 0 && w->out->data[w->out->len - 1] != '\n')
    put(w, "\n", 1);
}

#define LINK_DEPTH 16

/* Text that cannot hold markup: no '<' or '&', and only characters that
** libxml2 keeps as they are (valid UTF-8, XML characters, no CR: the
** parser would turn CR LF into LF). Most feed items are such plain text;
** parsing them as HTML would only hand the same bytes back. */
static int is_plain_text(const char *s, size_t len)
{
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0; i < len;) {
    int32_t cp;
    size_t n = wsp__utf8_decode(u + i, len - i, &cp);
    if (cp < 0 || cp == '<' || cp == '&' || cp == '\r' ||
        (cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0xFFFE || cp == 0xFFFF)
      return 0;
    i += n;
  }
  return 1;
}

/* What the parser returns for plain text: the text without leading white
** space, trailing spaces and line breaks (unit.test_text_html compares). */
static wsp_rc plain_to_text(const char *s, size_t len, wsp_buf *out,
                            wsp_err *err)
{
  wsp_rc rc;
  while (len > 0 && (*s == ' ' || *s == '\t' || *s == '\n')) {
    s++;
    len--;
  }
  while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\n'))
    len--;
  if ((rc = wsp_buf_append(out, s, len)) != WSP_OK)
    return wsp_err_set(err, rc, "converting HTML: %s", wsp_strerror(rc));
  return WSP_OK;
}

wsp_rc wsp__html_parse_to_text(const char *html, size_t len, wsp_buf *out,
                               wsp_err *err)
{
  htmlDocPtr doc = NULL;
  xmlNodePtr cur;
  struct walk w = {out, WSP_OK};
  size_t link_start[LINK_DEPTH];
  int links = 0;

  wsp_buf_reset(out);
  if (!html || len == 0)
    return WSP_OK;
  if (len > WSP_HTML_MAX_INPUT)
    return wsp_err_set(err, WSP_TOOBIG, "HTML input of %zu bytes exceeds %u",
                       len, WSP_HTML_MAX_INPUT);
  wsp_html_global_init();
  doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
                       HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                           HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
  if (!doc)
    return wsp_err_set(err, WSP_PARSE, "libxml2 could not parse the HTML");
  cur = doc->children;
  while (cur && w.rc == WSP_OK) {
    int descend = 1;

    switch (cur->type) {
    case XML_ELEMENT_NODE:
      if (name_in(cur->name, skip_tags)) {
        descend = 0;
        break;
      }
      if (name_in(cur->name, block_tags))
        newline(&w);
      if (xmlStrcasecmp(cur->name, (const xmlChar *)"img") == 0) {
        xmlChar *alt = xmlGetProp(cur, (const xmlChar *)"alt");
        if (alt && *alt) {
          put(&w, " ", 1);
          put(&w, (const char *)alt, strlen((const char *)alt));
          put(&w, " ", 1);
        }
        xmlFree(alt);
      }
      if (xmlStrcasecmp(cur->name, (const xmlChar *)"a") == 0) {
        if (links < LINK_DEPTH)
          link_start[links] = out->len;
        links++;
      }
      break;
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
      if (cur->content)
        put(&w, (const char *)cur->content, strlen((const char *)cur->content));
      descend = 0;
      break;
    default:
      descend = 0; /* comments, PIs, DTD */
      break;
    }
    if (descend && cur->children) {
      cur = cur->children;
      continue;
    }
    /* leave cur (and finished ancestors) */
    while (cur) {
      if (cur->type == XML_ELEMENT_NODE && descend) {
        if (xmlStrcasecmp(cur->name, (const xmlChar *)"a") == 0 && links > 0) {
          links--;
          xmlChar *href = xmlGetProp(cur, (const xmlChar *)"href");
          if (href && *href && href[0] != '#' &&
              xmlStrncasecmp(href, (const xmlChar *)"javascript:", 11) != 0 &&
              xmlStrncasecmp(href, (const xmlChar *)"mailto:", 7) != 0) {
            const char *h = (const char *)href;
            size_t from = links < LINK_DEPTH ? link_start[links] : out->len;
            size_t hl = strlen(h);
            const char *bare = strstr(h, "://");
            bare = bare ? bare + 3 : h;
            /* skip when the visible link text already shows the target */
            int shown = 0;
            if (out->data && out->len >= from) {
              size_t bl = strlen(bare);
              if (bl > 0 && out->len - from >= bl) {
                for (size_t i = from; i + bl <= out->len && !shown; i++)
                  shown = strncasecmp(out->data + i, bare, bl) == 0;
              }
            }
            if (!shown) {
              put(&w, " ", 1);
              put(&w, h, hl);
              put(&w, " ", 1);
            }
          } else if (href &&
                     xmlStrncasecmp(href, (const xmlChar *)"mailto:", 7) == 0) {
            put(&w, " ", 1);
            put(&w, (const char *)href + 7, strlen((const char *)href + 7));
            put(&w, " ", 1);
          }
          xmlFree(href);
        }
        if (name_in(cur->name, block_tags))
          newline(&w);
      }
      descend = 1; /* ancestors were descended into */
      if (cur->next) {
        cur = cur->next;
        break;
      }
      cur = cur->parent;
      if (cur == (xmlNodePtr)doc || (cur && cur->type == XML_DOCUMENT_NODE) ||
          (cur && cur->type == XML_HTML_DOCUMENT_NODE))
        cur = NULL;
    }
  }
  xmlFreeDoc(doc);
  /* the parser wraps fragments in <html><body><p>: drop the trailing breaks */
  while (w.rc == WSP_OK && out->len > 0 &&
         (out->data[out->len - 1] == '\n' || out->data[out->len - 1] == ' '))
    out->data[--out->len] = '\0';
  if (w.rc != WSP_OK)
    return wsp_err_set(err, w.rc, "converting HTML: %s", wsp_strerror(w.rc));
  return WSP_OK;
}

wsp_rc wsp_html_to_text(const char *html, size_t len, wsp_buf *out,
                        wsp_err *err)
{
  if (html && len > 0 && len <= WSP_HTML_MAX_INPUT &&
      is_plain_text(html, len)) {
    wsp_buf_reset(out);
    return plain_to_text(html, len, out, err);
  }
  return wsp__html_parse_to_text(html, len, out, err);
}
