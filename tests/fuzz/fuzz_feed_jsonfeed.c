/* tests/fuzz/fuzz_feed_jsonfeed.c: libFuzzer target for the JSON Feed
** 1.0/1.1 parser (parse/feed_json.c; wsp_feed_parse with the format fixed
** to JSON Feed). Input layout (the whole input is the document) and post
** check: feed_fuzz.h. Seeds: tests/fuzz/corpus/feed_jsonfeed/: the JSON
** Feed spec examples (minimal, podcast, microblog), waspada's and
** feedparser's feeds (origins and licences: README.md there). */
#include "feed_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_feed_one(WSP_FEED_JSONFEED, data, size);
}
