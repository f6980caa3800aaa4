/* Unit tests for pipeline/pipeline.c with stand-in stages: every post is
** scanned and written once, bad items are counted and the run goes on, a
** writer or worker failure stops the run with its error, a stop request
** ends reading but drains what was read, and the number of items in flight
** stays bounded whatever the input size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/alloc.h"
#include "pipeline/pipeline.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct fake {
  long total, next_i, bad_every, fail_at_write, stop_at;
  atomic_long in_flight, max_in_flight, written, flushed_writes, errors_seen;
  long pending;
  pthread_mutex_t lock;
  unsigned char *seen;
};

static wsp_rc fake_next(void *ud, wsp_post **post, wsp_err *err)
{
  struct fake *f = ud;
  *post = NULL;
  if (f->next_i == f->total)
    return WSP_OK;
  long i = f->next_i++;
  if (f->stop_at && i == f->stop_at)
    wsp_pipeline_request_stop();
  if (f->bad_every && i % f->bad_every == f->bad_every - 1)
    return wsp_err_set(err, WSP_PARSE, "fake:%ld: bad", i + 1);
  wsp_post *p = wsp_calloc(1, sizeof(*p));
  p->line = i;
  p->text = wsp_strdup("x");
  p->text_len = 1;
  long now = atomic_fetch_add(&f->in_flight, 1) + 1;
  long max = atomic_load(&f->max_in_flight);
  while (now > max &&
         !atomic_compare_exchange_weak(&f->max_in_flight, &max, now))
    ;
  *post = p;
  return WSP_OK;
}

static wsp_rc fake_scan(void *state, wsp_post *post, void **result,
                        wsp_err *err)
{
  (void)state;
  (void)err;
  *result = post;
  return WSP_OK;
}

static wsp_rc fake_write(void *ud, void *item, wsp_pipeline_stats *st,
                         wsp_err *err)
{
  struct fake *f = ud;
  wsp_post *p = item;
  long n = atomic_fetch_add(&f->written, 1) + 1;
  f->seen[p->line]++;
  f->pending++;
  atomic_fetch_sub(&f->in_flight, 1);
  atomic_fetch_add(&st->flagged, 1);
  wsp_post_free(p);
  if (f->fail_at_write && n == f->fail_at_write)
    return wsp_err_set(err, WSP_STORE, "disk full (fake)");
  return WSP_OK;
}

static wsp_rc fake_flush(void *ud, wsp_err *err)
{
  struct fake *f = ud;
  (void)err;
  atomic_fetch_add(&f->flushed_writes, f->pending);
  f->pending = 0;
  return WSP_OK;
}

static void fake_discard(void *item)
{
  wsp_post_free(item);
}

static void fake_error(void *ud, const char *msg)
{
  struct fake *f = ud;
  assert_non_null(strstr(msg, ": bad"));
  atomic_fetch_add(&f->errors_seen, 1);
}

static const wsp_pipeline_ops ops = {
    .next = fake_next,
    .scan = fake_scan,
    .write = fake_write,
    .flush = fake_flush,
    .discard = fake_discard,
    .on_error = fake_error,
    .batch = 100,
};

static struct fake *fake_new(long total)
{
  struct fake *f = calloc(1, sizeof(*f));
  f->total = total;
  f->seen = calloc((size_t)total, 1);
  wsp_pipeline_reset_stop();
  return f;
}

static void fake_free(struct fake *f)
{
  free(f->seen);
  free(f);
}

static void everything_once_and_bounded(void **state)
{
  struct fake *f = fake_new(200000);
  wsp_pipeline_stats st;
  wsp_err err;
  (void)state;
  assert_int_equal(wsp_pipeline_run(&ops, f, 3, &st, &err), WSP_OK);
  assert_int_equal(atomic_load(&st.read), 200000);
  assert_int_equal(atomic_load(&st.scanned), 200000);
  assert_int_equal(atomic_load(&f->written), 200000);
  assert_int_equal(atomic_load(&f->flushed_writes), 200000); /* all flushed */
  for (long i = 0; i < f->total; i++)
    assert_int_equal(f->seen[i], 1);
  /* two bounded queues of 64 per job, one item in the reader and in each
  ** worker, and what the writer takes at once */
  assert_true(atomic_load(&f->max_in_flight) <=
              2 * 3 * 64 + 1 + 3 + WSP_PIPELINE_WRITER_TAKE);
  fake_free(f);
}

static void bad_items_are_counted(void **state)
{
  struct fake *f = fake_new(1000);
  wsp_pipeline_stats st;
  wsp_err err;
  (void)state;
  f->bad_every = 10;
  assert_int_equal(wsp_pipeline_run(&ops, f, 2, &st, &err), WSP_OK);
  assert_int_equal(atomic_load(&st.errors), 100);
  assert_int_equal(atomic_load(&f->errors_seen), 100);
  assert_int_equal(atomic_load(&st.scanned), 900);
  fake_free(f);
}

static void writer_failure_stops_the_run(void **state)
{
  struct fake *f = fake_new(100000);
  wsp_pipeline_stats st;
  wsp_err err;
  (void)state;
  f->fail_at_write = 500;
  assert_int_equal(wsp_pipeline_run(&ops, f, 2, &st, &err), WSP_STORE);
  assert_string_equal(err.msg, "disk full (fake)");
  assert_int_equal(atomic_load(&f->written), 500); /* nothing written after */
  assert_true(f->next_i < f->total);               /* reading stopped */
  fake_free(f);
}

static wsp_rc failing_worker_init(void *ud, void **state, wsp_err *err)
{
  (void)ud;
  *state = NULL;
  return wsp_err_set(err, WSP_NOMEM, "no scan context (fake)");
}

/* A worker that cannot start stops the run from its own thread (under
** ThreadSanitizer: the stop flag it sets is read by the reader). */
static void worker_failure_stops_the_run(void **state)
{
  struct fake *f = fake_new(100000);
  wsp_pipeline_ops o = ops;
  wsp_pipeline_stats st;
  wsp_err err;
  (void)state;
  o.worker_init = failing_worker_init;
  assert_int_equal(wsp_pipeline_run(&o, f, 2, &st, &err), WSP_NOMEM);
  assert_string_equal(err.msg, "no scan context (fake)");
  assert_int_equal(atomic_load(&st.scanned), 0);
  assert_int_equal(atomic_load(&f->written), 0);
  assert_true(f->next_i < f->total); /* reading stopped */
  wsp_pipeline_reset_stop();
  fake_free(f);
}

static void stop_request_drains_what_was_read(void **state)
{
  struct fake *f = fake_new(100000);
  wsp_pipeline_stats st;
  wsp_err err;
  (void)state;
  f->stop_at = 5000;
  assert_int_equal(wsp_pipeline_run(&ops, f, 2, &st, &err), WSP_INTERRUPTED);
  assert_int_equal(atomic_load(&st.read), 5001);
  assert_int_equal(atomic_load(&f->written), 5001);
  assert_int_equal(atomic_load(&f->flushed_writes), 5001);
  wsp_pipeline_reset_stop();
  fake_free(f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(everything_once_and_bounded),
      cmocka_unit_test(bad_items_are_counted),
      cmocka_unit_test(writer_failure_stops_the_run),
      cmocka_unit_test(worker_failure_stops_the_run),
      cmocka_unit_test(stop_request_drains_what_was_read),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
