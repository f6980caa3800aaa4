/* tests/fuzz/fuzz_feed.c: libFuzzer target for the feed parsers
** (parse/feed.h): every format, XML and JSON paths, encodings.
**
** Input layout: byte 0 picks the format (mod WSP_FEED__COUNT; 0 is auto
** sniffing) and, in its high bits, a Content-Type with or without a charset;
** the rest is the document. Every emitted post must hold valid UTF-8 text
** of the length it claims; the parser must never crash, leak or read out of
** bounds (ASan/UBSan). Seeds: tests/fuzz/corpus/feed/. */
#include "parse/feed.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int check_post(void *ud, wsp_post *p)
{
  (void)ud;
  /* (JSONL posts may lack an id; feed posts always have one) */
  if (!p->text || strlen(p->text) != p->text_len ||
      !wsp_utf8_valid(p->text, p->text_len) || !p->source)
    abort();
  wsp_post_free(p);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
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
  if (size < 1)
    return 0;
  in.format = (wsp_feed_format)(data[0] % WSP_FEED__COUNT);
  in.content_type = types[(data[0] >> 5) & 3];
  in.url = (data[0] & 0x80) ? "https://example.com/feed/" : NULL;
  in.source = "fuzz";
  in.link_header = "<https://m.example/api?min_id=5>; rel=\"prev\"";
  in.body = (const char *)data + 1;
  in.len = size - 1;
  wsp_feed_parse(&in, check_post, NULL, &meta, &err);
  wsp_feed_meta_cleanup(&meta);
  return 0;
}
