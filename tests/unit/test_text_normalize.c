/* Unit tests for text/normalize: every transformation, table-driven with
** adversarial inputs, asserting the normalised text AND the offset map (the
** original bytes behind a normalised span). @test scanner/text/normalize.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/alloc.h"
#include "text/normalize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A case: input, expected normalised text, and optionally one span check:
** the first occurrence of `needle` in the normalised text must map back to
** exactly `orig` in the input. */
struct ncase {
  const char *name;
  const char *in;
  const char *out;
  const char *needle;
  const char *orig;
};

static void check_map_invariants(const wsp_norm *n)
{
  assert_non_null(n->map);
  assert_int_equal(n->map[n->len], n->orig_len);
  assert_int_equal(n->text[n->len], '\0');
  for (size_t i = 0; i < n->len; i++) {
    assert_true(n->map[i] < n->orig_len);
    if (i > 0)
      assert_true(n->map[i] >= n->map[i - 1]);
  }
}

static void run_cases(const struct ncase *cases, size_t count)
{
  wsp_norm n;

  wsp_norm_init(&n);
  for (size_t i = 0; i < count; i++) {
    const struct ncase *c = &cases[i];
    size_t inlen = strlen(c->in);
    assert_int_equal(wsp_text_normalize(c->in, inlen, &n), WSP_OK);
    if (strcmp(n.text, c->out) != 0)
      fail_msg("case '%s': got \"%s\", want \"%s\"", c->name, n.text, c->out);
    assert_int_equal(n.len, strlen(c->out));
    assert_int_equal(n.orig_len, inlen);
    check_map_invariants(&n);
    if (c->needle) {
      const char *hit = strstr(n.text, c->needle);
      size_t s, e, os, oe;
      if (!hit)
        fail_msg("case '%s': needle '%s' not found", c->name, c->needle);
      s = (size_t)(hit - n.text);
      e = s + strlen(c->needle);
      os = wsp_norm_orig_start(&n, s);
      oe = wsp_norm_orig_end(&n, e);
      if (oe - os != strlen(c->orig) || memcmp(c->in + os, c->orig, oe - os))
        fail_msg("case '%s': span of '%s' maps to [%zu,%zu) \"%.*s\", want "
                 "\"%s\"",
                 c->name, c->needle, os, oe, (int)(oe - os), c->in + os,
                 c->orig);
    }
  }
  wsp_norm_cleanup(&n);
}

#define RUN(cases) run_cases(cases, sizeof(cases) / sizeof(cases[0]))

static void unicode_folding(void **state)
{
  static const struct ncase cases[] = {
      {"ascii lower", "LOKER Kerja", "loker kerja", "kerja", "Kerja"},
      {"math bold",
       "\xF0\x9D\x90\x8B\xF0\x9D\x90\x8E\xF0\x9D\x90\x8A\xF0\x9D"
       "\x90\x84\xF0\x9D\x90\x91 gaji",
       "loker gaji", "loker",
       "\xF0\x9D\x90\x8B\xF0\x9D\x90\x8E\xF0\x9D\x90\x8A\xF0\x9D\x90\x84\xF0"
       "\x9D\x90\x91"},
      {"math bold italic", "\xF0\x9D\x91\xB3\xF0\x9D\x92\x90\xF0\x9D\x92\x8C",
       "lok", NULL, NULL},
      {"full-width",
       "\xEF\xBC\xAC\xEF\xBC\xAF\xEF\xBC\xAB\xEF\xBC\xA5\xEF\xBC"
       "\xB2",
       "loker", "ok", "\xEF\xBC\xAF\xEF\xBC\xAB"},
      {"circled",
       "\xE2\x93\x81\xE2\x93\x9E\xE2\x93\x9A\xE2\x93\x94\xE2\x93\xA1", "loker",
       NULL, NULL},
      {"small capitals", "\xCA\x9F\xE1\xB4\x8F\xE1\xB4\x8B\xE1\xB4\x87\xCA\x80",
       "loker", NULL, NULL},
      {"negative squared",
       "\xF0\x9F\x85\xBB\xF0\x9F\x85\xBE\xF0\x9F\x85\xBA\xF0"
       "\x9F\x85\xB4\xF0\x9F\x86\x81",
       "loker", "k", "\xF0\x9F\x85\xBA"},
      {"ligature expands", "\xEF\xAC\x81le", "file", "fi", "\xEF\xAC\x81"},
      {"sharp s",
       "Stra\xC3\x9F"
       "e",
       "strasse", NULL, NULL},
      {"diacritics folded", "l\xC3\xB4k\xC3\xA9r", "loker", "ker",
       "k\xC3\xA9r"},
      {"combining mark dropped", "lo\xCC\x81ker", "loker", "lo", "lo\xCC\x81"},
      {"math digits", "\xF0\x9D\x9F\x8E\xF0\x9D\x9F\x96", "08", NULL, NULL},
      {"non-latin kept",
       "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 "
       "\xE6\x97\xA5\xE6\x9C\xAC",
       "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xE6\x97\xA5\xE6\x9C"
       "\xAC",
       NULL, NULL},
      {"thai marks kept", "\xE0\xB8\x81\xE0\xB8\xB4\xE0\xB8\x99",
       "\xE0\xB8\x81\xE0\xB8\xB4\xE0\xB8\x99", NULL, NULL},
  };
  (void)state;
  RUN(cases);
}

