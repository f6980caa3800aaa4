/* tests/fuzz/fuzz_feed_reddit.c: libFuzzer target for the Reddit listing
** parser (parse/feed_json.c; wsp_feed_parse with the format fixed to
** Reddit). Input layout (the whole input is the document) and post check:
** feed_fuzz.h. Seeds: tests/fuzz/corpus/feed_reddit/: waspada's listing,
** real /r/all/search pages and an empty listing from the praw cassettes
** (origins and licences: README.md there). */
#include "feed_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_feed_one(WSP_FEED_REDDIT, data, size);
}
