/* Unit tests for text/entities + gazetteer: phones in many shapes, links,
** handles, e-mail, money, ages, places; each asserting the normalised value
** AND the span in the original text. @test scanner/text/entities.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/alloc.h"
#include "text/entities.h"
#include "text/normalize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ecase {
  const char *in;
  wsp_entity_kind kind;
  const char *value; /* NULL: no entity of this kind expected */
  const char *orig;  /* exact original span */
};

static wsp_gazetteer *gaz;

static int setup(void **state)
{
  char path[4096];
  const char *src = getenv("WSP_SOURCE_DIR");
  wsp_err err;
  (void)state;
  snprintf(path, sizeof(path), "%s/rules/gazetteer.tsv", src ? src : ".");
  if (wsp_gazetteer_load(path, &gaz, &err) != WSP_OK) {
    fprintf(stderr, "gazetteer: %s\n", err.msg);
    return -1;
  }
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  wsp_gazetteer_free(gaz);
  gaz = NULL;
  return 0;
}

static void run_cases(const struct ecase *cases, size_t count)
{
  wsp_norm n;
  wsp_entities e;

  wsp_norm_init(&n);
  wsp_entities_init(&e);
  for (size_t i = 0; i < count; i++) {
    const struct ecase *c = &cases[i];
    size_t len = strlen(c->in);
    const wsp_entity *hit = NULL;
    assert_int_equal(wsp_text_normalize(c->in, len, &n), WSP_OK);
    assert_int_equal(wsp_entities_extract(c->in, len, &n, gaz, &e), WSP_OK);
    for (size_t k = 0; k < e.count; k++) {
      assert_true(e.items[k].start <= e.items[k].end);
      assert_true(e.items[k].end <= len);
      if (k > 0)
        assert_true(e.items[k].start >= e.items[k - 1].start);
      if (e.items[k].kind == c->kind && !hit)
        hit = &e.items[k];
    }
    if (!c->value) {
      if (hit)
        fail_msg("'%s': unexpected %s '%s'", c->in,
                 wsp_entity_kind_name(c->kind), hit->value);
      continue;
    }
    if (!hit)
      fail_msg("'%s': no %s entity (normalised: '%s')", c->in,
               wsp_entity_kind_name(c->kind), n.text);
    if (strcmp(hit->value, c->value) != 0)
      fail_msg("'%s': %s value '%s', want '%s'", c->in,
               wsp_entity_kind_name(c->kind), hit->value, c->value);
    if (hit->end - hit->start != strlen(c->orig) ||
        memcmp(c->in + hit->start, c->orig, hit->end - hit->start) != 0)
      fail_msg("'%s': %s span \"%.*s\", want \"%s\"", c->in,
               wsp_entity_kind_name(c->kind), (int)(hit->end - hit->start),
               c->in + hit->start, c->orig);
  }
  wsp_entities_cleanup(&e);
  wsp_norm_cleanup(&n);
}

#define RUN(cases) run_cases(cases, sizeof(cases) / sizeof(cases[0]))

