/* tests/fuzz/fuzz_feed_rdf.c: libFuzzer target for the RSS 1.0 (RDF) parser
** (parse/feed_xml.c; wsp_feed_parse with the format fixed to RDF). Input
** layout (the whole input is the document) and post check: feed_fuzz.h.
** Seeds: tests/fuzz/corpus/feed_rdf/: RSS 1.0 and 0.90 documents from
** waspada, newsboat and feedparser, a DOCTYPE declaring an entity (origins
** and licences: README.md there). */
#include "feed_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_feed_one(WSP_FEED_RDF, data, size);
}
