/* tests/fuzz/feed_fuzz.h: shared helper of the feed-parser libFuzzer
** targets (fuzz_feed.c and the per-parser fuzz_feed_<fmt>.c): runs
** wsp_feed_parse (parse/feed.h) on one input and checks every post it
** emits. Static inline, one copy per target; not a library.
**
** Post check (fuzz_feed_check_post): every post must hold non-NULL text of
** exactly the length it claims (no NUL inside), valid UTF-8, and a non-NULL
** source; anything else abort()s so libFuzzer reports the input. The parser
** must besides never crash, leak or read out of bounds (ASan/UBSan).
**
** Variants (fuzz_feed_run): one byte picks how the document is presented,
** as fuzz_feed.c always did: bits 5-6 a Content-Type (none; RSS with an
** ISO-8859-1 charset; text/html; XML with a quoted KOI8-R charset), bit 7 a
** document URL (relative links resolved) or none, bit 4 a seen() callback
** that checks every id it is asked (non-empty valid UTF-8) and knows a
** third of them. A Mastodon Link header is always given.
**
** Input layout of the per-parser targets (fuzz_feed_one): the WHOLE input
** is the document, there is no leading format byte, so the seeds in
** tests/fuzz/corpus/feed_<fmt>/ are plain fixture files. The format is
** fixed by the target. The variant byte is the input's last byte, read but
** left in the document: a mutation of the last byte also tries the other
** Content-Types. (fuzz_feed.c keeps its own layout: byte 0 picks format and
** variant, the rest is the document.) */
#ifndef WSP_FUZZ_FEED_FUZZ_H
#define WSP_FUZZ_FEED_FUZZ_H

#include "parse/feed.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline int fuzz_feed_check_post(void *ud, wsp_post *p)
{
  (void)ud;
  /* (JSONL posts may lack an id; feed posts always have one) */
  if (!p->text || strlen(p->text) != p->text_len ||
      !wsp_utf8_valid(p->text, p->text_len) || !p->source)
    abort();
  wsp_post_free(p);
  return 0;
}

static inline int fuzz_feed_seen(void *ud, const char *id)
{
  size_t n = strlen(id);
  (void)ud;
  if (!n || !wsp_utf8_valid(id, n))
    abort();
  return (n + (unsigned char)id[0]) % 3 == 0;
}

/* Parse doc[0..len) as fmt (WSP_FEED_AUTO: sniff) in the presentation
** chosen by variant (see above). */
static inline void fuzz_feed_run(wsp_feed_format fmt, uint8_t variant,
                                 const uint8_t *doc, size_t len)
{
  static const char *const types[] = {
      NULL, "application/rss+xml; charset=iso-8859-1", "text/html",
      "application/xml; charset=\"koi8-r\""};
  static int init;
  wsp_feed_input in = {0};
  wsp_feed_meta meta;
  wsp_err err;

  if (!init) {
    wsp_feed_global_init();
    init = 1;
  }
  in.format = fmt;
  in.content_type = types[(variant >> 5) & 3];
  in.url = (variant & 0x80) ? "https://example.com/feed/" : NULL;
  in.seen = (variant & 0x10) ? fuzz_feed_seen : NULL;
  in.source = "fuzz";
  in.link_header = "<https://m.example/api?min_id=5>; rel=\"prev\"";
  in.body = (const char *)doc;
  in.len = len;
  wsp_feed_parse(&in, fuzz_feed_check_post, NULL, &meta, &err);
  wsp_feed_meta_cleanup(&meta);
}

/* The per-parser targets' LLVMFuzzerTestOneInput: the whole input is the
** document, parsed as fmt; its last byte picks the variant. */
static inline int fuzz_feed_one(wsp_feed_format fmt, const uint8_t *data,
                                size_t size)
{
  if (size < 1)
    return 0;
  fuzz_feed_run(fmt, data[size - 1], data, size);
  return 0;
}

#endif
