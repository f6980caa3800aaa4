/* tests/unit/test_bayes_data.c: the labelled-data readers of the Bayes
** module: RFC 4180 CSV (quotes, "" escapes, embedded newlines, CRLF, BOM),
** TSV without quoting, JSONL, per-file specs, and errors with file:line.
** Fixtures: tests/fixtures/bayes/. */
#include "bayes/dataset.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define MAXROWS 8

typedef struct rows {
  char text[MAXROWS][128];
  int scam[MAXROWS];
  unsigned long line[MAXROWS];
  size_t n;
} rows;

static wsp_rc collect(void *ud, const char *text, size_t len, int is_scam,
                      unsigned long line)
{
  rows *r = ud;
  assert_true(r->n < MAXROWS);
  assert_true(len < sizeof(r->text[0]));
  assert_int_equal(strlen(text), len);
  memcpy(r->text[r->n], text, len + 1);
  r->scam[r->n] = is_scam;
  r->line[r->n] = line;
  r->n++;
  return WSP_OK;
}

static wsp_rc read_spec(const char *operand, rows *r, size_t *n, wsp_err *err)
{
  wsp_data_spec def, s;
  char op[512];
  const char *dir = getenv("WSP_SOURCE_DIR");

  snprintf(op, sizeof(op), "%s/tests/fixtures/bayes/%s", dir ? dir : ".",
           operand);
  wsp_data_spec_default(&def);
  assert_int_equal(wsp_data_spec_parse(op, &def, &s, err), WSP_OK);
  memset(r, 0, sizeof(*r));
  wsp_err_clear(err);
  return wsp_data_read(&s, collect, r, n, err);
}

static void expect_error(const char *operand, wsp_rc want, const char *needle)
{
  rows r;
  wsp_err err;
  size_t n;
  assert_int_equal(read_spec(operand, &r, &n, &err), want);
  if (!strstr(err.msg, needle))
    fail_msg("error '%s' lacks '%s'", err.msg, needle);
}

static void test_csv_quotes_bom_newlines(void **state)
{
  (void)state;
  rows r;
  wsp_err err;
  size_t n;

  assert_int_equal(
      read_spec("quotes.csv::text=teks,label=LABEL,scam=1+fraud", &r, &n, &err),
      WSP_OK);
  assert_int_equal(n, 4);
  assert_string_equal(r.text[0], "Selamat! Anda menang \"hadiah\" 10 juta");
  assert_int_equal(r.scam[0], 1);
  assert_int_equal(r.line[0], 2);
  assert_string_equal(r.text[1], "baris satu\nbaris dua");
  assert_int_equal(r.scam[1], 0);
  assert_int_equal(r.line[1], 3);
  assert_string_equal(r.text[2], "plain text");
  assert_int_equal(r.scam[2], 1); /* "  Fraud " trimmed, any case */
  assert_int_equal(r.line[2], 6);
  assert_string_equal(r.text[3], "koma, di dalam");
  assert_int_equal(r.scam[3], 0); /* 2 is not a scam value */
  assert_int_equal(r.line[3], 7);
}

static void test_csv_errors(void **state)
{
  (void)state;
  expect_error("missing_col.csv::text=Teks,label=Label", WSP_PARSE,
               "missing_col.csv:1: no column 'Label' (columns: 'Teks', "
               "'Kelas')");
  expect_error("short_row.csv::text=Teks,label=Label", WSP_PARSE,
               "short_row.csv:5: row has 1 fields");
  expect_error("unterminated.csv::text=Teks,label=Label", WSP_PARSE,
               "unterminated.csv:3: unterminated quoted field");
  expect_error("nonexistent.csv", WSP_IO, "nonexistent.csv");
  expect_error("data.unknown", WSP_INVAL, "cannot tell the format");
}