static void invisible_and_whitespace(void **state)
{
  static const struct ncase cases[] = {
      {"zero-width space", "lo\xE2\x80\x8Bker", "loker", "loker",
       "lo\xE2\x80\x8Bker"},
      {"zwj zwnj word joiner",
       "g\xE2\x80\x8D"
       "a\xE2\x80\x8Cj\xE2\x81\xA0i",
       "gaji", NULL, NULL},
      {"soft hyphen + bidi",
       "lo\xC2\xAD"
       "ker\xE2\x80\xAE",
       "loker", NULL, NULL},
      {"bom at start", "\xEF\xBB\xBFloker", "loker", "loker", "loker"},
      {"cgj + variation selector", "lo\xCD\x8Fker\xEF\xB8\x8F", "loker", NULL,
       NULL},
      {"tag characters",
       "a\xF3\xA0\x80\xA1"
       "b",
       "ab", NULL, NULL},
      {"controls dropped",
       "a\x01"
       "b\x7F"
       "c\x1B",
       "abc", NULL, NULL},
      {"whitespace collapsed", "  a \t\t b  ", "a b", "a b", "a \t\t b"},
      {"newline kept once", "a \n\n\r\n  b", "a\nb", NULL, NULL},
      {"nbsp and ideographic space",
       "a\xC2\xA0"
       "b\xE3\x80\x80"
       "c",
       "a b c", NULL, NULL},
      {"line separator",
       "a\xE2\x80\xA8"
       "b",
       "a\nb", NULL, NULL},
      {"only invisible", "\xE2\x80\x8B\xE2\x80\x8B \t", "", NULL, NULL},
      {"empty", "", "", NULL, NULL},
  };
  (void)state;
  RUN(cases);
}

static void confusables(void **state)
{
  static const struct ncase cases[] = {
      {"cyrillic o e in latin word", "l\xD0\xBEk\xD0\xB5r", "loker", "loker",
       "l\xD0\xBEk\xD0\xB5r"},
      {"all-cyrillic look-alike word in latin text",
       "\xD1\x95\xD1\x81\xD0\xB0m alert", "scam alert", "scam",
       "\xD1\x95\xD1\x81\xD0\xB0m"},
      {"greek capitals", "\xCE\x9A\xCE\x91\xCE\x9C\xCE\x92\xCE\x9FJ\xCE\x91",
       "kamboja", NULL, NULL},
      {"cyrillic capital P C", "\xD0\xA0\xD0\x90Y\xD0\xA0\xD0\x90L", "paypal",
       NULL, NULL},
      {"russian text untouched",
       "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xD0\xBC\xD0\xB8\xD1"
       "\x80",
       "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xD0\xBC\xD0\xB8\xD1"
       "\x80",
       NULL, NULL},
      {"dotless i",
       "g\xC4\xB1"
       "ft",
       "gift", NULL, NULL},
  };
  wsp_norm n;
  (void)state;
  RUN(cases);
  wsp_norm_init(&n);
  {
    const char *mixed = "l\xD0\xBEker and g\xD0\xB0ji ok";
    assert_int_equal(wsp_text_normalize(mixed, strlen(mixed), &n), WSP_OK);
  }
  assert_string_equal(n.text, "loker and gaji ok");
  assert_int_equal(n.mixed_script_words, 2);
  assert_int_equal(wsp_text_normalize("plain text", 10, &n), WSP_OK);
  assert_int_equal(n.mixed_script_words, 0);
  wsp_norm_cleanup(&n);
}

