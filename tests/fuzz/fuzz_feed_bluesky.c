/* tests/fuzz/fuzz_feed_bluesky.c: libFuzzer target for the Bluesky
** feed/search response parser (parse/feed_json.c; wsp_feed_parse with the
** format fixed to Bluesky). Input layout (the whole input is the document)
** and post check: feed_fuzz.h. Seeds: tests/fuzz/corpus/feed_bluesky/:
** waspada's searchPosts and getFeed responses, the atproto getAuthorFeed
** and getTimeline feed[] arrays (origins and licences: README.md there). */
#include "feed_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_feed_one(WSP_FEED_BLUESKY, data, size);
}
