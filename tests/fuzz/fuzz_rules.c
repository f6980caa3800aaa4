/* fuzz_rules: the rule-pack loader (YAML -> validation -> conditions ->
** PCRE2 compile of patterns) on arbitrary bytes. Compilation to Hyperscan is
** not fuzzed here (it forks and is slow); the loader must never crash, leak
** or hang on hostile input. Rules that load are also run through the
** regex-literal expander. */
#include "match/match_int.h"
#include "match/rules.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  wsp_rules *r = NULL;
  if (wsp_rules_new(&r) != WSP_OK)
    return 0;
  if (wsp_rules_add_buffer(r, "fuzz.yaml", (const char *)data, size, NULL,
                           NULL) == WSP_OK) {
    wsp_litstr out[256];
    wsp_arena a = {0};
    for (size_t i = 0; i < wsp_rules_pattern_count(r); i++)
      (void)wsp__regex_literals(wsp_rules_pattern(r, i)->expression, &a, out,
                                256);
    wsp__arena_cleanup(&a);
  }
  wsp_rules_free(r);
  return 0;
}