static void leetspeak(void **state)
{
  static const struct ncase cases[] = {
      {"inside word, number kept", "g4ji 25jt", "gaji 25jt", "gaji", "g4ji"},
      {"phone digits stay", "hub 0812-3456", "hub 0812-3456", NULL, NULL},
      {"two leet letters", "l0k3r", "loker", "loker", "l0k3r"},
      {"edges with evidence", "4dm1n g4j1", "admin gaji", NULL, NULL},
      {"symbols", "g@ji ka$ir", "gaji kasir", NULL, NULL},
      {"degrees kept", "lulusan S1/D3 atau SMK", "lulusan s1/d3 atau smk", NULL,
       NULL},
      {"acronyms kept", "P3MI resmi, P3K, covid19, mp3",
       "p3mi resmi, p3k, "
       "covid19, mp3",
       NULL, NULL},
      {"money glued kept", "rp5jt umur17thn 3hari 2x24jam",
       "rp5jt umur17thn 3hari 2x24jam", NULL, NULL},
      {"long digit runs kept", "abc123def", "abc123def", NULL, NULL},
      {"url not de-leeted", "bit.ly/3xY7abc", "bit.ly/3xy7abc", NULL, NULL},
      {"email not de-leeted", "hrd4@gmail.com", "hrd4@gmail.com", NULL, NULL},
      {"handle de-leeted", "@l0ker", "@loker", NULL, NULL},
      {"abbreviations searchable", "tnp biaya brgkt cpt hub japri",
       "tnp biaya brgkt cpt hub japri", NULL, NULL},
  };
  (void)state;
  RUN(cases);
}

static void spaced_letters(void **state)
{
  static const struct ncase cases[] = {
      {"spaces", "L O K E R", "loker", "loker", "L O K E R"},
      {"dots", "g.a.j.i besar", "gaji besar", "gaji", "g.a.j.i"},
      {"hyphens", "l-o-k-e-r", "loker", NULL, NULL},
      {"spaced hyphens", "l - o - k - e - r", "loker", NULL, NULL},
      {"underscores stars", "g_a_j_i l*o*k*e*r", "gaji loker", NULL, NULL},
      {"two words kept apart", "L O K E R   G A J I", "loker gaji", "gaji",
       "G A J I"},
      {"fancy spaced", "\xF0\x9D\x90\x8B \xF0\x9D\x90\x8E \xF0\x9D\x90\x8A",
       "lok", NULL, NULL},
      {"two letters stay", "a b test", "a b test", NULL, NULL},
      {"abbreviations stay", "a.n. Budi, s.d. Jumat", "a.n. budi, s.d. jumat",
       NULL, NULL},
      {"spaced digits stay", "0 8 1 2 3 4", "0 8 1 2 3 4", NULL, NULL},
      {"leet joined then undone", "g 4 j i", "gaji", NULL, NULL},
      {"trailing dot kept", "g.a.j.i.", "gaji.", NULL, NULL},
  };
  (void)state;
  RUN(cases);
}

static void symbols_between_letters(void **state)
{
  static const struct ncase cases[] = {
      {"emoji between letters",
       "G\xF0\x9F\x92\xB0"
       "A\xF0\x9F\x92\xB0"
       "J\xF0\x9F\x92\xB0I",
       "gaji", "gaji",
       "G\xF0\x9F\x92\xB0"
       "A\xF0\x9F\x92\xB0"
       "J\xF0\x9F\x92\xB0I"},
      {"stars and dingbats", "lo\xE2\x98\x85ker l\xE2\x9C\x94ok", "loker lok",
       NULL, NULL},
      {"middle dot",
       "g\xC2\xB7"
       "a\xC2\xB7j\xC2\xB7i",
       "gaji", NULL, NULL},
      {"emoji with zwj sequence inside word",
       "lo\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x92\xBBker", "loker", NULL,
       NULL},
      {"emoji between words kept", "gaji \xF0\x9F\x94\xA5 besar",
       "gaji \xF0\x9F\x94\xA5 besar", NULL, NULL},
      {"emoji at word edge kept", "\xF0\x9F\x94\xA5gaji\xF0\x9F\x94\xA5",
       "\xF0\x9F\x94\xA5gaji\xF0\x9F\x94\xA5", NULL, NULL},
      {"keycap digit", "1\xEF\xB8\x8F\xE2\x83\xA3", "1", NULL, NULL},
  };
  (void)state;
  RUN(cases);
}

