/* parse/feed_int.h: what the feed parser's own files share (private to
** scanner/parse/). feed.c owns the dispatcher, sniffing and the one place
** where a post is assembled from an item's fields (wsp__feed_emit: id
** fallback, HTML -> text, UTF-8 repair, bounds); feed_enc.c turns a document
** into clean UTF-8; feed_date.c parses dates; feed_xml.c (RSS/RDF/Atom),
** feed_json.c (JSON Feed, Mastodon, Reddit, Bluesky) and feed_jsonld.c
** (JobPosting JSON-LD in HTML) walk their trees and call wsp__feed_emit.
**
** Threading: everything here is reentrant; a wsp__feed_ctx belongs to the
** thread running wsp_feed_parse. */
#ifndef WSP_PARSE_FEED_INT_H
#define WSP_PARSE_FEED_INT_H

#include "core/buf.h"
#include "parse/feed.h"

#include <stdint.h>

/* Ceiling on one field collected from a document (title, content, ...);
** longer fields are cut at a UTF-8 boundary. */
#define WSP__FEED_MAX_FIELD (WSP_POST_MAX_TEXT)
/* Ceiling on the evidence bytes kept per item (post->raw). */
#define WSP__FEED_MAX_RAW (1u << 20)
/* Ceiling on items per document. */
#define WSP__FEED_MAX_ITEMS 100000

typedef struct wsp__feed_ctx {
  const wsp_feed_input *in;
  int (*emit)(void *ud, wsp_post *post);
  void *ud;
  wsp_feed_meta *meta;
  wsp_err *err;
  int stopped; /* emit asked to stop */
} wsp__feed_ctx;

/* The fields of one item, all borrowed (NUL-terminated or NULL). */
typedef struct wsp__feed_item {
  const char *id;     /* guid/id/uri; NULL: url, else a content hash */
  const char *url;    /* permalink */
  const char *title;  /* plain text unless title_html */
  const char *author; /* display name / handle */
  const char *lang;
  const char *body;  /* content; HTML if body_html */
  const char *extra; /* plain text appended after body (links, salary) */
  const char *raw;   /* evidence bytes; NULL: none */
  size_t raw_len;
  const char *base;  /* base URL for relative links inside HTML, or NULL */
  int64_t published; /* epoch seconds, 0 unknown */
  int title_html, body_html; /* WSP__TEXT, WSP__HTML or WSP__MAYBE_HTML */
} wsp__feed_item;

/* How to read a field: plain text, HTML, or HTML if it looks like it. */
enum { WSP__TEXT = 0, WSP__HTML = 1, WSP__MAYBE_HTML = 2 };

/* Build a post from it and hand it to ctx->emit. An item without any text
** is counted in meta->skipped. Returns WSP_OK (also when emit asked to stop:
** ctx->stopped is set), WSP_NOMEM. */
wsp_rc wsp__feed_emit(wsp__feed_ctx *c, const wsp__feed_item *it);

/* Append s[0..n) to b, cutting it at a UTF-8 boundary if b's ceiling would be
** passed (never fails on size; returns WSP_NOMEM only). */
wsp_rc wsp__buf_append_clip(wsp_buf *b, const char *s, size_t n);

/* Set *dst to a copy of s (wsp_free the old one); WSP_NOMEM. */
wsp_rc wsp__feed_set_str(char **dst, const char *s);

/* HTML -> text into out (replacing its contents), with href/src values
** resolved against base (may be NULL) first. WSP_NOMEM. */
wsp_rc wsp__feed_html_text(const char *html, const char *base, wsp_buf *out);

/* Resolve ref against base (either may be NULL); a new string (wsp_free) or
** NULL on NOMEM. An absolute ref or no base gives a copy of ref. */
char *wsp__feed_resolve_url(const char *base, const char *ref);

/* ---- encoding (feed_enc.c) ---- */

/* Kind of document whose declared encoding is looked for. */
typedef enum { WSP__DOC_XML, WSP__DOC_HTML, WSP__DOC_JSON } wsp__doc_kind;

/* Convert body[0..len) to UTF-8 in out (replacing its contents), by RFC 3023
** precedence: byte-order mark, then (for bytes that are not already valid
** UTF-8) the HTTP charset of content_type, then the XML declaration (HTML:
** meta charset), then windows-1252. Characters XML forbids (C0 controls other
** than tab/CR/LF, U+FFFE/U+FFFF) are removed and invalid sequences replaced
** by U+FFFD, so out is always valid UTF-8. encoding (at least 32 bytes)
** receives the name used; *guessed is set when the bytes were not valid
** UTF-8 and no usable label said what they are (windows-1252 was assumed).
** WSP_NOMEM, WSP_TOOBIG. */
wsp_rc wsp__feed_to_utf8(const char *body, size_t len, const char *content_type,
                         wsp__doc_kind kind, wsp_buf *out, char *encoding,
                         size_t encoding_size, int *guessed);

/* Copy s[0..n) into out, replacing invalid UTF-8 with U+FFFD and dropping
** NUL and other C0 controls except tab, CR and LF. */
wsp_rc wsp__utf8_clean(const char *s, size_t n, wsp_buf *out);

/* ---- formats ---- */
wsp_rc wsp__feed_parse_xml(wsp__feed_ctx *c, const char *utf8, size_t len);
wsp_rc wsp__feed_parse_json(wsp__feed_ctx *c, const char *utf8, size_t len,
                            wsp_feed_format format);
wsp_rc wsp__feed_parse_jsonld_html(wsp__feed_ctx *c, const char *utf8,
                                   size_t len);

/* Emit every schema.org JobPosting found in a parsed JSON-LD value (a
** cJSON *: object, array or @graph, nested at most a few levels). */
wsp_rc wsp__feed_jsonld_walk(wsp__feed_ctx *c, const void *cjson);

/* Sniff a JSON document already parsed (a cJSON *): the format, or
** WSP_FEED_AUTO if none fits. */
wsp_feed_format wsp__feed_sniff_json(const void *cjson_root);

#endif
