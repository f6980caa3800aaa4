/* Unit tests for core/config: parsing, typed lookups, errors with file and
** line, unknown-key detection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/config.h"

#include <string.h>

static const char good[] = "# waspada settings\n"
                           "top = 1\n"
                           "[verdict]\n"
                           "low = 2.5   \n"
                           "flag_level = \"high\"\n"
                           "cap.task_scam = 3\n"
                           "\n"
                           "; comment\n"
                           "[scan]\r\n"
                           "jobs=2\r\n"
                           "low = 9\n";

static void parses_sections_and_values(void **state)
{
  wsp_config *c;
  wsp_err err;
  double d;
  long l;
  (void)state;
  assert_int_equal(wsp_config_parse("t.conf", good, strlen(good), &c, &err),
                   WSP_OK);
  assert_string_equal(wsp_config_str(c, "top", NULL), "1");
  assert_string_equal(wsp_config_str(c, "verdict.flag_level", NULL), "high");
  assert_string_equal(wsp_config_str(c, "verdict.missing", "dflt"), "dflt");
  assert_int_equal(wsp_config_double(c, "verdict.low", 0, 0, 10, &d, &err),
                   WSP_OK);
  assert_true(d == 2.5);
  assert_int_equal(wsp_config_int(c, "scan.jobs", 0, 0, 64, &l, &err), WSP_OK);
  assert_int_equal(l, 2);
  assert_int_equal(wsp_config_int(c, "scan.absent", 7, 0, 64, &l, &err),
                   WSP_OK);
  assert_int_equal(l, 7);
  /* out of range and not-a-number name the file and line */
  assert_int_equal(wsp_config_double(c, "scan.low", 0, 0, 5, &d, &err),
                   WSP_PARSE);
  assert_string_equal(err.msg, "t.conf:11: scan.low: 9 is outside [0, 5]");
  assert_int_equal(wsp_config_set(c, "scan.jobs", "many"), WSP_OK);
  assert_int_equal(wsp_config_int(c, "scan.jobs", 0, 0, 64, &l, &err),
                   WSP_PARSE);
  assert_non_null(strstr(err.msg, "'many' is not an integer"));
  wsp_config_free(c);
}

static void unknown_keys_are_reported(void **state)
{
  wsp_config *c;
  wsp_err err;
  static const char *const known[] = {"verdict.low", "verdict.flag_level",
                                      "verdict.cap.*", NULL};
  static const char *const too_few[] = {"verdict.low", NULL};
  (void)state;
  assert_int_equal(wsp_config_parse("t.conf", good, strlen(good), &c, &err),
                   WSP_OK);
  assert_int_equal(wsp_config_check(c, "verdict.", known, &err), WSP_OK);
  assert_int_equal(wsp_config_check(c, "verdict.", too_few, &err), WSP_PARSE);
  assert_string_equal(err.msg,
                      "t.conf:5: unknown setting 'verdict.flag_level'");
  wsp_config_free(c);
}

static void syntax_errors_name_the_line(void **state)
{
  static const struct {
    const char *text, *msg;
  } cases[] = {
      {"a = 1\nno equals here\n", "x.conf:2: expected 'key = value'"},
      {"[unterminated\n", "x.conf:1: malformed [section] header"},
      {"[]\n", "x.conf:1: malformed [section] header"},
      {"= 3\n", "x.conf:1: missing key"},
      {"a b = 3\n", "x.conf:1: invalid character in key"},
  };
  (void)state;
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    wsp_config *c;
    wsp_err err;
    assert_int_equal(wsp_config_parse("x.conf", cases[i].text,
                                      strlen(cases[i].text), &c, &err),
                     WSP_PARSE);
    assert_null(c);
    assert_string_equal(err.msg, cases[i].msg);
  }
}

static void missing_file_is_io_error(void **state)
{
  wsp_config *c;
  wsp_err err;
  (void)state;
  assert_int_equal(wsp_config_load("/nonexistent/w.conf", &c, &err), WSP_IO);
  assert_non_null(strstr(err.msg, "/nonexistent/w.conf"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(parses_sections_and_values),
      cmocka_unit_test(unknown_keys_are_reported),
      cmocka_unit_test(syntax_errors_name_the_line),
      cmocka_unit_test(missing_file_is_io_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