static void invalid_utf8_repaired(void **state)
{
  static const struct {
    const char *in;
    size_t len;
    const char *out;
    unsigned bad;
  } cases[] = {
      {"ab\xFF"
       "cd",
       5,
       "ab\xEF\xBF\xBD"
       "cd",
       1},
      {"ab\xE2\x82", 4, "ab\xEF\xBF\xBD", 1},
      {"\xC0\xAF", 2, "\xEF\xBF\xBD\xEF\xBF\xBD", 2},
      {"\xED\xA0\x80", 3, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 3},
      {"\xF4\x90\x80\x80", 4,
       "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 4},
      {"a\0b", 3, "ab", 0},
      {"\xE2\x82"
       "a",
       3,
       "\xEF\xBF\xBD"
       "a",
       1},
  };
  wsp_norm n;
  (void)state;
  wsp_norm_init(&n);
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    assert_int_equal(wsp_text_normalize(cases[i].in, cases[i].len, &n), WSP_OK);
    assert_string_equal(n.text, cases[i].out);
    assert_int_equal(n.invalid_utf8, cases[i].bad);
    check_map_invariants(&n);
  }
  wsp_norm_cleanup(&n);
}

static void random_bytes_never_crash(void **state)
{
  unsigned char buf[512];
  unsigned seed = 12345;
  wsp_norm n;
  (void)state;
  wsp_norm_init(&n);
  for (int round = 0; round < 2000; round++) {
    size_t len = (size_t)(round % 512);
    for (size_t i = 0; i < len; i++) {
      seed = seed * 1103515245u + 12345u;
      /* bias towards interesting bytes */
      unsigned r = (seed >> 16) & 0xFF;
      buf[i] =
          (unsigned char)(r < 64 ? "lok3r 0@$.-\xE2\x80\x8B\xF0\x9D"[r % 16]
                                 : r);
    }
    assert_int_equal(wsp_text_normalize((const char *)buf, len, &n), WSP_OK);
    check_map_invariants(&n);
  }
  wsp_norm_cleanup(&n);
}

static void limits_and_reuse(void **state)
{
  wsp_norm n;
  char *big;
  (void)state;
  wsp_norm_init(&n);
  big = malloc((size_t)WSP_NORM_MAX_INPUT + 1);
  assert_non_null(big);
  assert_int_equal(wsp_text_normalize(big, (size_t)WSP_NORM_MAX_INPUT + 1, &n),
                   WSP_TOOBIG);
  assert_int_equal(n.len, 0);
  free(big);
  /* reuse after an error, and shrinking input */
  assert_int_equal(wsp_text_normalize("GAJI BESAR", 10, &n), WSP_OK);
  assert_string_equal(n.text, "gaji besar");
  assert_int_equal(wsp_text_normalize("A", 1, &n), WSP_OK);
  assert_string_equal(n.text, "a");
  assert_int_equal(wsp_norm_orig_start(&n, 0), 0);
  assert_int_equal(wsp_norm_orig_end(&n, 1), 1);
  assert_int_equal(wsp_text_normalize(NULL, 0, &n), WSP_OK);
  assert_int_equal(n.len, 0);
  wsp_norm_cleanup(&n);
  wsp_norm_cleanup(&n); /* idempotent */
}

static void out_of_memory_is_clean(void **state)
{
  wsp_norm n;
  (void)state;
  for (long k = 0; k < 4; k++) {
    wsp_norm_init(&n);
    wsp_alloc_fail_after(k);
    wsp_rc rc = wsp_text_normalize("L O K E R \xF0\x9D\x90\x8B", 14, &n);
    wsp_alloc_fail_after(-1);
    assert_true(rc == WSP_OK || rc == WSP_NOMEM);
    if (rc == WSP_NOMEM)
      assert_int_equal(n.len, 0);
    wsp_norm_cleanup(&n);
  }
}

static void expansion_grows_buffer(void **state)
{
  /* U+FDFA expands to 18 code points under NFKC: output >> input */
  char in[3 * 400 + 1];
  wsp_norm n;
  (void)state;
  for (int i = 0; i < 400; i++)
    memcpy(in + 3 * i, "\xEF\xB7\xBA", 3);
  in[1200] = '\0';
  wsp_norm_init(&n);
  assert_int_equal(wsp_text_normalize(in, 1200, &n), WSP_OK);
  assert_true(n.len > 1200 * 4);
  check_map_invariants(&n);
  wsp_norm_cleanup(&n);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(unicode_folding),
      cmocka_unit_test(invisible_and_whitespace),
      cmocka_unit_test(confusables),
      cmocka_unit_test(leetspeak),
      cmocka_unit_test(spaced_letters),
      cmocka_unit_test(symbols_between_letters),
      cmocka_unit_test(invalid_utf8_repaired),
      cmocka_unit_test(random_bytes_never_crash),
      cmocka_unit_test(limits_and_reuse),
      cmocka_unit_test(out_of_memory_is_clean),
      cmocka_unit_test(expansion_grows_buffer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
