/* Unit tests for core/queue: FIFO order, bounded capacity, several producers
** and consumers under contention, and close while threads are blocked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/queue.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#define PRODUCERS 4
#define CONSUMERS 3
#define PER_PRODUCER 20000

static void fifo_and_capacity(void **state)
{
  wsp_queue *q;
  void *item;
  (void)state;
  assert_int_equal(wsp_queue_new(0, &q), WSP_INVAL);
  assert_int_equal(wsp_queue_new(3, &q), WSP_OK);
  for (uintptr_t i = 1; i <= 3; i++)
    assert_int_equal(wsp_queue_push(q, (void *)i), WSP_OK);
  assert_int_equal(wsp_queue_len(q), 3);
  assert_int_equal(wsp_queue_pop_timed(q, &item, 10), WSP_OK);
  assert_int_equal((uintptr_t)item, 1);
  assert_int_equal(wsp_queue_push(q, (void *)4), WSP_OK); /* wraps around */
  for (uintptr_t i = 2; i <= 4; i++) {
    assert_int_equal(wsp_queue_pop(q, &item), WSP_OK);
    assert_int_equal((uintptr_t)item, i);
  }
  assert_int_equal(wsp_queue_pop_timed(q, &item, 20), WSP_TIMEOUT);
  wsp_queue_free(q);
}

struct shared {
  wsp_queue *q;
  int id;
  unsigned long long sum;
  long count;
  unsigned char *seen;
};

/* Taking several at once: oldest first, at most max; then timeout when
** empty, and closed at the end. */
static void pop_many_takes_a_backlog_in_order(void **state)
{
  wsp_queue *q;
  void *items[3];
  size_t n;
  (void)state;
  assert_int_equal(wsp_queue_new(5, &q), WSP_OK);
  for (intptr_t i = 1; i <= 5; i++)
    assert_int_equal(wsp_queue_push(q, (void *)i), WSP_OK);
  assert_int_equal(wsp_queue_pop_many_timed(q, items, 3, 10, &n), WSP_OK);
  assert_int_equal(n, 3);
  for (intptr_t i = 0; i < 3; i++)
    assert_ptr_equal(items[i], (void *)(i + 1));
  assert_int_equal(wsp_queue_len(q), 2);
  assert_int_equal(wsp_queue_pop_many_timed(q, items, 3, 10, &n), WSP_OK);
  assert_int_equal(n, 2);
  assert_ptr_equal(items[0], (void *)4);
  assert_ptr_equal(items[1], (void *)5);
  assert_int_equal(wsp_queue_pop_many_timed(q, items, 3, 10, &n), WSP_TIMEOUT);
  assert_int_equal(n, 0);
  wsp_queue_close(q);
  assert_int_equal(wsp_queue_pop_many_timed(q, items, 3, 10, &n), WSP_CLOSED);
  assert_int_equal(n, 0);
  wsp_queue_free(q);
}

static void *producer(void *arg)
{
  struct shared *s = arg;
  for (long i = 0; i < PER_PRODUCER; i++) {
    uintptr_t v = (uintptr_t)(s->id * PER_PRODUCER + i + 1);
    if (wsp_queue_push(s->q, (void *)v) != WSP_OK)
      break;
    s->count++;
  }
  return NULL;
}

static void *consumer(void *arg)
{
  struct shared *s = arg;
  void *item;
  while (wsp_queue_pop(s->q, &item) == WSP_OK) {
    uintptr_t v = (uintptr_t)item;
    s->sum += v;
    s->count++;
    s->seen[v - 1]++; /* each consumer owns its own seen[] */
  }
  return NULL;
}

