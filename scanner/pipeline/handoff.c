/* pipeline/handoff.c: the fetch thread of `waspada scan` and its bounded
** hand-over of documents to the reader (see handoff.h). */
#include "pipeline/handoff.h"

#include "core/alloc.h"
#include "core/queue.h"
#include "pipeline/pipeline.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/prctl.h>

#define POLL_MS 250
/* Documents the fetch thread may hold ready for the reader. The byte budget
** is the real bound; the count is high so that small feeds do not stop the
** fetch thread early: with 256, a cold pass over 10,000 1 KB feeds stalled
** the network behind the reader, and a host with slow feeds finished last,
** alone (cold pass wall 2.8-2.9 s -> 2.3-2.5 s). */
#define DOC_QUEUE 8192
#define DOC_BUDGET (64u << 20)

/* A finished fetch copied out of the fetcher: r's strings point into the
** same allocation. r comes first: the reader is handed &d->r. */
struct fetched {
  wsp_fetch_result r;
  size_t size; /* bytes counted against DOC_BUDGET */
};

struct wsp_handoff {
  wsp_fetcher *fetcher;
  wsp_handoff_settle_fn settle;
  void *ud;
  pthread_t thread;
  wsp_queue *docs;
  pthread_mutex_t budget_lock;
  pthread_cond_t budget_cond;
  size_t budget_used;
  atomic_int aborted; /* the reader has stopped: the fetch thread ends */
  wsp_rc rc;          /* how the fetch thread ended (read once the queue is
                         closed, or after the join) */
  wsp_err err;
};

static size_t opt_len(const char *s)
{
  return s ? strlen(s) + 1 : 0;
}

static const char *put_str(char **at, const char *s, size_t n)
{
  char *r = *at;
  if (!s)
    return NULL;
  memcpy(r, s, n);
  *at += n;
  return r;
}

/* Deep copy of a result, in one allocation; NULL when out of memory. */
static struct fetched *fetched_copy(const wsp_fetch_result *r)
{
  const char *strs[] = {r->error, r->content_type, r->etag, r->last_modified,
                        r->link,  r->retry_after,  r->url,  r->permanent_url};
  size_t lens[8], total = sizeof(struct fetched) + r->len + 1;
  struct fetched *d;
  char *at;

  for (size_t i = 0; i < 8; i++)
    total += (lens[i] = opt_len(strs[i]));
  if (!(d = wsp_malloc(total)))
    return NULL;
  d->r = *r;
  d->size = total;
  at = (char *)(d + 1);
  memcpy(at, r->body ? r->body : "", r->len);
  at[r->len] = '\0';
  d->r.body = at;
  at += r->len + 1;
  d->r.error = put_str(&at, r->error, lens[0]);
  d->r.content_type = put_str(&at, r->content_type, lens[1]);
  d->r.etag = put_str(&at, r->etag, lens[2]);
  d->r.last_modified = put_str(&at, r->last_modified, lens[3]);
  d->r.link = put_str(&at, r->link, lens[4]);
  d->r.retry_after = put_str(&at, r->retry_after, lens[5]);
  d->r.url = put_str(&at, r->url, lens[6]);
  d->r.permanent_url = put_str(&at, r->permanent_url, lens[7]);
  return d;
}

/* Documents waiting for the reader hold at most DOC_BUDGET bytes (one
** larger document is let through alone). */
static int budget_take(wsp_handoff *h, size_t n)
{
  pthread_mutex_lock(&h->budget_lock);
  while (h->budget_used > 0 && h->budget_used + n > DOC_BUDGET &&
         !atomic_load(&h->aborted))
    pthread_cond_wait(&h->budget_cond, &h->budget_lock);
  h->budget_used += n;
  pthread_mutex_unlock(&h->budget_lock);
  return !atomic_load(&h->aborted);
}

static void budget_release(wsp_handoff *h, size_t n)
{
  pthread_mutex_lock(&h->budget_lock);
  h->budget_used -= n <= h->budget_used ? n : h->budget_used;
  pthread_cond_signal(&h->budget_cond);
  pthread_mutex_unlock(&h->budget_lock);
}

static void drop(wsp_handoff *h, struct fetched *d)
{
  budget_release(h, d->size);
  wsp_free(d);
}

