/* Unit tests of the rule engine (match/): loader diagnostics, conditions,
** tiers, spans, cache, reload, hostile input. @test scanner/match */
#include "core/alloc.h"
#include "match/match_int.h"
#include "match/rules.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#define STARTER "tests/fixtures/rules/starter"

/* ---- helpers ------------------------------------------------------------ */

typedef struct diags {
  size_t n, errors, warnings;
  struct {
    int sev;
    char file[128];
    unsigned line, col;
    char msg[512];
  } d[64];
} diags;

static void collect(void *ud, const wsp_diag *d)
{
  diags *ds = ud;
  if (d->severity == WSP_DIAG_ERROR)
    ds->errors++;
  else
    ds->warnings++;
  if (ds->n < 64) {
    ds->d[ds->n].sev = d->severity;
    snprintf(ds->d[ds->n].file, sizeof(ds->d[0].file), "%s", d->file);
    ds->d[ds->n].line = d->line;
    ds->d[ds->n].col = d->col;
    snprintf(ds->d[ds->n].msg, sizeof(ds->d[0].msg), "%s", d->message);
    ds->n++;
  }
}

static int has(const diags *ds, int sev, unsigned line, const char *needle)
{
  for (size_t i = 0; i < ds->n; i++)
    if (ds->d[i].sev == sev && (!line || ds->d[i].line == line) &&
        strstr(ds->d[i].msg, needle))
      return 1;
  return 0;
}

static void dump(const diags *ds)
{
  for (size_t i = 0; i < ds->n; i++)
    fprintf(stderr, "  %s:%u:%u: %s: %s\n", ds->d[i].file, ds->d[i].line,
            ds->d[i].col, ds->d[i].sev ? "error" : "warning", ds->d[i].msg);
}

static wsp_rc load_str(const char *yaml, diags *ds, wsp_rules **out)
{
  wsp_rules *r = NULL;
  assert_int_equal(wsp_rules_new(&r), WSP_OK);
  memset(ds, 0, sizeof(*ds));
  wsp_rc rc =
      wsp_rules_add_buffer(r, "mem.yaml", yaml, strlen(yaml), collect, ds);
  *out = r;
  return rc;
}

static wsp_rules_opts nocache = {.no_cache = 1};

static wsp_rules *compile_str(const char *yaml)
{
  diags ds;
  wsp_rules *r;
  wsp_rc rc = load_str(yaml, &ds, &r);
  if (rc != WSP_OK)
    dump(&ds);
  assert_int_equal(rc, WSP_OK);
  wsp_err err;
  assert_int_equal(wsp_rules_compile(r, &nocache, &err), WSP_OK);
  return r;
}

/* Does rule `id` fire on text? */
static int fires(wsp_matcher *m, const char *id, const char *text)
{
  wsp_scan_result res;
  const wsp_rules *r = wsp_matcher_rules(m);
  long ri = wsp_rules_find(r, id);
  assert_true(ri >= 0);
  assert_int_equal(wsp_matcher_scan(m, text, strlen(text), &res), WSP_OK);
  for (size_t i = 0; i < res.nhits; i++)
    if (res.hits[i].rule == (size_t)ri)
      return 1;
  return 0;
}

static size_t pattern_index(const wsp_rules *r, const char *id,
                            const char *name)
{
  long ri = wsp_rules_find(r, id);
  assert_true(ri >= 0);
  const wsp_rule_info *ru = wsp_rules_rule(r, (size_t)ri);
  for (size_t i = 0; i < ru->npatterns; i++)
    if (!strcmp(wsp_rules_pattern(r, ru->first_pattern + i)->name, name))
      return ru->first_pattern + i;
  fail_msg("no pattern %s.%s", id, name);
  return 0;
}

#define RULE_HEAD                                                              \
  "schema: waspada/1\n"                                                        \
  "rules:\n"                                                                   \
  "  - id: X-1\n"                                                              \
  "    rev: 1\n"                                                               \
  "    title: t\n"                                                             \
  "    category: task_scam\n"                                                  \
  "    lang: [en]\n"                                                           \
  "    status: stable\n"                                                       \
  "    score: 1\n"

/* ---- starter pack, tiers, inline tests --------------------------------- */

