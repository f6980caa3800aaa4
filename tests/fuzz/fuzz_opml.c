/* tests/fuzz/fuzz_opml.c: libFuzzer target for the OPML feed-list parser
** (fetch/feedlist.h): hostile lists must be rejected or parsed, never crash,
** leak or read out of bounds (ASan/UBSan). Every feed of a parsed list must
** have a name and a URL. Seeds: tests/fuzz/corpus/opml/. */
#include "fetch/feedlist.h"
#include "parse/feed.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static int init;
  wsp_feedlist *l = NULL;
  wsp_err err;

  if (!init) {
    wsp_feed_global_init(); /* libxml2 */
    init = 1;
  }
  if (wsp_feedlist_parse("fuzz.opml", "/tmp", (const char *)data, size, &l,
                         &err) == WSP_OK) {
    if (!l)
      abort();
    for (size_t i = 0; i < wsp_feedlist_count(l); i++) {
      const wsp_feed *f = wsp_feedlist_get(l, i);
      if (!f || !f->name || !f->url || !f->kind)
        abort();
    }
  }
  wsp_feedlist_free(l);
  return 0;
}