static void on_fetched(void *ud, const wsp_fetch_result *r)
{
  wsp_handoff *h = ud;
  struct fetched *d;

  if (h->rc != WSP_OK)
    return;
  if (r->rc != WSP_OK || r->status < 200 || r->status >= 300) {
    h->settle(h->ud, r); /* nothing to parse */
    return;
  }
  if (!(d = fetched_copy(r))) {
    h->rc =
        wsp_err_set(&h->err, WSP_NOMEM, "feeds: %s", wsp_strerror(WSP_NOMEM));
    return;
  }
  if (!budget_take(h, d->size) || wsp_queue_push(h->docs, d) != WSP_OK)
    drop(h, d);
}

static void *fetch_main(void *arg)
{
  wsp_handoff *h = arg;
  wsp_err err;

  prctl(PR_SET_NAME, "wsp-fetch");
  while (h->rc == WSP_OK && !atomic_load(&h->aborted) &&
         !wsp_pipeline_stop_requested() && wsp_fetcher_pending(h->fetcher)) {
    err.msg[0] = '\0';
    if (wsp_fetcher_run(h->fetcher, POLL_MS, on_fetched, h, &err) != WSP_OK) {
      h->err = err;
      h->rc = WSP_FETCH;
    }
  }
  wsp_queue_close(h->docs); /* the reader sees the end */
  return NULL;
}

wsp_rc wsp_handoff_start(wsp_fetcher *f, wsp_handoff_settle_fn settle, void *ud,
                         wsp_handoff **out, wsp_err *err)
{
  wsp_handoff *h = wsp_calloc(1, sizeof(*h));
  wsp_rc rc;

  *out = NULL;
  if (!h)
    return wsp_err_set(err, WSP_NOMEM, "feeds: %s", wsp_strerror(WSP_NOMEM));
  h->fetcher = f;
  h->settle = settle;
  h->ud = ud;
  h->rc = WSP_OK;
  pthread_mutex_init(&h->budget_lock, NULL);
  pthread_cond_init(&h->budget_cond, NULL);
  if ((rc = wsp_queue_new(DOC_QUEUE, &h->docs)) != WSP_OK) {
    wsp_err_set(err, rc, "feeds: %s", wsp_strerror(rc));
    goto fail;
  }
  if (pthread_create(&h->thread, NULL, fetch_main, h) != 0) {
    rc = wsp_err_set(err, WSP_INTERNAL, "cannot start the fetch thread");
    goto fail;
  }
  *out = h;
  return WSP_OK;
fail:
  wsp_queue_free(h->docs);
  pthread_cond_destroy(&h->budget_cond);
  pthread_mutex_destroy(&h->budget_lock);
  wsp_free(h);
  return rc;
}

wsp_rc wsp_handoff_next(wsp_handoff *h, const wsp_fetch_result **r,
                        wsp_err *err)
{
  struct fetched *d;

  *r = NULL;
  if (wsp_queue_pop(h->docs, (void **)&d) == WSP_OK) {
    *r = &d->r;
    return WSP_OK;
  }
  if (h->rc == WSP_OK) /* closed: every fetch handed over */
    return WSP_OK;
  if (err)
    *err = h->err;
  return h->rc == WSP_NOMEM ? WSP_NOMEM : WSP_IO;
}

void wsp_handoff_release(wsp_handoff *h, const wsp_fetch_result *r)
{
  if (r)
    drop(h, (struct fetched *)r); /* r is the first member */
}

void wsp_handoff_stop(wsp_handoff *h)
{
  struct fetched *d;

  if (!h)
    return;
  /* the fetch thread may be waiting for room: wake it, take what it
  ** handed over until it closes the queue */
  atomic_store(&h->aborted, 1);
  pthread_mutex_lock(&h->budget_lock);
  pthread_cond_broadcast(&h->budget_cond);
  pthread_mutex_unlock(&h->budget_lock);
  while (wsp_queue_pop(h->docs, (void **)&d) == WSP_OK)
    drop(h, d);
  pthread_join(h->thread, NULL);
  wsp_queue_free(h->docs);
  pthread_cond_destroy(&h->budget_cond);
  pthread_mutex_destroy(&h->budget_lock);
  wsp_free(h);
}
