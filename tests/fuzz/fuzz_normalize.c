/* libFuzzer target for text/normalize (and text/html on inputs whose first
** byte is odd): any bytes must normalise without crashing, and the result
** must keep its invariants (terminated, offset map monotonic and in range,
** valid UTF-8 out). @test scanner/text/normalize.c */
#include "core/buf.h"
#include "text/html.h"
#include "text/normalize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int valid_utf8(const unsigned char *s, size_t n)
{
  for (size_t i = 0; i < n;) {
    unsigned c = s[i];
    size_t l = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (c >= 0x80 && c < 0xC2)
      return 0;
    if (c > 0xF4 || i + l > n)
      return 0;
    for (size_t k = 1; k < l; k++)
      if ((s[i + k] & 0xC0) != 0x80)
        return 0;
    i += l;
  }
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static wsp_norm n;
  static int init;
  wsp_buf b;

  if (!init) {
    wsp_norm_init(&n);
    wsp_html_global_init();
    init = 1;
  }
  if (size > 0 && (data[0] & 1)) {
    wsp_buf_init(&b, 1 << 20);
    if (wsp_html_to_text((const char *)data + 1, size - 1, &b, NULL) ==
            WSP_OK &&
        wsp_text_normalize(wsp_buf_str(&b), b.len, &n) != WSP_OK)
      abort();
    wsp_buf_cleanup(&b);
  }
  if (wsp_text_normalize((const char *)data, size, &n) != WSP_OK)
    abort();
  if (n.orig_len != size || n.text[n.len] != '\0' || n.map[n.len] != size)
    abort();
  for (size_t i = 0; i < n.len; i++)
    if (n.map[i] >= size || (i > 0 && n.map[i] < n.map[i - 1]))
      abort();
  if (!valid_utf8((const unsigned char *)n.text, n.len))
    abort();
  for (size_t i = 0; i <= n.len; i++) {
    size_t s = wsp_norm_orig_start(&n, i), e = wsp_norm_orig_end(&n, i);
    if (s > size || e > size)
      abort();
  }
  return 0;
}