static void test_starter_pack(void **state)
{
  (void)state;
  diags ds = {0};
  wsp_rules *r = NULL;
  wsp_matcher *m = NULL;
  wsp_err err;
  const char *paths[] = {STARTER};
  wsp_rc rc = wsp_rules_build(paths, 1, &nocache, collect, &ds, &r, &err);
  if (rc != WSP_OK)
    dump(&ds);
  assert_int_equal(rc, WSP_OK);
  assert_int_equal(ds.errors, 0);

  wsp_rules_stats st;
  wsp_rules_get_stats(r, &st);
  assert_int_equal(st.files, 2);
  assert_int_equal(st.rules, 10);
  assert_int_equal(st.rules_active, 9);
  assert_int_equal(st.tier[WSP_TIER_PREFILTER], 1);
  assert_int_equal(st.tier[WSP_TIER_PCRE_ONLY], 1);
  assert_int_equal(st.tier[WSP_TIER_NONE], 1); /* deprecated rule */
  assert_int_equal(
      wsp_rules_pattern(r, pattern_index(r, "T-ID-0005", "repeated"))->tier,
      WSP_TIER_PREFILTER);
  assert_int_equal(
      wsp_rules_pattern(r, pattern_index(r, "T-EN-0003", "age"))->tier,
      WSP_TIER_PCRE_ONLY);
  assert_int_equal(
      wsp_rules_pattern(r, pattern_index(r, "T-ID-0001", "abroad"))->tier,
      WSP_TIER_EXACT);

  const wsp_rule_info *ru =
      wsp_rules_rule(r, (size_t)wsp_rules_find(r, "T-ID-0004"));
  assert_string_equal(ru->title, "Berita atau peringatan tentang TPPO");
  assert_int_equal(ru->category, WSP_CAT_warning_or_news);
  assert_true(ru->score < 0);
  assert_int_equal(ru->status, WSP_STATUS_STABLE);
  assert_int_equal(
      wsp_rules_rule(r, (size_t)wsp_rules_find(r, "T-ID-0002"))->rev, 2);

  assert_int_equal(wsp_matcher_new(r, &m), WSP_OK);
  size_t passed = 0, failed = 0;
  assert_int_equal(
      wsp_rules_run_tests(r, m, NULL, NULL, NULL, NULL, &passed, &failed),
      WSP_OK);
  assert_int_equal(failed, 0);
  assert_true(passed >= 15);

  /* deprecated rules never hit */
  assert_false(fires(m, "T-ID-0006", "like dan subscribe dibayar"));
  /* prefilter tier: Hyperscan candidate rejected by PCRE2 confirm */
  wsp_scan_result res;
  const char *t = "hubungi kami, chat sekarang via telegram";
  assert_int_equal(wsp_matcher_scan(m, t, strlen(t), &res), WSP_OK);
  assert_int_equal(res.nhits, 0);
  assert_true(res.stats.pcre_confirms >= 1);
  /* pcre_only tier with \K: the span is the age only */
  t = "Lowongan: usia 15 boleh";
  assert_int_equal(wsp_matcher_scan(m, t, strlen(t), &res), WSP_OK);
  assert_int_equal(res.nhits, 1);
  int saw_age = 0;
  for (size_t i = 0; i < res.nspans; i++)
    if (res.spans[i].pattern == pattern_index(r, "T-EN-0003", "age")) {
      assert_int_equal(res.spans[i].start, strstr(t, "15") - t);
      assert_int_equal(res.spans[i].end, strstr(t, "15") - t + 2);
      saw_age = 1;
    }
  assert_true(saw_age);
  assert_int_equal(
      wsp_rules_pattern(r, pattern_index(r, "T-EN-0003", "age"))->extract,
      WSP_ENT_AGE);
  wsp_matcher_free(m);
  wsp_rules_free(r);
}

/* A failing inline test is reported with rule and index. */
typedef struct failrec {
  int n, expect;
  size_t index;
  char id[32];
} failrec;

static void on_fail(void *ud, const wsp_rule_info *r, int expect, size_t index,
                    const char *text)
{
  failrec *f = ud;
  (void)text;
  f->n++;
  f->expect = expect;
  f->index = index;
  snprintf(f->id, sizeof(f->id), "%s", r->id);
}

static wsp_rc upper_transform(void *ud, const char *in, size_t len,
                              const char **out, size_t *out_len)
{
  char *buf = ud;
  if (len >= 256)
    return WSP_TOOBIG;
  for (size_t i = 0; i < len; i++)
    buf[i] = (char)(in[i] >= 'a' && in[i] <= 'z' ? in[i] - 32 : in[i]);
  buf[len] = 0;
  *out = buf;
  *out_len = len;
  return WSP_OK;
}

static void test_inline_tests_fail(void **state)
{
  (void)state;
  wsp_rules *r =
      compile_str(RULE_HEAD "    patterns:\n"
                            "      a: {words: [alpha]}\n"
                            "      b: {words: [BETA], nocase: false}\n"
                            "    condition: a or b\n"
                            "    tests:\n"
                            "      match: [\"alpha one\", \"gamma\"]\n"
                            "      no_match: [\"delta\"]\n");
  wsp_matcher *m;
  failrec f = {0};
  size_t passed = 0, failed = 0;
  assert_int_equal(wsp_matcher_new(r, &m), WSP_OK);
  assert_int_equal(
      wsp_rules_run_tests(r, m, NULL, NULL, on_fail, &f, &passed, &failed),
      WSP_OK);
  assert_int_equal(passed, 2);
  assert_int_equal(failed, 1);
  assert_string_equal(f.id, "X-1");
  assert_int_equal(f.expect, 1);
  assert_int_equal(f.index, 1);
  /* the transform is applied: upper-casing makes the case-sensitive
  ** pattern b fire on "delta"? no, but "beta" -> "BETA" does */
  char buf[256];
  passed = failed = 0;
  assert_int_equal(wsp_rules_run_tests(r, m, upper_transform, buf, NULL, NULL,
                                       &passed, &failed),
                   WSP_OK);
  assert_int_equal(failed, 1);
  const char *t = "beta";
  wsp_scan_result res;
  assert_int_equal(wsp_matcher_scan(m, t, 4, &res), WSP_OK);
  assert_int_equal(res.nhits, 0); /* case-sensitive */
  assert_true(fires(m, "X-1", "BETA"));
  wsp_matcher_free(m);
  wsp_rules_free(r);
}

/* ---- loader errors: one per kind, with line and message ----------------- */

