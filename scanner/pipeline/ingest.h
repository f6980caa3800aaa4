/* pipeline/ingest.h: `waspada ingest`: read posts from files or standard
** input, scan them on N workers, store the flagged ones (one writer thread,
** batched transactions). Duplicates are detected by the store; bad input
** lines are counted and reported, never fatal.
**
** Threading: wsp_ingest_run uses the calling thread as the reader and starts
** the workers and the writer itself; the scanner must be fully built and the
** store opened by the caller (the store is used only by the writer thread
** during the run). */
#ifndef WSP_PIPELINE_INGEST_H
#define WSP_PIPELINE_INGEST_H

#include "pipeline/pipeline.h"
#include "pipeline/scanner.h"
#include "store/store.h"

typedef struct wsp_ingest_opts {
  const char *const *inputs; /* paths; "-" is standard input */
  size_t n_inputs;
  const char *format; /* "auto" (default), "jsonl" or a feed format name
                         (parse/feed.h: rss, atom, rdf, jsonfeed, ...) */
  const char *source; /* source name for posts without one; NULL: file */
  unsigned jobs;      /* scan workers; 0: number of CPUs */
  unsigned batch;     /* posts per transaction; 0: 2000 */
  /* bad input ("FILE:LINE: reason"); thread-safe; may be NULL */
  void (*on_error)(void *ud, const char *message);
  void (*progress)(void *ud, const wsp_pipeline_stats *st);
  void *ud;
} wsp_ingest_opts;

/* Run the ingest. Returns WSP_OK, WSP_INTERRUPTED (stopped by a signal:
** what was read is stored), WSP_IO / WSP_PARSE (an input cannot be opened
** or is not in a supported format; nothing was read from it), or a store
** error (detail in err). st holds the counts either way. */
wsp_rc wsp_ingest_run(wsp_scanner *sc, wsp_store *store,
                      const wsp_ingest_opts *o, wsp_pipeline_stats *st,
                      wsp_err *err);

#endif
