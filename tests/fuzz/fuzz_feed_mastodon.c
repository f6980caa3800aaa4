/* tests/fuzz/fuzz_feed_mastodon.c: libFuzzer target for the Mastodon status
** parser (parse/feed_json.c; wsp_feed_parse with the format fixed to
** Mastodon). Input layout (the whole input is the document) and post check:
** feed_fuzz.h. Seeds: tests/fuzz/corpus/feed_mastodon/: waspada's timeline
** (a reblog, card, media description) and the Mastodon docs' Status
** examples, an array and single statuses (origins and licences: README.md
** there). */
#include "feed_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_feed_one(WSP_FEED_MASTODON, data, size);
}