static void phones_in_many_shapes(void **state)
{
  static const struct ecase cases[] = {
      {"hub 0812-3456-7890 ya", WSP_ENT_PHONE, "+6281234567890",
       "0812-3456-7890"},
      {"WA: +62 812 3456 7890", WSP_ENT_PHONE, "+6281234567890",
       "+62 812 3456 7890"},
      {"62812 3456 7890", WSP_ENT_PHONE, "+6281234567890", "62812 3456 7890"},
      {"0812.3456.7890", WSP_ENT_PHONE, "+6281234567890", "0812.3456.7890"},
      {"telp (0812) 3456 7890", WSP_ENT_PHONE, "+6281234567890",
       "(0812) 3456 7890"},
      {"0 8 1 2 3 4 5 6 7 8 9 0", WSP_ENT_PHONE, "+6281234567890",
       "0 8 1 2 3 4 5 6 7 8 9 0"},
      {"nol delapan satu dua tiga empat lima enam tujuh delapan sembilan nol",
       WSP_ENT_PHONE, "+6281234567890",
       "nol delapan satu dua tiga empat lima enam tujuh delapan sembilan nol"},
      {"+62-812-3456-7890", WSP_ENT_PHONE, "+6281234567890",
       "+62-812-3456-7890"},
      {"\xF0\x9D\x9F\x8E\xF0\x9D\x9F\x96\xF0\x9D\x9F\x8F\xF0\x9D\x9F\x90\xF0"
       "\x9D\x9F\x91\xF0\x9D\x9F\x92\xF0\x9D\x9F\x93\xF0\x9D\x9F\x94\xF0\x9D"
       "\x9F\x95\xF0\x9D\x9F\x96",
       WSP_ENT_PHONE, "+62812345678",
       "\xF0\x9D\x9F\x8E\xF0\x9D\x9F\x96\xF0\x9D\x9F\x8F\xF0\x9D\x9F\x90\xF0"
       "\x9D\x9F\x91\xF0\x9D\x9F\x92\xF0\x9D\x9F\x93\xF0\x9D\x9F\x94\xF0\x9D"
       "\x9F\x95\xF0\x9D\x9F\x96"},
      {"0812\xE2\x80\x8B"
       "3456\xE2\x80\x8B"
       "7890",
       WSP_ENT_PHONE, "+6281234567890",
       "0812\xE2\x80\x8B"
       "3456\xE2\x80\x8B"
       "7890"},
      {"kantor (021) 555-1234", WSP_ENT_PHONE, "+62215551234",
       "(021) 555-1234"},
      {"call +855 12 345 678 now", WSP_ENT_PHONE, "+85512345678",
       "+855 12 345 678"},
      {"0812 3456 7890 2 orang", WSP_ENT_PHONE, "+6281234567890",
       "0812 3456 7890"},
      {"hub 08l2-3456-789o", WSP_ENT_PHONE, "+6281234567890", "08l2-3456-789o"},
      {"O8I2 3456 7890", WSP_ENT_PHONE, NULL, NULL}, /* no digit first */
      {"0812 lalu 3456 7890", WSP_ENT_PHONE, NULL, NULL},
      /* not phones */
      {"gaji Rp 15.000.000", WSP_ENT_PHONE, NULL, NULL},
      {"tanggal 2024-08-12", WSP_ENT_PHONE, NULL, NULL},
      {"NIK 3201234567890123", WSP_ENT_PHONE, NULL, NULL},
      {"dua tiga empat lima enam tujuh delapan sembilan", WSP_ENT_PHONE, NULL,
       NULL},
      {"kode 0123456789", WSP_ENT_PHONE, NULL, NULL},
  };
  (void)state;
  RUN(cases);
}