static void contention_delivers_everything_once(void **state)
{
  wsp_queue *q;
  pthread_t pt[PRODUCERS], ct[CONSUMERS];
  struct shared ps[PRODUCERS], cs[CONSUMERS];
  const long total = (long)PRODUCERS * PER_PRODUCER;
  unsigned long long sum = 0;
  long count = 0;
  (void)state;

  assert_int_equal(wsp_queue_new(8, &q), WSP_OK); /* small: lots of waits */
  for (int i = 0; i < CONSUMERS; i++) {
    cs[i] = (struct shared){.q = q, .id = i};
    cs[i].seen = calloc((size_t)total, 1);
    assert_non_null(cs[i].seen);
    pthread_create(&ct[i], NULL, consumer, &cs[i]);
  }
  for (int i = 0; i < PRODUCERS; i++) {
    ps[i] = (struct shared){.q = q, .id = i};
    pthread_create(&pt[i], NULL, producer, &ps[i]);
  }
  for (int i = 0; i < PRODUCERS; i++) {
    pthread_join(pt[i], NULL);
    assert_int_equal(ps[i].count, PER_PRODUCER);
  }
  wsp_queue_close(q); /* consumers drain what is left, then stop */
  for (int i = 0; i < CONSUMERS; i++) {
    pthread_join(ct[i], NULL);
    sum += cs[i].sum;
    count += cs[i].count;
  }
  assert_int_equal(count, total);
  assert_true(sum == (unsigned long long)total * (total + 1) / 2);
  for (long v = 0; v < total; v++) {
    int times = 0;
    for (int i = 0; i < CONSUMERS; i++)
      times += cs[i].seen[v];
    assert_int_equal(times, 1);
  }
  for (int i = 0; i < CONSUMERS; i++)
    free(cs[i].seen);
  wsp_queue_free(q);
}

struct blocked {
  wsp_queue *q;
  wsp_rc rc;
};

static void *blocked_pop(void *arg)
{
  struct blocked *b = arg;
  void *item;
  b->rc = wsp_queue_pop(b->q, &item);
  return NULL;
}

static void *blocked_push(void *arg)
{
  struct blocked *b = arg;
  b->rc = wsp_queue_push(b->q, (void *)1);
  return NULL;
}

static void sleep_ms(long ms)
{
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static void close_wakes_blocked_consumers(void **state)
{
  wsp_queue *q;
  pthread_t t[3];
  struct blocked b[3];
  (void)state;
  assert_int_equal(wsp_queue_new(2, &q), WSP_OK);
  for (int i = 0; i < 3; i++) {
    b[i] = (struct blocked){q, WSP_OK};
    pthread_create(&t[i], NULL, blocked_pop, &b[i]);
  }
  sleep_ms(50); /* let them block on the empty queue */
  wsp_queue_close(q);
  for (int i = 0; i < 3; i++) {
    pthread_join(t[i], NULL);
    assert_int_equal(b[i].rc, WSP_CLOSED);
  }
  wsp_queue_free(q);
}

static void close_wakes_blocked_producers_and_keeps_items(void **state)
{
  wsp_queue *q;
  pthread_t t[2];
  struct blocked b[2];
  void *item;
  (void)state;
  assert_int_equal(wsp_queue_new(1, &q), WSP_OK);
  assert_int_equal(wsp_queue_push(q, (void *)7), WSP_OK); /* now full */
  for (int i = 0; i < 2; i++) {
    b[i] = (struct blocked){q, WSP_OK};
    pthread_create(&t[i], NULL, blocked_push, &b[i]);
  }
  sleep_ms(50);
  wsp_queue_close(q);
  for (int i = 0; i < 2; i++) {
    pthread_join(t[i], NULL);
    assert_int_equal(b[i].rc, WSP_CLOSED);
  }
  /* the item queued before close is still delivered, then CLOSED */
  assert_int_equal(wsp_queue_pop(q, &item), WSP_OK);
  assert_int_equal((uintptr_t)item, 7);
  assert_int_equal(wsp_queue_pop(q, &item), WSP_CLOSED);
  assert_int_equal(wsp_queue_pop_timed(q, &item, 10), WSP_CLOSED);
  assert_int_equal(wsp_queue_push(q, (void *)8), WSP_CLOSED);
  wsp_queue_close(q); /* idempotent */
  wsp_queue_free(q);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(fifo_and_capacity),
      cmocka_unit_test(pop_many_takes_a_backlog_in_order),
      cmocka_unit_test(contention_delivers_everything_once),
      cmocka_unit_test(close_wakes_blocked_consumers),
      cmocka_unit_test(close_wakes_blocked_producers_and_keeps_items),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