static const struct {
  const char *yaml;
  unsigned line;
  const char *msg;
} error_cases[] = {
    /* unknown key, did-you-mean */
    {RULE_HEAD "    titel: x\n"
               "    patterns: {a: {words: [alpha]}}\n"
               "    condition: a\n",
     10, "unknown key 'titel' in rule (did you mean 'title'?)"},
    /* unknown pattern key */
    {RULE_HEAD "    patterns: {a: {word: [alpha]}}\n"
               "    condition: a\n",
     10, "did you mean 'words'?"},
    /* wrong type */
    {RULE_HEAD "    patterns: {a: {words: alpha}}\n"
               "    condition: a\n",
     10, "'words' must be a list"},
    {"schema: waspada/1\nrules:\n  - id: X-1\n    rev: one\n", 4,
     "'rev' must be an integer"},
    {"schema: waspada/1\nrules:\n  - id: X-1\n    score: [1]\n", 4,
     "'score' must be a number"},
    /* missing key */
    {"schema: waspada/1\nrules:\n  - id: X-1\n    rev: 1\n", 3,
     "missing required key 'title'"},
    /* duplicate id */
    {RULE_HEAD "    patterns: {a: {words: [alpha]}}\n"
               "    condition: a\n"
               "  - id: X-1\n"
               "    rev: 1\n"
               "    title: t\n"
               "    category: task_scam\n"
               "    lang: [en]\n"
               "    status: stable\n"
               "    score: 1\n"
               "    patterns: {a: {words: [alpha]}}\n"
               "    condition: a\n",
     12, "duplicate rule id 'X-1' (first defined at mem.yaml:3)"},
    /* undefined pattern */
    {RULE_HEAD "    patterns: {a: {words: [alpha]}}\n"
               "    condition: a and b\n",
     11, "condition names undefined pattern 'b'"},
    /* unused pattern */
    {RULE_HEAD "    patterns:\n"
               "      a: {words: [alpha]}\n"
               "      b: {words: [beta]}\n"
               "    condition: a\n",
     12, "pattern 'b' is not used by the condition"},
    /* empty patterns */
    {RULE_HEAD "    patterns: {a: {words: []}}\n"
               "    condition: a\n",
     10, "pattern 'a' is empty"},
    {RULE_HEAD "    patterns: {a: {regex: ''}}\n"
               "    condition: a\n",
     10, "pattern 'a' is empty"},
    {RULE_HEAD "    patterns: {}\n"
               "    condition: a\n",
     10, "rule has no patterns"},
    /* condition that needs no hit / references nothing */
    {RULE_HEAD "    patterns: {a: {words: [alpha]}}\n"
               "    condition: not a\n",
     11, "condition is true when no pattern matches"},
    {RULE_HEAD "    patterns: {a: {words: [alpha]}}\n"
               "    condition: (a\n",
     11, "unbalanced '('"},
    {RULE_HEAD "    patterns: {a: {words: [alpha]}, b: {words: [beta]}}\n"
               "    condition: 3 of (a, b)\n",
     11, "'N of' needs"},
    /* vocabulary */
    {"schema: waspada/1\nrules:\n  - id: X-1\n    category: task_scm\n", 4,
     "unknown category 'task_scm' (did you mean 'task_scam'?)"},
    {"schema: waspada/1\nrules:\n  - id: X-1\n    status: stabel\n", 4,
     "did you mean 'stable'?"},
    {RULE_HEAD "    patterns: {a: {words: [alpha], extract: phnoe}}\n"
               "    condition: a\n",
     10, "unknown entity kind 'phnoe' (did you mean 'phone'?)"},
    /* invalid regex */
    {RULE_HEAD "    patterns: {a: {regex: 'ab(c'}}\n"
               "    condition: a\n",
     10, "invalid regex at offset 4"},
    /* schema */
    {"schema: waspada/2\nrules: []\n", 1, "unsupported schema"},
    {"schema: waspada/1\nrulez: []\n", 2, "did you mean 'rules'?"},
    /* YAML */
    {"schema: waspada/1\nrules: [\n  {id: x\n", 0, "YAML:"},
    {"schema: &s waspada/1\nrules: *s\n", 2, "aliases are not allowed"},
    {"schema: waspada/1\nrules:\n  - id: X-1\n    id: X-2\n", 4,
     "duplicate key 'id'"},
    {"", 1, "empty rule file"},
};

static void test_loader_errors(void **state)
{
  (void)state;
  for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
    diags ds;
    wsp_rules *r;
    wsp_rc rc = load_str(error_cases[i].yaml, &ds, &r);
    if (rc != WSP_RULES ||
        !has(&ds, WSP_DIAG_ERROR, error_cases[i].line, error_cases[i].msg)) {
      fprintf(stderr, "case %zu: want line %u '%s', got rc %d:\n", i,
              error_cases[i].line, error_cases[i].msg, (int)rc);
      dump(&ds);
      fail();
    }
    assert_string_equal(ds.d[0].file, "mem.yaml");
    assert_int_equal(wsp_rules_count(r), 0); /* nothing of the file kept */
    wsp_rules_free(r);
  }
}

static void test_loader_all_errors_and_columns(void **state)
{
  (void)state;
  diags ds;
  wsp_rules *r;
  const char *y = RULE_HEAD "    titel: x\n"
                            "    patterns:\n"
                            "      a: {words: [alpha]}\n"
                            "      b: {regex: '(x'}\n"
                            "    condition: a and zz\n"
                            "  - id: Y-1\n"
                            "    rev: 0\n";
  assert_int_equal(load_str(y, &ds, &r), WSP_RULES);
  assert_true(ds.errors >= 4);
  assert_true(has(&ds, WSP_DIAG_ERROR, 10, "unknown key 'titel'"));
  assert_true(has(&ds, WSP_DIAG_ERROR, 13, "invalid regex"));
  assert_true(has(&ds, WSP_DIAG_ERROR, 16, "'rev' must be an integer"));
  assert_true(has(&ds, WSP_DIAG_ERROR, 15, "missing required key 'title'"));
  /* column of the unknown key */
  for (size_t i = 0; i < ds.n; i++)
    if (strstr(ds.d[i].msg, "titel"))
      assert_int_equal(ds.d[i].col, 5);
  wsp_rules_free(r);

  /* condition error column points into the condition */
  assert_int_equal(load_str(RULE_HEAD "    patterns: {a: {words: [alpha]}}\n"
                                      "    condition: a and zz\n",
                            &ds, &r),
                   WSP_RULES);
  assert_int_equal(ds.d[0].line, 11);
  assert_int_equal(ds.d[0].col, 5 + strlen("condition: a and "));
  wsp_rules_free(r);
}

