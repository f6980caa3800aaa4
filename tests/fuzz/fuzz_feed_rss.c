/* tests/fuzz/fuzz_feed_rss.c: libFuzzer target for the RSS 0.9x/2.0 parser
** (parse/feed_xml.c; wsp_feed_parse with the format fixed to RSS, the XML
** root still decides between RSS, RDF and Atom). Input layout (the whole
** input is the document) and post check: feed_fuzz.h. Seeds:
** tests/fuzz/corpus/feed_rss/: RSS 0.91/0.92/0.94/2.0 from waspada,
** newsboat, miniflux and feedparser, Latin-1 and KOI8-R bytes, an
** incomplete CDATA (origins and licences: README.md there). */
#include "feed_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_feed_one(WSP_FEED_RSS, data, size);
}
