/* core/queue.c: bounded MPMC queue: a ring buffer under one mutex with a
** condition variable for "not full" and one for "not empty". */
#include "core/queue.h"

#include "core/alloc.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

struct wsp_queue {
  pthread_mutex_t lock;
  pthread_cond_t not_full;
  pthread_cond_t not_empty;
  void **ring;
  size_t cap, head, len;
  int closed;
};

wsp_rc wsp_queue_new(size_t capacity, wsp_queue **out)
{
  wsp_queue *q;

  *out = NULL;
  if (capacity == 0)
    return WSP_INVAL;
  q = wsp_calloc(1, sizeof(*q));
  if (!q)
    return WSP_NOMEM;
  q->ring = wsp_calloc(capacity, sizeof(void *));
  if (!q->ring) {
    wsp_free(q);
    return WSP_NOMEM;
  }
  q->cap = capacity;
  pthread_mutex_init(&q->lock, NULL);
  pthread_cond_init(&q->not_full, NULL);
  pthread_cond_init(&q->not_empty, NULL);
  *out = q;
  return WSP_OK;
}

void wsp_queue_free(wsp_queue *q)
{
  if (!q)
    return;
  pthread_mutex_destroy(&q->lock);
  pthread_cond_destroy(&q->not_full);
  pthread_cond_destroy(&q->not_empty);
  wsp_free(q->ring);
  wsp_free(q);
}

wsp_rc wsp_queue_push(wsp_queue *q, void *item)
{
  pthread_mutex_lock(&q->lock);
  while (q->len == q->cap && !q->closed)
    pthread_cond_wait(&q->not_full, &q->lock);
  if (q->closed) {
    pthread_mutex_unlock(&q->lock);
    return WSP_CLOSED;
  }
  q->ring[(q->head + q->len) % q->cap] = item;
  q->len++;
  pthread_cond_signal(&q->not_empty);
  pthread_mutex_unlock(&q->lock);
  return WSP_OK;
}

/* Remove the oldest item (the caller holds the lock and wakes producers). */
static void queue_take(wsp_queue *q, void **item)
{
  *item = q->ring[q->head];
  q->head = (q->head + 1) % q->cap;
  q->len--;
}

wsp_rc wsp_queue_pop(wsp_queue *q, void **item)
{
  pthread_mutex_lock(&q->lock);
  while (q->len == 0 && !q->closed)
    pthread_cond_wait(&q->not_empty, &q->lock);
  if (q->len == 0) {
    pthread_mutex_unlock(&q->lock);
    return WSP_CLOSED;
  }
  queue_take(q, item);
  pthread_cond_signal(&q->not_full);
  pthread_mutex_unlock(&q->lock);
  return WSP_OK;
}

wsp_rc wsp_queue_pop_many_timed(wsp_queue *q, void **items, size_t max,
                                long timeout_ms, size_t *n)
{
  struct timespec deadline;
  int err = 0;

  *n = 0;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += timeout_ms / 1000;
  deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
  if (deadline.tv_nsec >= 1000000000L) {
    deadline.tv_sec++;
    deadline.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&q->lock);
  while (q->len == 0 && !q->closed && err != ETIMEDOUT)
    err = pthread_cond_timedwait(&q->not_empty, &q->lock, &deadline);
  if (q->len == 0) {
    int closed = q->closed;
    pthread_mutex_unlock(&q->lock);
    return closed ? WSP_CLOSED : WSP_TIMEOUT;
  }
  while (*n < max && q->len > 0)
    queue_take(q, &items[(*n)++]);
  if (*n > 1)
    pthread_cond_broadcast(&q->not_full); /* room for several producers */
  else
    pthread_cond_signal(&q->not_full);
  pthread_mutex_unlock(&q->lock);
  return WSP_OK;
}

wsp_rc wsp_queue_pop_timed(wsp_queue *q, void **item, long timeout_ms)
{
  size_t n;
  return wsp_queue_pop_many_timed(q, item, 1, timeout_ms, &n);
}

void wsp_queue_close(wsp_queue *q)
{
  pthread_mutex_lock(&q->lock);
  q->closed = 1;
  pthread_cond_broadcast(&q->not_full);
  pthread_cond_broadcast(&q->not_empty);
  pthread_mutex_unlock(&q->lock);
}

size_t wsp_queue_len(wsp_queue *q)
{
  size_t n;
  pthread_mutex_lock(&q->lock);
  n = q->len;
  pthread_mutex_unlock(&q->lock);
  return n;
}