static void test_loader_warnings(void **state)
{
  (void)state;
  diags ds;
  wsp_rules *r;
  assert_int_equal(load_str(RULE_HEAD
                            "    patterns:\n"
                            "      a: {words: [ok, alpha]}\n"
                            "      b: {regex: 'x*'}\n"
                            "      c: {regex: '\\d{8,12}'}\n"
                            "      d: {regex: '\\b(ln|luar negeri)\\b'}\n"
                            "    condition: a and b and c and d\n",
                            &ds, &r),
                   WSP_OK);
  assert_int_equal(ds.errors, 0);
  assert_true(has(&ds, WSP_DIAG_WARNING, 11, "shorter than 3 characters"));
  assert_true(has(&ds, WSP_DIAG_WARNING, 12, "can match the empty string"));
  assert_true(has(&ds, WSP_DIAG_WARNING, 13, "no literal part"));
  assert_true(
      has(&ds, WSP_DIAG_WARNING, 14, "1 alternative(s) shorter than 3"));
  assert_true(has(&ds, WSP_DIAG_WARNING, 3, "has no tests"));
  assert_int_equal(wsp_rules_count(r), 1);
  wsp_rules_free(r);
}

static void test_duplicate_across_files(void **state)
{
  (void)state;
  diags ds = {0};
  wsp_rules *r;
  const char *y = RULE_HEAD "    patterns: {a: {words: [alpha]}}\n"
                            "    condition: a\n";
  assert_int_equal(wsp_rules_new(&r), WSP_OK);
  assert_int_equal(
      wsp_rules_add_buffer(r, "one.yaml", y, strlen(y), collect, &ds), WSP_OK);
  assert_int_equal(
      wsp_rules_add_buffer(r, "two.yaml", y, strlen(y), collect, &ds),
      WSP_RULES);
  assert_true(has(&ds, WSP_DIAG_ERROR, 3, "first defined at one.yaml:3"));
  assert_string_equal(ds.d[ds.n - 1].file, "two.yaml");
  assert_int_equal(wsp_rules_count(r), 1);
  assert_int_equal(wsp_rules_find(r, "X-1"), 0);
  wsp_rules_free(r);
}

/* ---- conditions -----------------------------------------------------------
 */

static void test_conditions(void **state)
{
  (void)state;
  const char *names[] = {"a", "b", "c", "d"};
  static const struct {
    const char *cond;
    unsigned hits; /* bit mask */
    int want;
  } cases[] = {
      {"a", 1, 1},
      {"a", 2, 0},
      {"a and b", 3, 1},
      {"a and b", 1, 0},
      {"a or b", 2, 1},
      {"a and not b", 1, 1},
      {"a and not b", 3, 0},
      {"a or b and c", 1, 1}, /* and binds tighter */
      {"(a or b) and c", 1, 0},
      {"(a or b) and c", 6, 1},
      {"not not a", 1, 1},
      {"2 of (a, b, c)", 5, 1},
      {"2 of (a, b, c)", 8 | 1, 0},
      {"3 of (a, b, c)", 7, 1},
      {"any of them", 8, 1},
      {"all of them", 7, 0},
      {"all of them", 15, 1},
      {"all of (a, d)", 9, 1},
      {"any of (b, c) and not d", 2, 1},
      {"any of (b, c) and not d", 10, 0},
      {"2 of them", 12, 1},
      {"a and (b or (c and (d)))", 13, 1},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    wsp_cond c;
    size_t pos;
    char msg[128];
    assert_int_equal(
        wsp__cond_parse(cases[i].cond, names, 4, &c, &pos, msg, sizeof(msg)),
        WSP_OK);
    if (wsp__cond_eval(&c, cases[i].hits) != cases[i].want)
      fail_msg("condition '%s' on %x", cases[i].cond, cases[i].hits);
    wsp__cond_cleanup(&c);
  }
  static const char *bad[] = {"",        "a and",  "a b",    "(a",
                              "a)",      "2 of a", "x",      "0 of (a)",
                              "of them", "a & b",  "any of", "2 of (a,)"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    wsp_cond c;
    size_t pos;
    char msg[128];
    if (wsp__cond_parse(bad[i], names, 4, &c, &pos, msg, sizeof(msg)) !=
        WSP_RULES)
      fail_msg("'%s' parsed", bad[i]);
    assert_true(msg[0] != 0);
  }
  /* deep nesting is refused, not a stack overflow */
  char deep[400];
  memset(deep, '(', 200);
  strcpy(deep + 200, "a");
  wsp_cond c;
  size_t pos;
  char msg[128];
  assert_int_equal(wsp__cond_parse(deep, names, 4, &c, &pos, msg, sizeof(msg)),
                   WSP_RULES);
  assert_non_null(strstr(msg, "nested too deeply"));
}

/* ---- matching ---------------------------------------------------------------
 */

