/* tests/fuzz/fuzz_feed_atom.c: libFuzzer target for the Atom 1.0 and 0.3
** parser (parse/feed_xml.c; wsp_feed_parse with the format fixed to Atom).
** Input layout (the whole input is the document) and post check:
** feed_fuzz.h. Seeds: tests/fuzz/corpus/feed_atom/: Atom from waspada,
** newsboat, miniflux and feedparser with xml:base, xhtml, escaped and base64
** content, feed and entry authors (origins and licences: README.md
** there). */
#include "feed_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_feed_one(WSP_FEED_ATOM, data, size);
}
