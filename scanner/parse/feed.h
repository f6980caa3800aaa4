/* parse/feed.h: turning a fetched feed document into posts (the post
** contract of parse/post.h). Formats: RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 1.0
** and 0.3 (libxml2), JSON Feed 1.0/1.1, Mastodon status arrays (reblogs
** unwrapped), Reddit listings, Bluesky feed/search responses (cJSON), and
** schema.org JobPosting JSON-LD inside HTML pages (libxml2 HTML parser +
** cJSON). No hand-written XML or JSON parser.
**
** Field mapping (DESIGN.md post contract): id = guid/id/uri (else link,
** else a hash of the content), url = link, title, author, published (epoch
** seconds from RFC 822/RFC 3339 dates), text = title + description/content
** converted from HTML to text (text/html.h), with href targets kept.
** Encoding (XML) by RFC 3023 precedence: BOM, HTTP charset, XML declaration;
** invalid control characters are stripped before parsing. Every post's text
** is valid UTF-8.
**
** Ownership and threading: posts handed to `emit` belong to the callee. The
** parser keeps no global state after wsp_feed_global_init (call it once
** before threads start); parsing is reentrant. */
#ifndef WSP_PARSE_FEED_H
#define WSP_PARSE_FEED_H

#include "core/error.h"
#include "parse/post.h"

#include <stddef.h>
#include <stdint.h>

#define WSP_FEED_FORMATS(X)                                                    \
  X(AUTO, "auto")                                                              \
  X(RSS, "rss")                                                                \
  X(RDF, "rdf")                                                                \
  X(ATOM, "atom")                                                              \
  X(JSONFEED, "jsonfeed")                                                      \
  X(MASTODON, "mastodon")                                                      \
  X(REDDIT, "reddit")                                                          \
  X(BLUESKY, "bluesky")                                                        \
  X(JSONLD, "jsonld")                                                          \
  X(JSONL, "jsonl")

typedef enum {
#define WSP_X(name, str) WSP_FEED_##name,
  WSP_FEED_FORMATS(WSP_X)
#undef WSP_X
      WSP_FEED__COUNT
} wsp_feed_format;

/* "rss", ...; NULL when out of range. Lookup returns -1 if unknown. */
const char *wsp_feed_format_name(wsp_feed_format f);
int wsp_feed_format_lookup(const char *name);

/* Largest document accepted. */
#define WSP_FEED_MAX_BODY (32u << 20)

typedef struct wsp_feed_input {
  const char *body; /* the document (need not be NUL-terminated) */
  size_t len;
  const char *content_type; /* HTTP Content-Type (with charset), or NULL */
  const char *url;          /* document URL, for relative links; or NULL */
  const char *source;       /* source name given to every post */
  const char *link_header;  /* HTTP Link header (Mastodon paging), or NULL */
  wsp_feed_format format;   /* WSP_FEED_AUTO: sniff from content */
} wsp_feed_input;

typedef struct wsp_feed_meta {
  wsp_feed_format format; /* what was parsed */
  char *title;            /* feed title, or NULL */
  char *cursor;           /* where to resume next time: Reddit `after`, Mastodon
                             newest id (min_id), Bluesky cursor; NULL if none */
  size_t items;           /* posts emitted */
  size_t skipped;         /* items without usable text, or broken */
  int ill_formed;         /* XML not well-formed: read in recovery mode (what
                             feedparser calls "bozo"); posts may be partial */
  char encoding[32];      /* encoding the bytes were decoded from ("UTF-8",
                             "WINDOWS-1252", "UTF-16LE", ...) */
} wsp_feed_meta;

/* Once per process, before threads (libxml2 initialisation). */
void wsp_feed_global_init(void);

/* Parse in; for each item call emit(ud, post) (post handed over; a nonzero
** return stops parsing). meta is overwritten (it must not hold strings from
** an earlier call: clean it up first) and filled; free with
** wsp_feed_meta_cleanup, also after an error.
** Errors: WSP_PARSE (not a feed in any supported format, or broken beyond
** recovery; details in err), WSP_TOOBIG, WSP_ENCODING, WSP_NOMEM. A
** recoverable problem in a single item only counts it in meta->skipped. */
wsp_rc wsp_feed_parse(const wsp_feed_input *in,
                      int (*emit)(void *ud, wsp_post *post), void *ud,
                      wsp_feed_meta *meta, wsp_err *err);

void wsp_feed_meta_cleanup(wsp_feed_meta *meta);

/* Parse a feed date from s[0..len): RFC 822/1123/2822 ("Sun, 23 Nov 2026
** 12:00:00 +0700", named zones GMT/UT/EST.../WIB/WITA/WIT, two-digit years,
** optional weekday and seconds), RFC 3339 / W3C-DTF including reduced
** precision ("2026", "2026-11", "2026-11-23T12:00+07:00"), or epoch seconds
** (9-13 digits; 13 digits are milliseconds). WSP_PARSE if none fits.
** Thread-safe. @test tests/unit/test_parse_date.c */
wsp_rc wsp_feed_date_parse(const char *s, size_t len, int64_t *epoch_s);

/* Sniff the format of a document from its first bytes and Content-Type
** (WSP_FEED_AUTO if unknown): JSON shape keys, XML root element name, HTML.
** Cheap guess only; wsp_feed_parse with WSP_FEED_AUTO decides for real. */
wsp_feed_format wsp_feed_sniff(const char *body, size_t len,
                               const char *content_type);

#endif