static void links_and_handles(void **state)
{
  static const struct ecase cases[] = {
      {"klik wa.me/6281234567890 sekarang", WSP_ENT_WA, "+6281234567890",
       "wa.me/6281234567890"},
      {"https://api.whatsapp.com/send?phone=081234567890&text=hi", WSP_ENT_WA,
       "+6281234567890",
       "https://api.whatsapp.com/send?phone=081234567890&text=hi"},
      {"grup chat.whatsapp.com/AbCdEf123", WSP_ENT_WA,
       "chat.whatsapp.com/AbCdEf123", "chat.whatsapp.com/AbCdEf123"},
      {"wa.me/6281234567890", WSP_ENT_PHONE, NULL, NULL},
      {"gabung t.me/LokerKamboja.", WSP_ENT_TELEGRAM, "@lokerkamboja",
       "t.me/LokerKamboja"},
      {"t.me/+AbC123xyz", WSP_ENT_TELEGRAM, "t.me/+AbC123xyz",
       "t.me/+AbC123xyz"},
      {"Telegram: @Loker_KH", WSP_ENT_TELEGRAM, "@loker_kh", "@Loker_KH"},
      {"hubungi TG @admin_job", WSP_ENT_TELEGRAM, "@admin_job", "@admin_job"},
      {"follow IG @kerja.luar.negeri", WSP_ENT_HANDLE, "@kerja.luar.negeri",
       "@kerja.luar.negeri"},
      {"halo @teman apa kabar", WSP_ENT_HANDLE, NULL, NULL},
      {"daftar di bit.ly/3xY7abc ya", WSP_ENT_URL, "bit.ly/3xY7abc",
       "bit.ly/3xY7abc"},
      {"form s.id/LokerKH", WSP_ENT_URL, "s.id/LokerKH", "s.id/LokerKH"},
      {"lihat https://Example.COM/Jobs?id=5).", WSP_ENT_URL,
       "https://example.com/Jobs?id=5", "https://Example.COM/Jobs?id=5"},
      {"www.lowongan-kerja.xyz", WSP_ENT_URL, "www.lowongan-kerja.xyz",
       "www.lowongan-kerja.xyz"},
      {"gaji 15.000.000 per bulan", WSP_ENT_URL, NULL, NULL},
      {"s.d. Jumat, a.n. Budi", WSP_ENT_URL, NULL, NULL},
      {"CV ke HRD.Job@Gmail.com", WSP_ENT_EMAIL, "hrd.job@gmail.com",
       "HRD.Job@Gmail.com"},
      {"kirim ke hrd (at) gmail (dot) com", WSP_ENT_EMAIL, "hrd@gmail.com",
       "hrd (at) gmail (dot) com"},
      {"kirim ke hrd at gmail dot com", WSP_ENT_EMAIL, "hrd@gmail.com",
       "hrd at gmail dot com"},
      {"kerja at home dot com", WSP_ENT_EMAIL, NULL, NULL},
  };
  (void)state;
  RUN(cases);
}

static void money_amounts(void **state)
{
  static const struct ecase cases[] = {
      {"gaji Rp 15.000.000", WSP_ENT_MONEY, "15000000 IDR", "Rp 15.000.000"},
      {"gaji Rp. 8.500.000/bulan", WSP_ENT_MONEY, "8500000 IDR/month",
       "Rp. 8.500.000/bulan"},
      {"gaji 15 jt", WSP_ENT_MONEY, "15000000 IDR", "15 jt"},
      {"gaji 25jt per bulan", WSP_ENT_MONEY, "25000000 IDR/month",
       "25jt per bulan"},
      {"12-15 juta", WSP_ENT_MONEY, "12000000-15000000 IDR", "12-15 juta"},
      {"Rp 7 - 16 jt", WSP_ENT_MONEY, "7000000-16000000 IDR", "Rp 7 - 16 jt"},
      {"salary $800", WSP_ENT_MONEY, "800 USD", "$800"},
      {"$800-2000 a month", WSP_ENT_MONEY, "800-2000 USD/month",
       "$800-2000 a month"},
      {"1.000 USD", WSP_ENT_MONEY, "1000 USD", "1.000 USD"},
      {"3,500 dirham", WSP_ENT_MONEY, "3500 AED", "3,500 dirham"},
      {"1,5 juta", WSP_ENT_MONEY, "1500000 IDR", "1,5 juta"},
      {"RM 2,000", WSP_ENT_MONEY, "2000 MYR", "RM 2,000"},
      {"NT$ 30.000", WSP_ENT_MONEY, "30000 TWD", "NT$ 30.000"},
      {"biaya 500 ribu", WSP_ENT_MONEY, "500000 IDR", "500 ribu"},
      {"g\xF0\x9D\x9F\x92ji 2\xF0\x9D\x9F\x93jt", WSP_ENT_MONEY, "25000000 IDR",
       "2\xF0\x9D\x9F\x93jt"},
      {"umur 25 tahun", WSP_ENT_MONEY, NULL, NULL},
      {"kuota 20 orang", WSP_ENT_MONEY, NULL, NULL},
  };
  (void)state;
  RUN(cases);
}

