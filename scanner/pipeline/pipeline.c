/* pipeline/pipeline.c: reader -> workers -> writer over bounded queues. */
#include "pipeline/pipeline.h"

#include "core/alloc.h"
#include "core/log.h"
#include "core/queue.h"
#include "core/timeutil.h"

#include <pthread.h>
#include <sys/prctl.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#define WSP_PIPELINE_MAX_JOBS 256
#define QUEUE_PER_JOB 64
#define FLUSH_IDLE_MS 200

/* Set by a signal handler (in whatever thread the signal lands in) and by
** set_fatal in a worker or the writer; read by the reader. A volatile
** sig_atomic_t is only safe within one thread (a data race otherwise, which
** ThreadSanitizer reports); a lock-free atomic is safe across threads and,
** being lock-free, in a signal handler (C11 7.14.1.1). */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2,
               "the stop flag must be lock-free to be set by a signal handler");
static atomic_int stop_flag;

void wsp_pipeline_request_stop(void)
{
  atomic_store(&stop_flag, 1);
}

void wsp_pipeline_reset_stop(void)
{
  atomic_store(&stop_flag, 0);
}

int wsp_pipeline_stop_requested(void)
{
  return atomic_load(&stop_flag) != 0;
}

struct run {
  const wsp_pipeline_ops *ops;
  void *ud;
  wsp_pipeline_stats *st;
  wsp_queue *in, *out;
  pthread_mutex_t lock; /* guards fatal */
  wsp_rc fatal;
  wsp_err fatal_err;
};

struct worker {
  struct run *run;
  pthread_t thread;
  int started;
};

static void set_fatal(struct run *r, wsp_rc rc, const wsp_err *err)
{
  pthread_mutex_lock(&r->lock);
  if (r->fatal == WSP_OK) {
    r->fatal = rc;
    memcpy(&r->fatal_err, err, sizeof(*err));
  }
  pthread_mutex_unlock(&r->lock);
  wsp_pipeline_request_stop();
}

static void *worker_main(void *arg)
{
  struct worker *w = arg;
  struct run *r = w->run;
  void *state = NULL, *item, *result;
  wsp_err err;
  wsp_rc rc;

  prctl(PR_SET_NAME, "wsp-scan"); /* as top -H and perf show it */
  err.msg[0] = '\0';
  rc = r->ops->worker_init ? r->ops->worker_init(r->ud, &state, &err) : WSP_OK;
  if (rc != WSP_OK) {
    set_fatal(r, rc, &err);
    /* keep draining so the reader never blocks on a full queue */
    while (wsp_queue_pop(r->in, &item) == WSP_OK)
      wsp_post_free(item);
    return NULL;
  }
  while (wsp_queue_pop(r->in, &item) == WSP_OK) {
    err.msg[0] = '\0';
    rc = r->ops->scan(state, item, &result, &err);
    if (rc == WSP_OK) {
      atomic_fetch_add(&r->st->scanned, 1);
      if (wsp_queue_push(r->out, result) != WSP_OK)
        r->ops->discard(result);
    } else {
      atomic_fetch_add(&r->st->errors, 1);
      if (r->ops->on_error)
        r->ops->on_error(r->ud, err.msg[0] ? err.msg : wsp_strerror(rc));
    }
  }
  if (r->ops->worker_cleanup)
    r->ops->worker_cleanup(state);
  return NULL;
}

static void *writer_main(void *arg)
{
  struct run *r = arg;
  unsigned batch = r->ops->batch ? r->ops->batch : 2000, pending = 0;
  int failed = 0;
  void *items[WSP_PIPELINE_WRITER_TAKE];
  size_t n;
  wsp_err err;
  wsp_rc rc;

  prctl(PR_SET_NAME, "wsp-writer");
  for (;;) {
    rc = wsp_queue_pop_many_timed(r->out, items, WSP_PIPELINE_WRITER_TAKE,
                                  FLUSH_IDLE_MS, &n);
    for (size_t i = 0; i <= n; i++) {
      /* commit when the batch is full, when the input pauses, at the end */
      if (pending && (i == n ? rc != WSP_OK : pending >= batch)) {
        if (!failed) {
          err.msg[0] = '\0';
          wsp_rc frc = r->ops->flush(r->ud, &err);
          if (frc != WSP_OK) {
            set_fatal(r, frc, &err);
            failed = 1;
          }
        }
        pending = 0;
      }
      if (i == n)
        break;
      if (failed) {
        r->ops->discard(items[i]);
        continue;
      }
      err.msg[0] = '\0';
      wsp_rc wrc = r->ops->write(r->ud, items[i], r->st, &err);
      pending++;
      if (wrc != WSP_OK) {
        set_fatal(r, wrc, &err);
        failed = 1;
      }
    }
    if (rc == WSP_CLOSED)
      break;
  }
  return NULL;
}

