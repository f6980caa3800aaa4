/* tests/fuzz/fuzz_feed.c: libFuzzer target for the feed parsers
** (parse/feed.h): every format, XML and JSON paths, encodings.
**
** Input layout: byte 0 picks the format (mod WSP_FEED__COUNT; 0 is auto
** sniffing) and, in its high bits, a Content-Type with or without a charset
** and a document URL (feed_fuzz.h); the rest is the document. Every emitted
** post must hold valid UTF-8 text of the length it claims; the parser must
** never crash, leak or read out of bounds (ASan/UBSan). One target per
** parser, whole input as document: fuzz_feed_<fmt>.c. Seeds:
** tests/fuzz/corpus/feed/. */
#include "feed_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  fuzz_feed_run((wsp_feed_format)(data[0] % WSP_FEED__COUNT), data[0], data + 1,
                size - 1);
  return 0;
}