static void test_words_boundaries_and_spans(void **state)
{
  (void)state;
  wsp_rules *r = compile_str(
      RULE_HEAD "    patterns:\n"
                "      job: {words: [kerja, luar negeri, \"+62\", \"c++\"]}\n"
                "      pay: {regex: 'gaji\\s*\\d+\\s*juta'}\n"
                "    condition: job or pay\n");
  wsp_matcher *m;
  wsp_scan_result res;
  assert_int_equal(wsp_matcher_new(r, &m), WSP_OK);
  assert_false(fires(m, "X-1", "pekerjaan rumah"));
  assert_false(fires(m, "X-1", "kerjakan"));
  assert_true(fires(m, "X-1", "KERJA di sini"));
  assert_true(fires(m, "X-1", "di LUAR\n   Negeri"));
  assert_true(fires(m, "X-1", "nomor +62 81234"));
  assert_false(fires(m, "X-1", "nomor +6281234")); /* boundary after 62 */
  assert_true(fires(m, "X-1", "butuh c++ programmer"));
  assert_false(fires(m, "X-1", "luarnegeri"));

  /* spans on multi-byte UTF-8: offsets are bytes into the text */
  const char *t = "\xF0\x9F\x98\x80 Lowongan \xC3\xA9t\xC3\xA9: kerja "
                  "\xE2\x80\x94 GAJI 15 juta, kerja lagi";
  assert_int_equal(wsp_matcher_scan(m, t, strlen(t), &res), WSP_OK);
  assert_int_equal(res.nhits, 1);
  assert_int_equal(res.hits[0].count, 3);
  const char *k1 = strstr(t, "kerja");
  const char *k2 = strstr(k1 + 1, "kerja");
  const char *g = strstr(t, "GAJI");
  size_t job = pattern_index(r, "X-1", "job");
  size_t pay = pattern_index(r, "X-1", "pay");
  int seen = 0;
  for (size_t i = 0; i < res.nspans; i++) {
    const wsp_match_span *s = &res.spans[i];
    if (s->pattern == job && s->start == (size_t)(k1 - t))
      seen |= 1, assert_int_equal(s->end, s->start + 5);
    if (s->pattern == job && s->start == (size_t)(k2 - t))
      seen |= 2, assert_int_equal(s->end, s->start + 5);
    if (s->pattern == pay) {
      seen |= 4;
      assert_int_equal(s->start, g - t);
      assert_int_equal(s->end, g - t + strlen("GAJI 15 juta"));
    }
  }
  assert_int_equal(seen, 7);
  assert_int_equal(res.hits[0].patterns, 3);
  assert_int_equal(res.stats.sanitized, 0);

  /* invalid UTF-8 is masked with offsets kept */
  const char bad[] = "\xff\xfe kerja \xc3 gaji 2 juta \xed\xa0\x80";
  assert_int_equal(wsp_matcher_scan(m, bad, sizeof(bad) - 1, &res), WSP_OK);
  assert_int_equal(res.stats.sanitized, 1);
  assert_int_equal(res.nhits, 1);
  assert_int_equal(res.spans[0].start, 3);
  assert_int_equal(res.spans[0].end, 8);
  /* empty and NULL texts */
  assert_int_equal(wsp_matcher_scan(m, "", 0, &res), WSP_OK);
  assert_int_equal(res.nhits, 0);
  assert_int_equal(wsp_matcher_scan(m, NULL, 0, &res), WSP_OK);
  wsp_matcher_free(m);
  wsp_rules_free(r);
}

static void test_empty_set_and_pcre_only_set(void **state)
{
  (void)state;
  wsp_rules *r = compile_str("schema: waspada/1\nrules: []\n");
  wsp_matcher *m;
  wsp_scan_result res;
  assert_int_equal(wsp_matcher_new(r, &m), WSP_OK);
  assert_int_equal(wsp_matcher_scan(m, "abc", 3, &res), WSP_OK);
  assert_int_equal(res.nhits, 0);
  wsp_matcher_free(m);
  wsp_rules_free(r);

  r = compile_str(RULE_HEAD "    patterns: {a: {regex: 'ab\\Kcd'}}\n"
                            "    condition: a\n");
  assert_int_equal(wsp_rules_pattern(r, 0)->tier, WSP_TIER_PCRE_ONLY);
  assert_int_equal(wsp_matcher_new(r, &m), WSP_OK);
  assert_true(fires(m, "X-1", "xx abcd"));
  assert_false(fires(m, "X-1", "xx abd"));
  wsp_matcher_free(m);
  wsp_rules_free(r);
}

static void test_prefilter_timeout(void **state)
{
  (void)state;
  diags ds;
  wsp_rules *r;
  wsp_err err;
  wsp_rules_opts o = {.no_cache = 1,
                      .prefilter_timeout_ms = 100,
                      .test_prefilter_delay = 30000};
  assert_int_equal(load_str(RULE_HEAD
                            "    patterns: {a: {regex: '(\\w+) \\1 x'}}\n"
                            "    condition: a\n",
                            &ds, &r),
                   WSP_OK);
  assert_int_equal(wsp_rules_compile(r, &o, &err), WSP_OK);
  /* the child did not answer in time: PCRE2 only, still correct */
  assert_int_equal(wsp_rules_pattern(r, 0)->tier, WSP_TIER_PCRE_ONLY);
  wsp_matcher *m;
  assert_int_equal(wsp_matcher_new(r, &m), WSP_OK);
  assert_true(fires(m, "X-1", "go go x"));
  assert_false(fires(m, "X-1", "go went x"));
  wsp_matcher_free(m);
  wsp_rules_free(r);
}

/* ---- regex literal sets ------------------------------------------------- */

static void test_regex_literals(void **state)
{
  (void)state;
  static const struct {
    const char *re;
    size_t n;         /* 0: not a literal set */
    const char *want; /* expansions joined with ',' (lb/rb as < >) */
  } cases[] = {
      {"\\b(modus|korban)\\b", 2, "<modus>,<korban>"},
      {"\\bnon ?prosedural\\b", 2, "<non prosedural>,<nonprosedural>"},
      {"\\bjangan (mudah |pernah )?(tergiur|percaya)\\b", 6,
       "<jangan mudah tergiur>,<jangan mudah percaya>,<jangan pernah "
       "tergiur>,<jangan pernah percaya>,<jangan tergiur>,<jangan percaya>"},
      {"wa\\.me/|t\\.me/", 2, "wa.me/,t.me/"},
      {"\\b(?:ab|cd)e|xyz\\b", 3, "<abe,<cde,xyz>"},
      {"\\bfoo\\b|\\bbar", 2, "<foo>,<bar"},
      {"\\b\\$100", 0, NULL},    /* \b before a non-word character */
      {"\\b(a|b)?\\b", 0, NULL}, /* empty expansion */
      {"gaji\\s+besar", 0, NULL},
      {"[ab]c", 0, NULL},
      {"ab+c", 0, NULL},
      {"a{2}", 0, NULL},
      {"(?i)abc", 0, NULL},
      {"abc$", 0, NULL},
      {"a.c", 0, NULL},
      {"caf\xc3\xa9", 0, NULL},
      {"(ab", 0, NULL},
      {"ab)", 0, NULL},
      {"a\\\\b", 1, "a\\b"}, /* escaped backslash then b */
  };
  wsp_arena a = {0};
  wsp_litstr out[300];
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    size_t n = wsp__regex_literals(cases[i].re, &a, out, 300);
    if (n != cases[i].n)
      fail_msg("'%s': %zu expansions, want %zu", cases[i].re, n, cases[i].n);
    char got[1024] = "";
    for (size_t k = 0; k < n; k++)
      snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s%s%s",
               k ? "," : "", out[k].lb ? "<" : "", out[k].s,
               out[k].rb ? ">" : "");
    if (n)
      assert_string_equal(got, cases[i].want);
  }
  /* blow-up is bounded */
  assert_int_equal(
      wsp__regex_literals("(a|b)(c|d)(e|f)(g|h)(i|j)(k|l)(m|n)(o|p)(q|r)", &a,
                          out, 300),
      0);
  wsp__arena_cleanup(&a);

  /* through the engine: same results as the regex, incl. whitespace */
  wsp_rules *r =
      compile_str(RULE_HEAD "    patterns:\n"
                            "      a: {regex: '\\b(luar negeri|kamboja)\\b'}\n"
                            "    condition: a\n");
  wsp_matcher *m;
  assert_int_equal(wsp_matcher_new(r, &m), WSP_OK);
  assert_true(fires(m, "X-1", "ke LUAR NEGERI\n"));
  assert_true(fires(m, "X-1", "ke  kamboja\t"));
  assert_false(fires(m, "X-1", "ke luar\nnegeri")); /* regex: one space */
  assert_false(fires(m, "X-1", "ke luar  negeri"));
  assert_false(fires(m, "X-1", "kambojanya"));
  wsp_scan_result res;
  const char *t = "a\n\nke luar negeri";
  assert_int_equal(wsp_matcher_scan(m, t, strlen(t), &res), WSP_OK);
  assert_int_equal(res.nhits, 1);
  assert_int_equal(res.stats.pcre_confirms, 1);
  assert_int_equal(res.spans[0].start, 6);
  wsp_matcher_free(m);
  wsp_rules_free(r);
}