static void ages_and_places(void **state)
{
  static const struct ecase cases[] = {
      {"usia 18-35 tahun", WSP_ENT_AGE, "18-35", "usia 18-35 tahun"},
      {"Umur 16 th", WSP_ENT_AGE, "16", "Umur 16 th"},
      {"usia: 18 s/d 40", WSP_ENT_AGE, "18-40", "usia: 18 s/d 40"},
      {"usia maks. 35 thn", WSP_ENT_AGE, "<=35", "usia maks. 35 thn"},
      {"age 21 to 30 years", WSP_ENT_AGE, "21-30", "age 21 to 30 years"},
      {"usia min 17", WSP_ENT_AGE, ">=17", "usia min 17"},
      {"usia kandungan", WSP_ENT_AGE, NULL, NULL},
      {"wanita berusia 20 tahun", WSP_ENT_AGE, "20", "berusia 20 tahun"},
      /* fuzz regression: "ber" + "usia" not followed by an age looped */
      {"berusiaan muda berusia", WSP_ENT_AGE, NULL, NULL},
      {"kerja di KAMBOJA", WSP_ENT_COUNTRY, "cambodia", "KAMBOJA"},
      {"ke Phnom  Penh", WSP_ENT_COUNTRY, "cambodia/phnom penh", "Phnom  Penh"},
      {"\xF0\x9D\x90\x8C\xF0\x9D\x90\x98\xF0\x9D\x90\x80\xF0\x9D\x90\x8D\xF0"
       "\x9D\x90\x8C\xF0\x9D\x90\x80\xF0\x9D\x90\x91",
       WSP_ENT_COUNTRY, "myanmar",
       "\xF0\x9D\x90\x8C\xF0\x9D\x90\x98\xF0\x9D\x90\x80\xF0\x9D\x90\x8D\xF0"
       "\x9D\x90\x8C\xF0\x9D\x90\x80\xF0\x9D\x90\x91"},
      {"Arab Saudi", WSP_ENT_COUNTRY, "saudi arabia", "Arab Saudi"},
      {"via Mae Sot", WSP_ENT_COUNTRY, "thailand/mae sot", "Mae Sot"},
      {"asal Papua Barat Daya", WSP_ENT_REGION, "papua barat daya",
       "Papua Barat Daya"},
      {"dari Indramayu", WSP_ENT_REGION, "jawa barat/indramayu", "Indramayu"},
      {"kota Malang", WSP_ENT_REGION, "jawa timur/malang", "Malang"},
      {"nasib malang sekali", WSP_ENT_REGION, NULL, NULL},
      {"Laosnya", WSP_ENT_COUNTRY, NULL, NULL},
  };
  (void)state;
  RUN(cases);
}

static void gazetteer_errors(void **state)
{
  char path[] = "/tmp/wsp_gaz_test_XXXXXX";
  wsp_gazetteer *g = NULL;
  wsp_err err;
  FILE *f;
  int fd = mkstemp(path);
  (void)state;
  assert_true(fd >= 0);
  f = fdopen(fd, "w");
  assert_non_null(f);
  fputs("# comment\ncountry\tcambodia\tkamboja\nplanet\tmars\tmars\n", f);
  fclose(f);
  assert_int_equal(wsp_gazetteer_load(path, &g, &err), WSP_PARSE);
  assert_null(g);
  assert_non_null(strstr(err.msg, ":3: unknown kind 'planet'"));
  f = fopen(path, "w");
  fputs("country\tcambodia\n", f);
  fclose(f);
  assert_int_equal(wsp_gazetteer_load(path, &g, &err), WSP_PARSE);
  assert_non_null(strstr(err.msg, ":1: expected"));
  unlink(path);
  assert_int_equal(wsp_gazetteer_load(path, &g, &err), WSP_IO);
}

