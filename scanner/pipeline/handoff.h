/* pipeline/handoff.h: the fetch thread of `waspada scan`. It drives a
** fetcher until every transfer has ended and hands each finished document
** (a 2xx with a body) to one reader, copied, through a queue bounded in
** documents and bytes; fetches without a document (304, errors) are
** settled in the fetch thread itself by a callback, so the reader only
** ever sees what it must parse. The network never waits for the reader
** unless the reader is a whole budget behind.
**
** Threading: start, next, release and stop are called by the reader; the
** settle callback runs on the fetch thread. */
#ifndef WSP_PIPELINE_HANDOFF_H
#define WSP_PIPELINE_HANDOFF_H

#include "core/error.h"
#include "fetch/fetcher.h"

typedef struct wsp_handoff wsp_handoff;

/* Called on the fetch thread for a fetch that has no document to parse. */
typedef void (*wsp_handoff_settle_fn)(void *ud, const wsp_fetch_result *r);

/* Start the fetch thread on f (its requests already added). f belongs to
** the fetch thread until wsp_handoff_stop. */
wsp_rc wsp_handoff_start(wsp_fetcher *f, wsp_handoff_settle_fn settle, void *ud,
                         wsp_handoff **out, wsp_err *err);

/* The next document, waiting for one: WSP_OK with *r set (the reader's
** until wsp_handoff_release), WSP_OK with *r NULL when every fetch has
** been handed over, or the fetch thread's failure (WSP_NOMEM, WSP_IO;
** details in err). */
wsp_rc wsp_handoff_next(wsp_handoff *h, const wsp_fetch_result **r,
                        wsp_err *err);
void wsp_handoff_release(wsp_handoff *h, const wsp_fetch_result *r);

/* Stop the fetch thread (at once if it is still fetching), free the
** documents the reader did not take, join it and free h. NULL is a no-op. */
void wsp_handoff_stop(wsp_handoff *h);

#endif
