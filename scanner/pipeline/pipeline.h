/* pipeline/pipeline.h: the threads and bounded queues that connect the
** stages: one reader (the calling thread) -> N scan workers -> one writer.
**
**   next() --[in queue]--> scan() x N --[out queue]--> write() + flush()
**
** The pipeline knows nothing of what it moves: the caller supplies the
** stages as callbacks (pipeline/ingest.c wires posts, the scanner and the
** store). Both queues are bounded, so a slow stage pushes back on the reader
** and memory stays flat whatever the input size. Ownership of an item moves
** with it: next() hands a post to the pipeline, scan() takes it and returns
** a result, write() takes the result.
**
** Stopping: wsp_pipeline_request_stop() (async-signal-safe: call it from a
** SIGINT/SIGTERM handler) makes the reader stop reading; what was read is
** still scanned, written and flushed, and wsp_pipeline_run returns
** WSP_INTERRUPTED with the counts so far. A write or flush failure (disk
** full, read-only database) stops the run the same way and is returned.
**
** Threading: next, progress and on_error run in the calling thread (on_error
** also in workers: it must be thread-safe); scan runs in the workers, each
** with its own state from worker_init; write and flush run in the writer
** thread only. */
#ifndef WSP_PIPELINE_PIPELINE_H
#define WSP_PIPELINE_PIPELINE_H

/* Results the writer takes from its queue at once (one lock, one wakeup). */
#define WSP_PIPELINE_WRITER_TAKE 32

#include "core/error.h"
#include "parse/post.h"

#include <stdatomic.h>
#include <stdint.h>

typedef struct wsp_pipeline_stats {
  atomic_uint_fast64_t read;       /* posts handed over by next() */
  atomic_uint_fast64_t bytes;      /* text bytes of those posts */
  atomic_uint_fast64_t scanned;    /* posts scanned */
  atomic_uint_fast64_t flagged;    /* posts flagged (new or seen again) */
  atomic_uint_fast64_t stored;     /* new flagged posts stored */
  atomic_uint_fast64_t duplicates; /* already seen: nothing new stored */
  atomic_uint_fast64_t errors;     /* bad input items and scan failures */
} wsp_pipeline_stats;

typedef struct wsp_pipeline_ops {
  /* Next post: WSP_OK with *post (handed over), WSP_OK with NULL at the end,
  ** or an error for one bad item (counted, reported, reading goes on);
  ** WSP_IO or WSP_NOMEM end the input. */
  wsp_rc (*next)(void *ud, wsp_post **post, wsp_err *err);
  /* Per-worker state. */
  wsp_rc (*worker_init)(void *ud, void **state, wsp_err *err);
  void (*worker_cleanup)(void *state);
  /* Scan a post (taken) into a result (handed to the writer). On error the
  ** post has been freed and the error is counted and reported. */
  wsp_rc (*scan)(void *state, wsp_post *post, void **result, wsp_err *err);
  /* Write a result (taken), updating st->flagged/stored/duplicates. */
  wsp_rc (*write)(void *ud, void *result, wsp_pipeline_stats *st, wsp_err *err);
  /* Make what was written durable (commit a batch). */
  wsp_rc (*flush)(void *ud, wsp_err *err);
  /* Free a result that will not be written (after a writer failure). */
  void (*discard)(void *result);
  /* A bad item: message is "FILE:LINE: reason". May be NULL. */
  void (*on_error)(void *ud, const char *message);
  /* Called about every progress_ms from the reader; may be NULL. */
  void (*progress)(void *ud, const wsp_pipeline_stats *st);
  unsigned progress_ms;
  unsigned batch; /* writes per flush; 0: 2000 */
} wsp_pipeline_ops;

/* Online CPUs (at least 1): the default number of scan workers. */
unsigned wsp_pipeline_cpus(void);

/* Run to the end of the input with `jobs` scan workers (0: number of
** online CPUs). Returns WSP_OK, WSP_INTERRUPTED (stop requested), or the
** writer's or a worker's fatal error (detail in err). st is zeroed first. */
wsp_rc wsp_pipeline_run(const wsp_pipeline_ops *ops, void *ud, unsigned jobs,
                        wsp_pipeline_stats *st, wsp_err *err);

/* Zero every counter of st. */
void wsp_pipeline_stats_reset(wsp_pipeline_stats *st);

/* Ask the running pipeline to stop reading (async-signal-safe). */
void wsp_pipeline_request_stop(void);
/* Clear a previous stop request (before a new run). */
void wsp_pipeline_reset_stop(void);
/* Nonzero once a stop was requested. */
int wsp_pipeline_stop_requested(void);

#endif