static void entities_without_gazetteer_and_reuse(void **state)
{
  wsp_norm n;
  wsp_entities e;
  const char *t = "KAMBOJA gaji 15jt WA 081234567890";
  (void)state;
  wsp_norm_init(&n);
  wsp_entities_init(&e);
  assert_int_equal(wsp_text_normalize(t, strlen(t), &n), WSP_OK);
  assert_int_equal(wsp_entities_extract(t, strlen(t), &n, NULL, &e), WSP_OK);
  assert_int_equal(e.count, 2); /* money, phone; no places without gaz */
  assert_string_equal(wsp_entity_kind_name(e.items[0].kind), "money");
  assert_string_equal(wsp_entity_kind_name(e.items[1].kind), "phone");
  assert_int_equal(wsp_text_normalize("", 0, &n), WSP_OK);
  assert_int_equal(wsp_entities_extract("", 0, &n, gaz, &e), WSP_OK);
  assert_int_equal(e.count, 0);
  /* a wsp_norm of another text is refused */
  assert_int_equal(wsp_text_normalize(t, strlen(t), &n), WSP_OK);
  assert_int_equal(wsp_entities_extract("abc", 3, &n, gaz, &e), WSP_INVAL);
  assert_null(wsp_entity_kind_name((wsp_entity_kind)99));
  wsp_entities_cleanup(&e);
  wsp_norm_cleanup(&n);
}

static void many_entities_are_bounded(void **state)
{
  size_t cap = 200000, len = 0;
  char *t = malloc(cap);
  wsp_norm n;
  wsp_entities e;
  (void)state;
  assert_non_null(t);
  while (len + 20 < cap) {
    memcpy(t + len, "0812 3456 7890 ; ", 17);
    len += 17;
  }
  wsp_norm_init(&n);
  wsp_entities_init(&e);
  assert_int_equal(wsp_text_normalize(t, len, &n), WSP_OK);
  assert_int_equal(wsp_entities_extract(t, len, &n, gaz, &e), WSP_OK);
  assert_true(e.count > 100 && e.count <= 1024);
  wsp_entities_cleanup(&e);
  wsp_norm_cleanup(&n);
  free(t);
}

static void out_of_memory_is_clean(void **state)
{
  const char *t = "Hub WA 0812-3456-7890 gaji Rp 15.000.000 ke Kamboja "
                  "t.me/loker hrd@gmail.com usia 18-35";
  char path[4096];
  const char *src = getenv("WSP_SOURCE_DIR");
  (void)state;
  snprintf(path, sizeof(path), "%s/rules/gazetteer.tsv", src ? src : ".");
  for (long k = 0; k < 60; k++) {
    wsp_norm n;
    wsp_entities e;
    wsp_gazetteer *g = NULL;
    wsp_err err;
    wsp_rc rc, rg;
    wsp_norm_init(&n);
    wsp_entities_init(&e);
    wsp_alloc_fail_after(k);
    rc = wsp_text_normalize(t, strlen(t), &n);
    if (rc == WSP_OK)
      rc = wsp_entities_extract(t, strlen(t), &n, gaz, &e);
    rg = wsp_gazetteer_load(path, &g, &err);
    wsp_alloc_fail_after(-1);
    assert_true(rc == WSP_OK || rc == WSP_NOMEM);
    assert_true(rg == WSP_OK || rg == WSP_NOMEM);
    if (rg != WSP_OK)
      assert_null(g);
    wsp_gazetteer_free(g);
    wsp_entities_cleanup(&e);
    wsp_norm_cleanup(&n);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(phones_in_many_shapes),
      cmocka_unit_test(links_and_handles),
      cmocka_unit_test(money_amounts),
      cmocka_unit_test(ages_and_places),
      cmocka_unit_test(gazetteer_errors),
      cmocka_unit_test(entities_without_gazetteer_and_reuse),
      cmocka_unit_test(many_entities_are_bounded),
      cmocka_unit_test(out_of_memory_is_clean),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
