/* Unit tests for core/buf: growth, the hard ceiling, allocation failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/alloc.h"
#include "core/buf.h"

#include <string.h>

static void appends_and_terminates(void **state)
{
  wsp_buf b;
  (void)state;
  wsp_buf_init(&b, 1024);
  assert_string_equal(wsp_buf_str(&b), "");
  assert_int_equal(wsp_buf_puts(&b, "loker "), WSP_OK);
  assert_int_equal(wsp_buf_printf(&b, "gaji %d jt", 15), WSP_OK);
  assert_int_equal(wsp_buf_putc(&b, '!'), WSP_OK);
  assert_string_equal(wsp_buf_str(&b), "loker gaji 15 jt!");
  assert_int_equal(b.len, strlen("loker gaji 15 jt!"));
  wsp_buf_reset(&b);
  assert_int_equal(b.len, 0);
  assert_string_equal(wsp_buf_str(&b), "");
  wsp_buf_cleanup(&b);
}

static void ceiling_is_exact_and_leaves_contents(void **state)
{
  wsp_buf b;
  char chunk[100];
  (void)state;
  memset(chunk, 'a', sizeof(chunk));
  wsp_buf_init(&b, 250);
  assert_int_equal(wsp_buf_append(&b, chunk, 100), WSP_OK);
  assert_int_equal(wsp_buf_append(&b, chunk, 100), WSP_OK);
  /* 200 + 51 > 250: refused, contents unchanged */
  assert_int_equal(wsp_buf_append(&b, chunk, 51), WSP_TOOBIG);
  assert_int_equal(b.len, 200);
  assert_int_equal(wsp_buf_append(&b, chunk, 50), WSP_OK); /* exactly 250 */
  assert_int_equal(b.len, 250);
  assert_int_equal(wsp_buf_putc(&b, 'x'), WSP_TOOBIG);
  assert_int_equal(wsp_buf_printf(&b, "%d", 1), WSP_TOOBIG);
  assert_int_equal(b.data[250], '\0');
  /* a length that would overflow size_t arithmetic is refused too */
  assert_int_equal(wsp_buf_append(&b, chunk, (size_t)-1), WSP_TOOBIG);
  wsp_buf_cleanup(&b);
}

static void allocation_failure_is_clean(void **state)
{
  wsp_buf b;
  size_t len;
  char *p;
  (void)state;
  wsp_buf_init(&b, 1 << 20);
  wsp_alloc_fail_after(0);
  assert_int_equal(wsp_buf_puts(&b, "x"), WSP_NOMEM);
  wsp_alloc_fail_after(-1);
  assert_int_equal(b.len, 0);
  assert_int_equal(wsp_buf_puts(&b, "ok"), WSP_OK);
  p = wsp_buf_detach(&b, &len);
  assert_int_equal(len, 2);
  assert_string_equal(p, "ok");
  assert_null(b.data);
  wsp_free(p);
  wsp_buf_cleanup(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(appends_and_terminates),
      cmocka_unit_test(ceiling_is_exact_and_leaves_contents),
      cmocka_unit_test(allocation_failure_is_clean),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
