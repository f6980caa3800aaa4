/* libFuzzer target for text/entities: normalise arbitrary bytes, extract
** entities with the bundled gazetteer, and check every span lies inside the
** original and every value is a terminated string. @test
** scanner/text/entities.c */
#include "text/entities.h"
#include "text/normalize.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static wsp_gazetteer *load_gazetteer(void)
{
  /* rules/gazetteer.tsv relative to this source file, or WSP_SOURCE_DIR */
  char path[4096];
  const char *src = getenv("WSP_SOURCE_DIR");
  wsp_gazetteer *g = NULL;

  if (src)
    snprintf(path, sizeof(path), "%s/rules/gazetteer.tsv", src);
  else {
    const char *slash = strrchr(__FILE__, '/');
    int dl = slash ? (int)(slash - __FILE__) : 1;
    snprintf(path, sizeof(path), "%.*s/../../rules/gazetteer.tsv", dl,
             slash ? __FILE__ : ".");
  }
  wsp_gazetteer_load(path, &g, NULL);
  return g;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static wsp_norm n;
  static wsp_entities e;
  static wsp_gazetteer *g;
  static int init;

  if (!init) {
    wsp_norm_init(&n);
    wsp_entities_init(&e);
    g = load_gazetteer();
    init = 1;
  }
  if (wsp_text_normalize((const char *)data, size, &n) != WSP_OK)
    return 0;
  if (wsp_entities_extract((const char *)data, size, &n, g, &e) != WSP_OK)
    abort();
  for (size_t i = 0; i < e.count; i++) {
    const wsp_entity *x = &e.items[i];
    if (x->start > x->end || x->end > size || !x->value ||
        !wsp_entity_kind_name(x->kind) || strlen(x->value) > 4096)
      abort();
  }
  return 0;
}
