/* Unit tests for core/hash, core/timeutil, core/log and core/alloc. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/timeutil.h"

#include <string.h>

static void hash_is_stable_and_spreads(void **state)
{
  const char *s = "loker kamboja gaji 15 jt";
  uint64_t h = wsp_hash64(s, strlen(s), 0);
  (void)state;
  assert_true(h == wsp_hash64(s, strlen(s), 0));
  assert_true(h != wsp_hash64(s, strlen(s), 1));
  assert_true(h != wsp_hash64(s, strlen(s) - 1, 0));
  assert_true(wsp_hash64("", 0, 0) != wsp_hash64("a", 1, 0));
  /* one flipped bit changes about half the output bits, for every length */
  for (size_t n = 1; n <= 40; n++) {
    char a[40], b[40];
    memset(a, 'q', n);
    memcpy(b, a, n);
    b[n / 2] ^= 1;
    uint64_t d = wsp_hash64(a, n, 0) ^ wsp_hash64(b, n, 0);
    int bits = __builtin_popcountll(d);
    assert_in_range(bits, 12, 52);
  }
}

static void rfc3339_round_trip(void **state)
{
  char out[WSP_RFC3339_LEN];
  int64_t t;
  (void)state;
  assert_int_equal(wsp_time_parse_rfc3339("1970-01-01T00:00:00Z", 20, &t),
                   WSP_OK);
  assert_int_equal(t, 0);
  assert_int_equal(wsp_time_parse_rfc3339("2026-11-23T12:48:00Z", 20, &t),
                   WSP_OK);
  assert_string_equal(wsp_time_format_rfc3339(t, out), "2026-11-23T12:48:00Z");
  assert_int_equal(
      wsp_time_parse_rfc3339("2026-11-23T19:48:00.123+07:00", 29, &t), WSP_OK);
  assert_string_equal(wsp_time_format_rfc3339(t, out), "2026-11-23T12:48:00Z");
  assert_int_equal(wsp_time_parse_rfc3339("2024-02-29", 10, &t), WSP_OK);
  assert_string_equal(wsp_time_format_rfc3339(t, out), "2024-02-29T00:00:00Z");
  assert_int_equal(wsp_time_parse_rfc3339("2024-13-01", 10, &t), WSP_PARSE);
  assert_int_equal(wsp_time_parse_rfc3339("2024-01-01T25:00:00Z", 20, &t),
                   WSP_PARSE);
  assert_int_equal(wsp_time_parse_rfc3339("2024-01-01T10:00:00", 19, &t),
                   WSP_PARSE);
  assert_int_equal(wsp_time_parse_rfc3339("yesterday", 9, &t), WSP_PARSE);
  assert_int_equal(wsp_time_parse_rfc3339("", 0, &t), WSP_PARSE);
}

static void clocks_move_forward(void **state)
{
  uint64_t a = wsp_time_mono_ns(), b = wsp_time_mono_ns();
  (void)state;
  assert_true(b >= a);
  assert_true(wsp_time_wall_ms() > 1700000000000LL);
}

static int log_calls;
static char last_msg[64];
static void capture(void *ud, wsp_log_level level, const char *module,
                    const char *msg)
{
  (void)ud;
  (void)level;
  (void)module;
  log_calls++;
  strncpy(last_msg, msg, sizeof(last_msg) - 1);
}

static void log_filters_by_level(void **state)
{
  (void)state;
  wsp_log_set(capture, NULL, WSP_LOG_WARN);
  WSP_LOG(WSP_LOG_DEBUG, "test", "hidden %d", 1);
  assert_int_equal(log_calls, 0);
  WSP_LOG(WSP_LOG_ERROR, "test", "shown %d", 2);
  assert_int_equal(log_calls, 1);
  assert_string_equal(last_msg, "shown 2");
  wsp_log_set(NULL, NULL, WSP_LOG_DEBUG);
  WSP_LOG(WSP_LOG_ERROR, "test", "dropped");
  assert_int_equal(log_calls, 1);
}

static void alloc_failure_injection(void **state)
{
  void *p, *q;
  (void)state;
  wsp_alloc_fail_after(1);
  p = wsp_malloc(8);
  q = wsp_malloc(8);
  wsp_alloc_fail_after(-1);
  assert_non_null(p);
  assert_null(q);
  wsp_free(p);
  p = wsp_strdup("ok");
  assert_string_equal(p, "ok");
  wsp_free(p);
  wsp_free(NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(hash_is_stable_and_spreads),
      cmocka_unit_test(rfc3339_round_trip),
      cmocka_unit_test(clocks_move_forward),
      cmocka_unit_test(log_filters_by_level),
      cmocka_unit_test(alloc_failure_injection),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
