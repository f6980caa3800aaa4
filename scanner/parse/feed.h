/* parse/feed.h: turning a fetched feed document into posts (the post
** contract of parse/post.h). Formats: RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 1.0
** and 0.3 (libxml2), JSON Feed 1.0/1.1, Mastodon status arrays (reblogs
** unwrapped), Reddit listings, Bluesky feed/search responses (cJSON), and
** schema.org JobPosting JSON-LD inside HTML pages (libxml2 HTML parser +
** cJSON); JSONL (the post contract itself) too. No hand-written XML or JSON
** parser. Sources: feed.c (entry, sniffing, post assembly), feed_enc.c
** (bytes -> UTF-8), feed_date.c, feed_xml.c, feed_json.c, feed_jsonld.c.
**
** Field mapping (DESIGN.md post contract): id = guid / Atom id / status URI
** / t3_ name / at:// URI / JobPosting identifier, else the link, else
** "h:" + a 64-bit hash of the text (stable across runs); url = the item's
** permalink, resolved against xml:base or wsp_feed_input.url; title,
** author, lang; published = epoch seconds (RFC 822 with named zones incl.
** WIB/WITA/WIT, RFC 3339/W3C-DTF, epoch); text = title, a blank line, then
** the body as plain text: HTML (RSS description, content:encoded, Atom
** html/xhtml, content_html, Mastodon content, JobPosting description) is
** converted by text/html.h keeping link targets (relative ones resolved);
** extra lines follow for what the format hides outside the body (Bluesky
** facet links, link cards and image alt texts; Mastodon cards, media
** descriptions and poll options; JobPosting salary/location/organisation
** as "salary 15000000 IDR per MONTH"). raw = the item as re-serialised by
** the parser (XML element or JSON object), for the evidence hash. An item
** without any text is not emitted (meta->skipped).
**
** Encoding by RFC 3023 precedence: BOM; then bytes that are valid UTF-8 are
** UTF-8 whatever a label claims; else the HTTP charset, the XML declaration
** (HTML: meta charset), windows-1252 as the last guess (meta->ill_formed is
** set when guessing). Characters XML forbids are stripped before parsing;
** every post's strings are valid UTF-8.
**
** Hostile input: documents over WSP_FEED_MAX_BODY are refused; the DOCTYPE
** is removed before libxml2 runs (no DTD, no external entity, no network:
** XML_PARSE_NONET; nested entities never expand), simple internal entities
** and HTML named entities are substituted; broken XML is read in recovery
** mode (meta->ill_formed); depth, items per document (100000), fields
** (1 MiB) and JSON-LD walks are bounded; all tree walks are iterative.
**
** Ownership and threading: posts handed to `emit` belong to the callee. The
** parser keeps no global state after wsp_feed_global_init (call it once
** before threads start); parsing is reentrant and never prints.
** @test tests/unit/test_parse_feed.c, tests/unit/test_parse_feedparser.c */
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
  /* Optional: asked with an item's id (as its post would carry it: the
  ** guid, else the link, else the content hash) before the post is built,
  ** and for a guid or link before the item's text is converted; nonzero:
  ** an old item the caller has seen, skipped and counted in
  ** meta->repeated. A feed poller's changed feed repeats most items. */
  int (*seen)(void *ud, const char *id);
  void *seen_ud;
} wsp_feed_input;

typedef struct wsp_feed_meta {
  wsp_feed_format format; /* what was parsed */
  char *title;            /* feed title, or NULL */
  char *cursor;           /* where to resume next time, NULL if none: Reddit
                             `after` (older page), Mastodon min_id (the
                             Link rel="prev" min_id, else the newest status
                             id: ask for statuses newer than it), Bluesky
                             `cursor` (older page) */
  size_t items;           /* posts emitted */
  size_t skipped;         /* items without usable text, or broken */
  size_t repeated;        /* items the input's seen() knew */
  int ill_formed;         /* XML not well-formed (read in recovery mode;
                             posts may be partial) or the encoding had to be
                             guessed: what feedparser calls "bozo" */
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
