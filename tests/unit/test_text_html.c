/* Unit tests for text/html: text only, block elements -> line breaks,
** entities decoded, script/style dropped, hrefs kept, broken markup
** recovered, bounds. @test scanner/text/html.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "text/html.h"
#include "text/text_int.h"

#include <stdlib.h>
#include <string.h>

static void converts(const char *html, const char *want)
{
  wsp_buf b;
  wsp_err err;

  wsp_buf_init(&b, 1 << 20);
  assert_int_equal(wsp_html_to_text(html, strlen(html), &b, &err), WSP_OK);
  if (strcmp(wsp_buf_str(&b), want) != 0)
    fail_msg("html '%s': got \"%s\", want \"%s\"", html, wsp_buf_str(&b), want);
  wsp_buf_cleanup(&b);
}

static void text_blocks_entities(void **state)
{
  (void)state;
  converts("<p>Loker</p><p>Gaji &amp; bonus&nbsp;besar</p>",
           "Loker\nGaji & bonus\xC2\xA0"
           "besar");
  converts("satu<br>dua<br/>tiga", "satu\ndua\ntiga");
  converts("<ul><li>KTP</li><li>Paspor</li></ul>", "KTP\nPaspor");
  converts("<b>tebal</b> <i>miring</i>", "tebal miring");
  converts("&#76;&#x4F;KER &lt;3", "LOKER <3");
}

static void drops_script_style_comments(void **state)
{
  (void)state;
  converts("<script>var wa='0812';</script>halo<style>p{}</style>"
           "<!-- 0812 3456 -->!",
           "halo!");
  converts("<html><head><title>judul</title></head><body>isi</body></html>",
           "isi");
}

static void keeps_link_targets(void **state)
{
  (void)state;
  converts("<a href=\"https://wa.me/6281234567890\">hubungi kami</a>",
           "hubungi kami https://wa.me/6281234567890");
  /* link text already shows the target: not repeated */
  converts("<a href=\"https://t.me/loker\">t.me/loker</a>", "t.me/loker");
  converts("<a href=\"#top\">atas</a> <a href=\"javascript:x()\">x</a>",
           "atas x");
  converts("<a href=\"mailto:hrd@gmail.com\">email</a>", "email hrd@gmail.com");
  converts("<img src=x.png alt=\"Loker Kamboja\">", " Loker Kamboja");
}

static void broken_markup_recovers(void **state)
{
  (void)state;
  converts("<p>tidak ditutup <b>tebal", "tidak ditutup tebal");
  converts("</div></p>teks<<>>", "teks<<>>");
  converts("", "");
}

static void deep_nesting_and_limits(void **state)
{
  size_t depth = 20000, len = 0;
  char *html = malloc(depth * 5 + 16);
  wsp_buf b;
  wsp_err err;
  (void)state;
  assert_non_null(html);
  for (size_t i = 0; i < depth; i++) {
    memcpy(html + len, "<div>", 5);
    len += 5;
  }
  memcpy(html + len, "dalam", 5);
  len += 5;
  wsp_buf_init(&b, 1 << 20);
  assert_int_equal(wsp_html_to_text(html, len, &b, &err), WSP_OK);
  /* libxml2 caps the depth; whatever it keeps, no crash and bounded */
  assert_true(b.len < (1u << 20));
  wsp_buf_cleanup(&b);
  /* output ceiling */
  wsp_buf_init(&b, 4);
  assert_int_equal(wsp_html_to_text("<p>panjang sekali</p>", 21, &b, &err),
                   WSP_TOOBIG);
  wsp_buf_cleanup(&b);
  free(html);
}

static void looks_like_html(void **state)
{
  (void)state;
  assert_true(wsp_html_looks_like("<p>hai</p>", 10));
  assert_true(wsp_html_looks_like("halo<br>dunia", 13));
  assert_true(wsp_html_looks_like("a &amp; b", 9));
  assert_true(wsp_html_looks_like("<a href=\"x\">", 12));
  assert_false(wsp_html_looks_like("gaji < 5 jt & bonus", 19));
  assert_false(wsp_html_looks_like("plain text", 10));
  assert_false(wsp_html_looks_like(NULL, 0));
}

/* Plain text skips the parser: the result must be what the parser gives.
** Random strings over spaces, tabs, newlines, ASCII, multi-byte letters,
** emoji and punctuation (and, to exercise the way back to the parser,
** sometimes '<', '&', CR, control bytes and broken UTF-8). */
static void plain_text_shortcut_equals_parser(void **state)
{
  static const char *const atoms[] = {
      " ", "  ", "\t", "\n", "\n\n", "loker", "Gaji", "15", "jt", ",", ".", "!",
      "?", "\"", "'", "/", "-", "WA", "08123", "\xC3\xA9", "\xE2\x80\x94",
      "\xF0\x9F\x92\xB0", "\xC2\xA0", "\xEF\xBC\xA1", ">", "]]", "#", "=", ";",
      /* rare: these send it to the parser */
      "<", "&", "\r", "\x01", "\xC3", "\xEF\xBF\xBE"};
  size_t n_atoms = sizeof(atoms) / sizeof(atoms[0]);
  char s[512];
  wsp_buf fast, slow;
  wsp_err err;
  unsigned seed = 12345;
  int plain = 0;
  (void)state;

  wsp_buf_init(&fast, 1 << 20);
  wsp_buf_init(&slow, 1 << 20);
  for (int t = 0; t < 5000; t++) {
    size_t len = 0;
    int words = 1 + (int)(seed % 40);
    for (int w = 0; w < words; w++) {
      seed = seed * 1103515245u + 12345u;
      size_t k = (seed >> 16) % n_atoms;
      if (k >= n_atoms - 6 && (seed >> 8) % 8) /* keep them rare */
        k = (seed >> 20) % (n_atoms - 6);
      size_t al = strlen(atoms[k]);
      if (len + al >= sizeof(s))
        break;
      memcpy(s + len, atoms[k], al);
      len += al;
    }
    s[len] = 0;
    wsp_rc a = wsp_html_to_text(s, len, &fast, &err);
    wsp_rc b = wsp__html_parse_to_text(s, len, &slow, &err);
    if (a == WSP_OK && !memchr(s, '<', len) && !memchr(s, '&', len))
      plain++;
    if (a != b || fast.len != slow.len ||
        memcmp(wsp_buf_str(&fast), wsp_buf_str(&slow), fast.len) != 0)
      fail_msg("case %d \"%s\": shortcut \"%s\" (%d), parser \"%s\" (%d)", t, s,
               wsp_buf_str(&fast), a, wsp_buf_str(&slow), b);
  }
  assert_true(plain > 2500); /* most cases took the shortcut */
  wsp_buf_cleanup(&fast);
  wsp_buf_cleanup(&slow);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(text_blocks_entities),
      cmocka_unit_test(drops_script_style_comments),
      cmocka_unit_test(keeps_link_targets),
      cmocka_unit_test(broken_markup_recovers),
      cmocka_unit_test(deep_nesting_and_limits),
      cmocka_unit_test(looks_like_html),
      cmocka_unit_test(plain_text_shortcut_equals_parser),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