/* ---- threads: one shared set, a matcher per thread ---------------------- */

typedef struct thr {
  const wsp_rules *r;
  size_t hits;
  int rc;
} thr;

static void *thr_main(void *arg)
{
  thr *t = arg;
  wsp_matcher *m = NULL;
  static const char *texts[] = {
      "Lowongan kerja ke Malaysia tanpa biaya! hubungi WA 081234567890",
      "hubungi hubungi segera via telegram", "Lowongan: usia 15 boleh",
      "Typing job in Sihanoukville, free flight and free accommodation",
      "nothing to see here"};
  t->rc = wsp_matcher_new(t->r, &m);
  for (int k = 0; k < 50 && t->rc == WSP_OK; k++)
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
      wsp_scan_result res;
      t->rc = wsp_matcher_scan(m, texts[i], strlen(texts[i]), &res);
      t->hits += res.nhits;
    }
  wsp_matcher_free(m);
  return NULL;
}

static void test_threads(void **state)
{
  (void)state;
  const char *paths[] = {STARTER};
  wsp_rules *r;
  wsp_err err;
  pthread_t th[4];
  thr t[4];
  assert_int_equal(wsp_rules_build(paths, 1, &nocache, NULL, NULL, &r, &err),
                   WSP_OK);
  /* first uses of every PCRE2 pattern (lazy JIT) race across threads */
  for (int i = 0; i < 4; i++) {
    t[i] = (thr){r, 0, 0};
    assert_int_equal(pthread_create(&th[i], NULL, thr_main, &t[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    assert_int_equal(t[i].rc, WSP_OK);
    assert_int_equal(t[i].hits, 50 * 4); /* 4 of the 5 texts fire a rule */
  }
  wsp_rules_free(r);
}

/* ---- cache -----------------------------------------------------------------
 */

static wsp_rules *build_cached(const char *dir, int *hit)
{
  wsp_rules *r;
  wsp_err err;
  const char *paths[] = {STARTER};
  wsp_rules_opts o = {.cache_dir = dir};
  assert_int_equal(wsp_rules_build(paths, 1, &o, NULL, NULL, &r, &err), WSP_OK);
  wsp_rules_stats st;
  wsp_rules_get_stats(r, &st);
  *hit = st.cache_hit;
  return r;
}

static void check_works(wsp_rules *r)
{
  wsp_matcher *m;
  size_t passed = 0, failed = 0;
  assert_int_equal(wsp_matcher_new(r, &m), WSP_OK);
  assert_int_equal(
      wsp_rules_run_tests(r, m, NULL, NULL, NULL, NULL, &passed, &failed),
      WSP_OK);
  assert_int_equal(failed, 0);
  assert_true(passed > 0);
  assert_int_equal(
      wsp_rules_pattern(r, pattern_index(r, "T-ID-0005", "repeated"))->tier,
      WSP_TIER_PREFILTER);
  wsp_matcher_free(m);
}

static char *cache_file(const char *dir)
{
  static char path[512];
  char cmd[600];
  snprintf(cmd, sizeof(cmd), "ls %s/*.hsdb 2>/dev/null | head -1", dir);
  FILE *p = popen(cmd, "r");
  path[0] = 0;
  if (p) {
    if (!fgets(path, sizeof(path), p))
      path[0] = 0;
    pclose(p);
  }
  path[strcspn(path, "\n")] = 0;
  return path;
}

static void test_cache(void **state)
{
  (void)state;
  char dir[] = "/tmp/wsp-match-cache-XXXXXX";
  assert_non_null(mkdtemp(dir));
  int hit;
  wsp_rules *r = build_cached(dir, &hit);
  assert_int_equal(hit, 0); /* miss */
  check_works(r);
  wsp_rules_free(r);
  const char *f = cache_file(dir);
  assert_true(f[0]);

  r = build_cached(dir, &hit);
  assert_int_equal(hit, 1); /* hit */
  check_works(r);
  wsp_rules_free(r);

  /* corrupt one byte in the middle of the database */
  struct stat st;
  assert_int_equal(stat(f, &st), 0);
  FILE *fp = fopen(f, "r+b");
  assert_non_null(fp);
  fseek(fp, st.st_size / 2, SEEK_SET);
  int c = fgetc(fp);
  fseek(fp, st.st_size / 2, SEEK_SET);
  fputc(c ^ 0x5a, fp);
  fclose(fp);
  r = build_cached(dir, &hit);
  assert_int_equal(hit, 0); /* detected, rebuilt */
  check_works(r);
  wsp_rules_free(r);
  r = build_cached(dir, &hit);
  assert_int_equal(hit, 1); /* rewritten */
  wsp_rules_free(r);

  /* truncated file */
  assert_int_equal(truncate(f, st.st_size - 7), 0);
  r = build_cached(dir, &hit);
  assert_int_equal(hit, 0);
  check_works(r);
  wsp_rules_free(r);

  /* unwritable cache dir: works, only a warning */
  r = build_cached("/proc/wsp-no-such-dir/x", &hit);
  assert_int_equal(hit, 0);
  check_works(r);
  wsp_rules_free(r);

  char cmd[600];
  snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
}

/* ---- reload ---------------------------------------------------------------
 */

static void test_reload_keeps_old(void **state)
{
  (void)state;
  wsp_rules *r = NULL;
  wsp_rules_holder *h;
  wsp_err err;
  const char *good[] = {STARTER};
  const char *bad[] = {"tests/fixtures/rules/bad"};
  const char *missing[] = {"tests/fixtures/rules/no-such-dir"};
  diags ds = {0};

  assert_int_equal(wsp_rules_build(good, 1, &nocache, NULL, NULL, &r, &err),
                   WSP_OK);
  assert_int_equal(wsp_rules_holder_new(r, &h), WSP_OK);
  uint64_t g0;
  wsp_rules *cur = wsp_rules_holder_get(h, &g0);
  wsp_matcher *m;
  assert_int_equal(wsp_matcher_new(cur, &m), WSP_OK);
  wsp_rules_free(cur); /* the matcher keeps its own reference */

  assert_int_equal(
      wsp_rules_holder_reload(h, bad, 1, &nocache, collect, &ds, &err),
      WSP_RULES);
  assert_true(ds.errors > 0);
  assert_int_equal(wsp_rules_holder_generation(h), g0);
  assert_int_not_equal(
      wsp_rules_holder_reload(h, missing, 1, &nocache, NULL, NULL, &err),
      WSP_OK);
  assert_int_equal(wsp_rules_holder_generation(h), g0);
  cur = wsp_rules_holder_get(h, NULL);
  assert_ptr_equal(cur, wsp_matcher_rules(m));
  wsp_rules_free(cur);
  assert_true(fires(m, "T-EN-0002", "typing job in myawaddy, free flight"));

  /* a good reload swaps; the old matcher keeps working on the old set */
  assert_int_equal(
      wsp_rules_holder_reload(h, good, 1, &nocache, NULL, NULL, &err), WSP_OK);
  assert_int_equal(wsp_rules_holder_generation(h), g0 + 1);
  cur = wsp_rules_holder_get(h, NULL);
  assert_ptr_not_equal(cur, wsp_matcher_rules(m));
  assert_true(fires(m, "T-EN-0002", "typing job in myawaddy, free flight"));
  wsp_matcher_free(m);
  assert_int_equal(wsp_matcher_new(cur, &m), WSP_OK);
  assert_true(fires(m, "T-EN-0002", "typing job in myawaddy, free flight"));
  wsp_matcher_free(m);
  wsp_rules_free(cur);
  wsp_rules_holder_free(h);
}

/* ---- hostile rule files ----------------------------------------------------
 */

static void test_hostile(void **state)
{
  (void)state;
  diags ds;
  wsp_rules *r;

  /* larger than the limit */
  size_t big = WSP_RULES_MAX_FILE + 1;
  char *buf = malloc(big + 1);
  assert_non_null(buf);
  memset(buf, '#', big);
  buf[big] = 0;
  assert_int_equal(wsp_rules_new(&r), WSP_OK);
  memset(&ds, 0, sizeof(ds));
  assert_int_equal(wsp_rules_add_buffer(r, "big", buf, big, collect, &ds),
                   WSP_RULES);
  assert_true(has(&ds, WSP_DIAG_ERROR, 0, "larger than"));
  wsp_rules_free(r);

  /* deeply nested flow sequences (a few MB of '[') */
  size_t deep = 4u << 20;
  memset(buf, '[', deep);
  buf[deep] = 0;
  assert_int_equal(wsp_rules_new(&r), WSP_OK);
  memset(&ds, 0, sizeof(ds));
  assert_int_equal(wsp_rules_add_buffer(r, "deep", buf, deep, collect, &ds),
                   WSP_RULES);
  assert_true(has(&ds, WSP_DIAG_ERROR, 0, "nested deeper"));
  wsp_rules_free(r);

  /* deeply nested block mappings */
  size_t n = 0;
  for (int i = 0; i < 100 && n < big - 300; i++) {
    for (int k = 0; k < i; k++)
      buf[n++] = ' ';
    n += (size_t)sprintf(buf + n, "k%d:\n", i);
  }
  buf[n] = 0;
  assert_int_equal(load_str(buf, &ds, &r), WSP_RULES);
  assert_true(has(&ds, WSP_DIAG_ERROR, 0, "nested deeper"));
  wsp_rules_free(r);

  /* binary garbage */
  unsigned seed = 12345;
  for (int round = 0; round < 50; round++) {
    size_t len = 64 + (size_t)(round * 97);
    for (size_t i = 0; i < len; i++) {
      seed = seed * 1103515245u + 12345u;
      buf[i] = (char)(seed >> 16);
    }
    assert_int_equal(wsp_rules_new(&r), WSP_OK);
    memset(&ds, 0, sizeof(ds));
    wsp_rc rc = wsp_rules_add_buffer(r, "bin", buf, len, collect, &ds);
    assert_true(rc == WSP_RULES || rc == WSP_OK);
    if (rc == WSP_RULES)
      assert_true(ds.errors > 0);
    wsp_rules_free(r);
  }
  /* NUL inside a string, a regex bomb that PCRE2 limits bound */
  assert_int_equal(
      load_str("schema: waspada/1\nrules:\n  - id: \"a\\0b\"\n", &ds, &r),
      WSP_RULES);
  assert_true(has(&ds, WSP_DIAG_ERROR, 3, "NUL"));
  wsp_rules_free(r);
  wsp_rules *rb = compile_str(RULE_HEAD "    patterns: {a: {regex: "
                                        "'(?:(a+)+)+\\Kb'}}\n"
                                        "    condition: a\n");
  wsp_matcher *m;
  assert_int_equal(wsp_matcher_new(rb, &m), WSP_OK);
  memset(buf, 'a', 5000);
  buf[5000] = 'c';
  wsp_scan_result res;
  assert_int_equal(wsp_matcher_scan(m, buf, 5001, &res), WSP_OK);
  assert_int_equal(res.nhits, 0);
  wsp_matcher_free(m);
  wsp_rules_free(rb);
  free(buf);

  /* a directory with a broken file */
  memset(&ds, 0, sizeof(ds));
  assert_int_equal(wsp_rules_new(&r), WSP_OK);
  assert_int_equal(
      wsp_rules_add_path(r, "tests/fixtures/rules/bad", collect, &ds),
      WSP_RULES);
  assert_true(ds.errors > 0);
  assert_true(strstr(ds.d[0].file, "tests/fixtures/rules/bad/") != NULL);
  wsp_rules_free(r);
}

/* ---- allocation failures ----------------------------------------------------
 */

/* Make the N-th allocation fail for N = 0, 1, ... until a build + scan
** succeeds; every failure must be clean (ASan checks for leaks). */
static void alloc_loop(const char *path, const char *yaml,
                       const wsp_rules_opts *o)
{
  for (long n = 0; n < 100000; n++) {
    wsp_rules *r = NULL;
    wsp_matcher *m = NULL;
    wsp_err err;
    wsp_rc rc;
    wsp_alloc_fail_after(n);
    if (path) {
      const char *paths[] = {path};
      rc = wsp_rules_build(paths, 1, o, NULL, NULL, &r, &err);
    } else {
      rc = wsp_rules_new(&r);
      if (rc == WSP_OK)
        rc = wsp_rules_add_buffer(r, "m", yaml, strlen(yaml), NULL, NULL);
      if (rc == WSP_OK)
        rc = wsp_rules_compile(r, o, &err);
    }
    if (rc == WSP_OK)
      rc = wsp_matcher_new(r, &m);
    if (rc == WSP_OK) {
      wsp_scan_result res;
      const char *t = "Typing job in Sihanoukville, free flight, alpha kerja";
      rc = wsp_matcher_scan(m, t, strlen(t), &res);
    }
    wsp_alloc_fail_after(-1);
    wsp_matcher_free(m);
    wsp_rules_free(r);
    if (rc == WSP_OK)
      return;
    assert_true(rc == WSP_NOMEM || rc == WSP_RULES || rc == WSP_COMPILE);
  }
  fail_msg("never succeeded");
}

static void test_alloc_failures(void **state)
{
  (void)state;
  /* compile path (no cache) on a small set; no prefilter candidates, whose
  ** fork per attempt would make this slow (their paths are tested above) */
  alloc_loop(NULL,
             RULE_HEAD "    patterns:\n"
                       "      a: {words: [alpha, beta]}\n"
                       "      b: {regex: '(\\w+) \\d+'}\n"
                       "      c: {regex: '\\b(kerja|luar negeri)\\b'}\n"
                       "    condition: a or b or c\n"
                       "    tests: {match: [alpha]}\n",
             &nocache);
  /* the whole starter pack, warm cache (loader, cache load, matcher) */
  char dir[] = "/tmp/wsp-match-oom-XXXXXX";
  assert_non_null(mkdtemp(dir));
  wsp_rules_opts o = {.cache_dir = dir};
  int hit;
  wsp_rules_free(build_cached(dir, &hit));
  alloc_loop(STARTER, NULL, &o);
  char cmd[600];
  snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
}

static void test_names(void **state)
{
  (void)state;
  assert_string_equal(wsp_category_name(WSP_CAT_ship_crew), "ship_crew");
  assert_int_equal(wsp_category_lookup("advance_fee"), WSP_CAT_advance_fee);
  assert_int_equal(wsp_category_lookup("nope"), -1);
  assert_null(wsp_category_name(WSP_CAT__COUNT));
  assert_string_equal(wsp_rule_status_name(WSP_STATUS_DEPRECATED),
                      "deprecated");
  assert_string_equal(wsp_tier_name(WSP_TIER_PCRE_ONLY), "pcre_only");
  assert_int_equal(wsp_extract_kind_lookup("telegram"), WSP_ENT_TELEGRAM);
  assert_string_equal(wsp_extract_kind_name(WSP_ENT_REGION), "region");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names),
      cmocka_unit_test(test_starter_pack),
      cmocka_unit_test(test_inline_tests_fail),
      cmocka_unit_test(test_loader_errors),
      cmocka_unit_test(test_loader_all_errors_and_columns),
      cmocka_unit_test(test_loader_warnings),
      cmocka_unit_test(test_duplicate_across_files),
      cmocka_unit_test(test_conditions),
      cmocka_unit_test(test_words_boundaries_and_spans),
      cmocka_unit_test(test_empty_set_and_pcre_only_set),
      cmocka_unit_test(test_regex_literals),
      cmocka_unit_test(test_threads),
      cmocka_unit_test(test_prefilter_timeout),
      cmocka_unit_test(test_cache),
      cmocka_unit_test(test_reload_keeps_old),
      cmocka_unit_test(test_hostile),
      cmocka_unit_test(test_alloc_failures),
  };
  if (getenv("WSP_TEST_FILTER")) /* run a subset: WSP_TEST_FILTER=test_cache */
    cmocka_set_test_filter(getenv("WSP_TEST_FILTER"));
  return cmocka_run_group_tests(tests, NULL, NULL);
}