unsigned wsp_pipeline_cpus(void)
{
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1                       ? 1
         : n > WSP_PIPELINE_MAX_JOBS ? WSP_PIPELINE_MAX_JOBS
                                     : (unsigned)n;
}

void wsp_pipeline_stats_reset(wsp_pipeline_stats *st)
{
  atomic_store(&st->read, 0);
  atomic_store(&st->bytes, 0);
  atomic_store(&st->scanned, 0);
  atomic_store(&st->flagged, 0);
  atomic_store(&st->stored, 0);
  atomic_store(&st->duplicates, 0);
  atomic_store(&st->errors, 0);
}

wsp_rc wsp_pipeline_run(const wsp_pipeline_ops *ops, void *ud, unsigned jobs,
                        wsp_pipeline_stats *st, wsp_err *err)
{
  struct run r = {.ops = ops, .ud = ud, .st = st, .fatal = WSP_OK};
  struct worker *workers = NULL;
  pthread_t writer;
  int writer_started = 0;
  uint64_t last_progress = wsp_time_mono_ns();
  uint64_t progress_ns =
      (uint64_t)(ops->progress_ms ? ops->progress_ms : 250) * 1000000u;
  wsp_rc rc = WSP_NOMEM, read_rc = WSP_OK;
  wsp_err item_err;

  wsp_pipeline_stats_reset(st);
  if (jobs == 0)
    jobs = wsp_pipeline_cpus();
  if (jobs > WSP_PIPELINE_MAX_JOBS)
    jobs = WSP_PIPELINE_MAX_JOBS;
  pthread_mutex_init(&r.lock, NULL);
  if (wsp_queue_new(jobs * QUEUE_PER_JOB, &r.in) != WSP_OK ||
      wsp_queue_new(jobs * QUEUE_PER_JOB, &r.out) != WSP_OK ||
      !(workers = wsp_calloc(jobs, sizeof(*workers))))
    goto done;
  if (pthread_create(&writer, NULL, writer_main, &r) != 0) {
    rc = wsp_err_set(err, WSP_INTERNAL, "cannot start writer thread");
    goto done;
  }
  writer_started = 1;
  for (unsigned i = 0; i < jobs; i++) {
    workers[i].run = &r;
    if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) !=
        0) {
      wsp_err e;
      wsp_err_set(&e, WSP_INTERNAL, "cannot start scan worker %u", i);
      set_fatal(&r, WSP_INTERNAL, &e);
      break;
    }
    workers[i].started = 1;
  }

  /* the reader: this thread */
  while (!wsp_pipeline_stop_requested()) {
    wsp_post *post = NULL;
    item_err.msg[0] = '\0';
    read_rc = ops->next(ud, &post, &item_err);
    if (read_rc == WSP_OK && !post)
      break;
    if (read_rc == WSP_OK) {
      atomic_fetch_add(&st->read, 1);
      atomic_fetch_add(&st->bytes, post->text_len);
      if (wsp_queue_push(r.in, post) != WSP_OK)
        wsp_post_free(post);
    } else if (wsp_pipeline_stop_requested()) {
      break; /* a signal interrupted the read: not an input error */
    } else {
      atomic_fetch_add(&st->errors, 1);
      if (ops->on_error)
        ops->on_error(ud,
                      item_err.msg[0] ? item_err.msg : wsp_strerror(read_rc));
      if (read_rc == WSP_IO || read_rc == WSP_NOMEM) {
        set_fatal(&r, read_rc, &item_err);
        break;
      }
      read_rc = WSP_OK;
    }
    if (ops->progress && wsp_time_mono_ns() - last_progress >= progress_ns) {
      ops->progress(ud, st);
      last_progress = wsp_time_mono_ns();
    }
  }
  rc = WSP_OK;
done:
  if (r.in)
    wsp_queue_close(r.in);
  for (unsigned i = 0; workers && i < jobs; i++)
    if (workers[i].started)
      pthread_join(workers[i].thread, NULL);
  if (r.out)
    wsp_queue_close(r.out);
  if (writer_started)
    pthread_join(writer, NULL);
  if (ops->progress && rc == WSP_OK)
    ops->progress(ud, st);
  if (rc == WSP_OK && r.fatal != WSP_OK) {
    rc = r.fatal;
    if (err)
      memcpy(err, &r.fatal_err, sizeof(*err));
  } else if (rc == WSP_OK && wsp_pipeline_stop_requested()) {
    rc = WSP_INTERRUPTED;
  }
  wsp_queue_free(r.in);
  wsp_queue_free(r.out);
  wsp_free(workers);
  pthread_mutex_destroy(&r.lock);
  return rc;
}
