/* core/queue.h: bounded multi-producer/multi-consumer queue of pointers,
** the link between pipeline stages (after YARA's file_queue).
**
** A queue holds at most `capacity` items: push blocks while it is full, so a
** slow stage pushes back on the ones before it and memory stays flat. Pushing
** transfers ownership of the item to whoever pops it.
**
** Close semantics: after wsp_queue_close, push fails with WSP_CLOSED at once
** (also waking producers blocked on a full queue; their item stays theirs),
** and pop keeps returning the items still queued, then WSP_CLOSED once the
** queue is empty (also waking blocked consumers). Shutting down a pipeline is
** therefore: close the first queue; each stage drains its input, closes its
** output, and is joined.
**
** Thread-safety: every function except new/free may be called from any
** number of threads at once. */
#ifndef WSP_CORE_QUEUE_H
#define WSP_CORE_QUEUE_H

#include "core/error.h"

#include <stddef.h>

typedef struct wsp_queue wsp_queue;

/* New queue holding at most capacity (>= 1) items. */
wsp_rc wsp_queue_new(size_t capacity, wsp_queue **out);
/* Free the queue; items still queued are not freed (drain first).
** NULL is a no-op. No thread may be using the queue. */
void wsp_queue_free(wsp_queue *q);

/* Append item, blocking while full. WSP_CLOSED if the queue is or becomes
** closed before there is room (the caller still owns item). */
wsp_rc wsp_queue_push(wsp_queue *q, void *item);
/* Remove the oldest item, blocking while empty. WSP_CLOSED once the queue is
** closed and empty. */
wsp_rc wsp_queue_pop(wsp_queue *q, void **item);
/* Like pop but waits at most timeout_ms; WSP_TIMEOUT if nothing came. */
wsp_rc wsp_queue_pop_timed(wsp_queue *q, void **item, long timeout_ms);
/* Like pop_timed but takes up to max (>= 1) items at once, oldest first,
** into items[0..*n): one lock and one wakeup for a backlog instead of one
** per item. WSP_OK with *n >= 1, WSP_TIMEOUT or WSP_CLOSED with *n == 0. */
wsp_rc wsp_queue_pop_many_timed(wsp_queue *q, void **items, size_t max,
                                long timeout_ms, size_t *n);

/* Close the queue (idempotent) and wake every waiter. */
void wsp_queue_close(wsp_queue *q);
/* Number of items queued right now (a snapshot). */
size_t wsp_queue_len(wsp_queue *q);

#endif
