/* pipeline/stages.h: the scan and store stages every job shares (ingest
** now, feed scanning next): a worker scans a post with its own scan context
** into an owned result (the post, its verdict, copies of its matches and
** entities); the single writer stores results with wsp_store_put inside
** batched transactions.
**
** Use: put a wsp_stages first in the job's own state (the pipeline passes
** one pointer to every stage), call wsp_stages_init once, fill the ops with
** wsp_stages_fill_ops and add the job's reader as ops.next.
**
** Threading: scan functions run in the workers (shared scanner, own
** context); write/flush only in the writer thread, which alone uses the
** store during the run. */
#ifndef WSP_PIPELINE_STAGES_H
#define WSP_PIPELINE_STAGES_H

#include "pipeline/pipeline.h"
#include "pipeline/scanner.h"
#include "store/store.h"

typedef struct wsp_stages {
  wsp_scanner *sc;
  wsp_store *store;
  const char *source_kind; /* kind of sources created on the fly ("jsonl") */
  int in_txn;              /* writer only */
} wsp_stages;

/* One-time library set-up (libsodium for SHA-256). */
wsp_rc wsp_stages_init(wsp_err *err);

/* Set worker_init/cleanup, scan, write, flush and discard. */
void wsp_stages_fill_ops(wsp_pipeline_ops *ops);

wsp_rc wsp_stages_worker_init(void *ud, void **state, wsp_err *err);
void wsp_stages_worker_cleanup(void *state);
wsp_rc wsp_stages_scan(void *state, wsp_post *post, void **result,
                       wsp_err *err);
wsp_rc wsp_stages_write(void *ud, void *result, wsp_pipeline_stats *st,
                        wsp_err *err);
wsp_rc wsp_stages_flush(void *ud, wsp_err *err);
void wsp_stages_discard(void *result);

#endif