static void test_tsv_no_quoting(void **state)
{
  (void)state;
  rows r;
  wsp_err err;
  size_t n;

  assert_int_equal(read_spec("data.tsv::text=SMS,scam=spam", &r, &n, &err),
                   WSP_OK);
  assert_int_equal(n, 2);
  assert_string_equal(r.text[0], "\"Free\" entry now");
  assert_int_equal(r.scam[0], 1);
  assert_string_equal(r.text[1], "see you");
  assert_int_equal(r.scam[1], 0);
  /* the same file read as CSV has no column "SMS" */
  expect_error("data.tsv::text=SMS,scam=spam,format=csv", WSP_PARSE,
               "no column 'SMS'");
}

static void test_jsonl(void **state)
{
  (void)state;
  rows r;
  wsp_err err;
  size_t n;

  assert_int_equal(
      read_spec("data.jsonl::text=title+text,scam=1+true", &r, &n, &err),
      WSP_OK);
  assert_int_equal(n, 3);
  assert_string_equal(r.text[0], "loker kamboja");
  assert_int_equal(r.scam[0], 1); /* number 1 */
  assert_string_equal(r.text[1], "rapat");
  assert_int_equal(r.scam[1], 0);
  assert_int_equal(r.line[1], 3); /* blank line 2 skipped */
  assert_string_equal(r.text[2], "T\nbody");
  assert_int_equal(r.scam[2], 1); /* true */
  expect_error("bad.jsonl", WSP_PARSE, "bad.jsonl:2: not a JSON object");
  expect_error("nolabel.jsonl", WSP_PARSE, "nolabel.jsonl:1: no label field");
}

static void test_spec_parse(void **state)
{
  (void)state;
  wsp_data_spec def, s;
  wsp_err err;

  wsp_data_spec_default(&def);
  assert_int_equal(wsp_data_spec_parse("a/b.csv", &def, &s, &err), WSP_OK);
  assert_string_equal(s.path, "a/b.csv");
  assert_string_equal(s.text, "text");
  assert_int_equal(
      wsp_data_spec_parse("x.txt::format=jsonl,label=y", &def, &s, &err),
      WSP_OK);
  assert_string_equal(s.path, "x.txt");
  assert_int_equal(s.format, WSP_FMT_JSONL);
  assert_string_equal(s.label, "y");
  assert_int_equal(wsp_data_spec_parse("x.csv::colour=red", &def, &s, &err),
                   WSP_INVAL);
  assert_non_null(strstr(err.msg, "unknown key 'colour'"));
  assert_int_equal(wsp_data_spec_parse("x.csv::text", &def, &s, &err),
                   WSP_INVAL);
  assert_int_equal(wsp_data_spec_parse("x.csv::format=xml", &def, &s, &err),
                   WSP_INVAL);
  assert_int_equal(wsp_data_spec_parse("::text=a", &def, &s, &err), WSP_INVAL);
}

static wsp_rc stop_at_second(void *ud, const char *text, size_t len,
                             int is_scam, unsigned long line)
{
  size_t *calls = ud;
  (void)text, (void)len, (void)is_scam, (void)line;
  return ++*calls == 2 ? WSP_INTERRUPTED : WSP_OK;
}

static void test_callback_stops(void **state)
{
  (void)state;
  wsp_data_spec def, s;
  wsp_err err;
  size_t calls = 0, n;
  char op[512];
  const char *dir = getenv("WSP_SOURCE_DIR");

  snprintf(op, sizeof(op), "%s/tests/fixtures/bayes/data.tsv::text=SMS",
           dir ? dir : ".");
  wsp_data_spec_default(&def);
  assert_int_equal(wsp_data_spec_parse(op, &def, &s, &err), WSP_OK);
  assert_int_equal(wsp_data_read(&s, stop_at_second, &calls, &n, &err),
                   WSP_INTERRUPTED);
  assert_int_equal(calls, 2);
  assert_int_equal(n, 1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csv_quotes_bom_newlines),
      cmocka_unit_test(test_csv_errors),
      cmocka_unit_test(test_tsv_no_quoting),
      cmocka_unit_test(test_jsonl),
      cmocka_unit_test(test_spec_parse),
      cmocka_unit_test(test_callback_stops),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
