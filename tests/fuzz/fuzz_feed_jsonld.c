/* tests/fuzz/fuzz_feed_jsonld.c: libFuzzer target for the schema.org
** JobPosting JSON-LD parser (parse/feed_jsonld.c: HTML pages through the
** libxml2 HTML parser, then cJSON; wsp_feed_parse with the format fixed to
** JSON-LD). Input layout (the whole input is the document) and post check:
** feed_fuzz.h. Seeds: tests/fuzz/corpus/feed_jsonld/: waspada's job page
** (@graph, salary, location) and the schema.org JobPosting examples, one
** in Microdata only (origins and licences: README.md there). */
#include "feed_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_feed_one(WSP_FEED_JSONLD, data, size);
}
