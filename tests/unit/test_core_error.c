/* Unit tests for core/error: every code has a distinct message and name, and
** the detail buffer formats and truncates safely. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/error.h"

#include <string.h>

static void every_code_has_a_message(void **state)
{
  (void)state;
  for (int rc = 0; rc < WSP__RC_COUNT; rc++) {
    const char *msg = wsp_strerror((wsp_rc)rc);
    assert_non_null(msg);
    assert_true(strlen(msg) > 0);
    assert_string_not_equal(msg, "unknown error");
    assert_string_not_equal(wsp_rc_name((wsp_rc)rc), "UNKNOWN");
    for (int other = 0; other < rc; other++)
      assert_string_not_equal(msg, wsp_strerror((wsp_rc)other));
  }
}

static void unknown_codes_are_named(void **state)
{
  (void)state;
  assert_string_equal(wsp_strerror((wsp_rc)WSP__RC_COUNT), "unknown error");
  assert_string_equal(wsp_strerror((wsp_rc)-1), "unknown error");
  assert_string_equal(wsp_rc_name(WSP_NOMEM), "NOMEM");
  assert_int_equal(WSP_OK, 0); /* codes are never renumbered */
}

static void err_buffer_formats_and_truncates(void **state)
{
  wsp_err err;
  char big[2 * WSP_ERR_MAX];

  (void)state;
  assert_int_equal(wsp_err_set(&err, WSP_PARSE, "%s:%d: bad", "f.yaml", 7),
                   WSP_PARSE);
  assert_string_equal(err.msg, "f.yaml:7: bad");
  memset(big, 'x', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  wsp_err_set(&err, WSP_IO, "%s", big);
  assert_int_equal(strlen(err.msg), WSP_ERR_MAX - 1);
  wsp_err_clear(&err);
  assert_string_equal(err.msg, "");
  assert_int_equal(wsp_err_set(NULL, WSP_IO, "ignored"), WSP_IO);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_code_has_a_message),
      cmocka_unit_test(unknown_codes_are_named),
      cmocka_unit_test(err_buffer_formats_and_truncates),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
