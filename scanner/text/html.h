/* text/html.h: HTML -> plain text for post bodies (RSS descriptions,
** Mastodon content, JSON-LD descriptions), with libxml2's HTML parser in
** recovery mode (never fails on broken markup).
**
** Output: the text content only; block elements (p, div, br, li, tr, h1-h6,
** ...) become line breaks; character references decoded; script, style,
** template, noscript, head and comments dropped; the href of every link is
** kept as extra text (" <URL> ", scam contacts hide in hrefs: wa.me, t.me)
** unless the link text already shows it; img alt text kept. Whitespace is
** not collapsed here (the normaliser does that).
**
** Bounds: input is limited to WSP_HTML_MAX_INPUT bytes and the output to the
** ceiling of the caller's wsp_buf (WSP_TOOBIG past it); the tree walk is
** iterative, so deep nesting cannot exhaust the stack.
**
** Plain text (no markup characters) is returned trimmed without parsing.
**
** Threading: reentrant. libxml2 needs one global initialisation before
** threads start: call wsp_html_global_init() from main (it is also called
** lazily, which is safe in a single-threaded program). */
#ifndef WSP_TEXT_HTML_H
#define WSP_TEXT_HTML_H

#include "core/buf.h"
#include "core/error.h"

#include <stddef.h>

#define WSP_HTML_MAX_INPUT (16u << 20)

/* Initialise libxml2 (idempotent); call once before starting threads. */
void wsp_html_global_init(void);

/* Cheap test: nonzero if s looks like HTML (a known tag such as <p>, <br>,
** <a href=, <div>, </...> or a character reference like &amp; / &#39;
** within the first 4 KiB). Plain text with a stray "<" is not HTML. */
int wsp_html_looks_like(const char *s, size_t len);

/* Convert html[0..len) (any encoding-less bytes; treated as UTF-8) into
** text, replacing the contents of out (bounded by out's ceiling). Returns
** WSP_OK, WSP_TOOBIG (input or output too large), WSP_NOMEM, or WSP_PARSE
** if libxml2 produced no document at all (err says why). */
wsp_rc wsp_html_to_text(const char *html, size_t len, wsp_buf *out,
                        wsp_err *err);

#endif
