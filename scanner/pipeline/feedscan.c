/* pipeline/feedscan.c: `waspada scan`: one round over the feed list. The
** fetch thread (handoff.c) drives the fetcher and hands finished documents
** over; a reader parses them in front of the shared scan and store stages;
** each feed's state is written after its posts (see feedscan.h). */
#include "pipeline/feedscan.h"

#include "core/alloc.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "parse/feed.h"
#include "pipeline/handoff.h"
#include "pipeline/stages.h"
#include "store/feeds.h"

#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* Fetch outcomes counted by one thread (the fetch thread and the reader
** each keep their own; added up after the round). */
struct outcomes {
  unsigned long fetched, not_modified, failed;
};

struct job {
  char *name, *url, *etag, *lm, *cursor, *kind;
  const wsp_feed *cfg; /* settings from the list, or NULL */
  int failures;
  int known;     /* fetched before: its old items may come again */
  int done;      /* the fetch ended (upd is valid) */
  int delivered; /* every post of the fetch was handed to the pipeline */
  size_t pending;
  wsp_feed_update upd;
  char *u_error, *u_paused, *u_disabled, *u_etag, *u_lm, *u_cursor, *u_url;
};

struct pending {
  wsp_post *post;
  struct job *job;
};

struct feedscan {
  wsp_stages stages; /* first: the shared stages take this pointer */
  const wsp_feedscan_opts *o;
  wsp_feedscan_stats *st;
  wsp_fetcher *fetcher;
  struct job *jobs;
  size_t n_jobs;
  struct pending *q; /* posts parsed, not yet handed out */
  size_t q_head, q_n, q_cap;
  wsp_rc q_rc; /* NOMEM while queueing */
  int64_t now;
  /* a second, read-only connection (WAL) for the reader thread: posts whose
  ** id was already seen from their feed are skipped before scanning */
  wsp_store *seen_db;
  wsp_handoff *handoff; /* the fetch thread, handing documents over */
  struct outcomes fetch_outcomes, read_outcomes;
};

void wsp_feedscan_opts_default(wsp_feedscan_opts *o)
{
  memset(o, 0, sizeof(*o));
  wsp_fetch_opts_default(&o->fetch);
  wsp_sched_opts_default(&o->sched);
}

static void job_cleanup(struct job *j)
{
  wsp_free(j->name);
  wsp_free(j->url);
  wsp_free(j->etag);
  wsp_free(j->lm);
  wsp_free(j->cursor);
  wsp_free(j->kind);
  wsp_free(j->u_error);
  wsp_free(j->u_paused);
  wsp_free(j->u_disabled);
  wsp_free(j->u_etag);
  wsp_free(j->u_lm);
  wsp_free(j->u_cursor);
  wsp_free(j->u_url);
}

/* ---- choosing the feeds ---------------------------------------------------*/

struct collect {
  struct feedscan *fs;
  const wsp_feedlist *list;
  size_t cap;
  wsp_rc rc;
};

static char *dup_opt(const char *s, int *fail)
{
  char *r;
  if (!s)
    return NULL;
  if (!(r = wsp_strdup(s)))
    *fail = 1;
  return r;
}

static int collect_row(void *ud, const wsp_feed_row *r)
{
  struct collect *c = ud;
  struct feedscan *fs = c->fs;
  struct job *j;
  int fail = 0;

  if (!r->enabled || r->disabled_reason || !r->url)
    return 0;
  if (!fs->o->all && r->next_poll && r->next_poll > fs->now)
    return 0;
  if (fs->n_jobs == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 64;
    struct job *p = wsp_realloc(fs->jobs, cap * sizeof(*p));
    if (!p) {
      c->rc = WSP_NOMEM;
      return 1;
    }
    fs->jobs = p;
    c->cap = cap;
  }
  j = &fs->jobs[fs->n_jobs];
  memset(j, 0, sizeof(*j));
  j->name = dup_opt(r->name, &fail);
  j->url = dup_opt(r->url, &fail);
  j->etag = dup_opt(r->etag, &fail);
  j->lm = dup_opt(r->last_modified, &fail);
  j->cursor = dup_opt(r->cursor, &fail);
  j->kind = dup_opt(r->kind ? r->kind : "auto", &fail);
  j->failures = r->failures;
  j->known = r->last_ok > 0;
  j->cfg = c->list ? wsp_feedlist_find(c->list, r->name) : NULL;
  fs->n_jobs++;
  if (fail) {
    c->rc = WSP_NOMEM;
    return 1;
  }
  return 0;
}

/* ---- parsing --------------------------------------------------------------*/

struct emit_ctx {
  struct feedscan *fs;
  struct job *job;
  size_t n;
  int lookup; /* look each item up in fs->seen_db */
};

/* An old item the feed repeats (its id was seen from this feed): the
** parser skips it before building its post; nothing to scan or store. */
static int item_seen(void *ud, const char *id)
{
  struct emit_ctx *e = ud;
  int seen = 0;
  if (wsp_store_seen_id(e->fs->seen_db, e->job->name, id, &seen, NULL) !=
          WSP_OK ||
      !seen)
    return 0;
  atomic_fetch_add(&e->fs->st->posts.duplicates, 1);
  e->n++;
  return 1;
}

static int emit_post(void *ud, wsp_post *post)
{
  struct emit_ctx *e = ud;
  struct feedscan *fs = e->fs;

  if (fs->q_n == fs->q_cap) {
    if (fs->q_head > 0) { /* compact before growing */
      memmove(fs->q, fs->q + fs->q_head,
              (fs->q_n - fs->q_head) * sizeof(*fs->q));
      fs->q_n -= fs->q_head;
      fs->q_head = 0;
    }
    if (fs->q_n == fs->q_cap) {
      size_t cap = fs->q_cap ? fs->q_cap * 2 : 256;
      struct pending *p = wsp_realloc(fs->q, cap * sizeof(*p));
      if (!p) {
        wsp_post_free(post);
        fs->q_rc = WSP_NOMEM;
        return 1;
      }
      fs->q = p;
      fs->q_cap = cap;
    }
  }
  fs->q[fs->q_n++] = (struct pending){post, e->job};
  e->n++;
  return 0;
}

/* Mastodon timelines resume after the newest status seen (min_id). */
static char *request_url(const struct job *j)
{
  char *u;
  size_t n;
  if (!j->cursor || strcmp(j->kind, "mastodon") != 0)
    return wsp_strdup(j->url);
  for (const char *p = j->cursor; *p; p++)
    if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
      return wsp_strdup(j->url);
  n = strlen(j->url) + strlen(j->cursor) + 16;
  if ((u = wsp_malloc(n)))
    snprintf(u, n, "%s%cmin_id=%s", j->url, strchr(j->url, '?') ? '&' : '?',
             j->cursor);
  return u;
}

static void set_str(char **dst, const char *s, int *fail)
{
  wsp_free(*dst);
  *dst = dup_opt(s, fail);
}

/* What one finished fetch means: parse (in the reader), schedule, log.
** A fetch without a document (304, failure) is handled in the fetch thread
** itself; each job is handled once, by one thread. */
static void handle_fetch(struct feedscan *fs, const wsp_fetch_result *r,
                         struct outcomes *out)
{
  struct job *j = r->ud;
  wsp_sched_in si = {.status = r->status,
                     .retry_after = r->retry_after,
                     .failures = j->failures,
                     .interval = j->cfg ? j->cfg->interval : 0,
                     .now = fs->now};
  wsp_sched_out so;
  wsp_feedscan_event ev = {.feed = j->name,
                           .url = r->url,
                           .status = r->status,
                           .bytes = r->len,
                           .seconds = r->seconds};
  struct emit_ctx e = {fs, j, 0, 0};
  char why[WSP_ERR_MAX + 32];
  int fail = 0;
  wsp_rc prc = WSP_OK;
  wsp_feed_meta meta;

  memset(&meta, 0, sizeof(meta));
  why[0] = '\0';
  si.now = wsp_time_wall_ms() / 1000;
  if (r->rc != WSP_OK) {
    si.outcome = WSP_OUTCOME_FAILED;
    snprintf(why, sizeof(why), "%s", r->error ? r->error : "fetch failed");
  } else if (r->status == 304) {
    si.outcome = WSP_OUTCOME_NOT_MODIFIED;
  } else if (r->status == 410) {
    si.outcome = WSP_OUTCOME_GONE;
    snprintf(why, sizeof(why), "HTTP 410 Gone");
  } else if (r->status >= 200 && r->status < 300) {
    int fmt = wsp_feed_format_lookup(j->kind);
    wsp_feed_input in = {.body = r->body,
                         .len = r->len,
                         .content_type = r->content_type,
                         .url = r->url,
                         .source = j->name,
                         .link_header = r->link,
                         .format =
                             fmt < 0 ? WSP_FEED_AUTO : (wsp_feed_format)fmt};
    wsp_err perr;
    perr.msg[0] = '\0';
    /* a feed fetched before repeats old items: look them up, all in one
    ** read transaction (a failed lookup only means a scan the store's own
    ** duplicate check makes harmless) */
    e.lookup =
        fs->seen_db && j->known && wsp_store_begin(fs->seen_db, NULL) == WSP_OK;
    if (e.lookup) {
      in.seen = item_seen;
      in.seen_ud = &e;
    }
    prc = wsp_feed_parse(&in, emit_post, &e, &meta, &perr);
    if (e.lookup)
      wsp_store_commit(fs->seen_db, NULL);
    if (fs->q_rc != WSP_OK)
      prc = fs->q_rc;
    if (prc == WSP_OK) {
      si.outcome = WSP_OUTCOME_OK;
    } else {
      si.outcome = WSP_OUTCOME_FAILED;
      snprintf(why, sizeof(why), "bad document: %s",
               perr.msg[0] ? perr.msg : wsp_strerror(prc));
    }
  } else {
    si.outcome = WSP_OUTCOME_FAILED;
    snprintf(why, sizeof(why), "%s",
             r->error ? r->error : "unexpected HTTP status");
  }
  si.error = why;
  wsp_sched_next(&fs->o->sched, &si, &so);

  j->done = 1;
  j->pending = e.n;
  j->delivered = e.n == 0;
  j->upd.name = j->name;
  j->upd.fetched = si.now;
  j->upd.next_poll = so.next_poll;
  j->upd.failures = so.failures;
  j->upd.status = r->status;
  j->upd.items = (int64_t)e.n;
  if (si.outcome == WSP_OUTCOME_OK || si.outcome == WSP_OUTCOME_NOT_MODIFIED) {
    j->upd.ok = 1;
    j->upd.set_validators = 1;
    if (si.outcome == WSP_OUTCOME_OK) {
      set_str(&j->u_etag, r->etag, &fail);
      set_str(&j->u_lm, r->last_modified, &fail);
      set_str(&j->u_cursor, meta.cursor, &fail);
      set_str(&j->u_url, r->permanent_url, &fail);
      out->fetched++;
    } else {
      set_str(&j->u_etag, r->etag ? r->etag : j->etag, &fail);
      set_str(&j->u_lm, r->last_modified ? r->last_modified : j->lm, &fail);
      out->not_modified++;
    }
  } else {
    set_str(&j->u_error, so.reason, &fail);
    if (so.paused)
      set_str(&j->u_paused, so.reason, &fail);
    if (so.disabled)
      set_str(&j->u_disabled, so.reason, &fail);
    out->failed++;
  }
  if (fail) { /* cannot record the outcome: refetch next time */
    j->done = 0;
  }
  j->upd.error = j->u_error;
  j->upd.paused = j->u_paused;
  j->upd.disabled = j->u_disabled;
  j->upd.etag = j->u_etag;
  j->upd.last_modified = j->u_lm;
  j->upd.cursor = j->u_cursor;
  j->upd.url = j->u_url;

  ev.result = si.outcome == WSP_OUTCOME_OK             ? "ok"
              : si.outcome == WSP_OUTCOME_NOT_MODIFIED ? "not_modified"
              : si.outcome == WSP_OUTCOME_GONE         ? "gone"
                                                       : "failed";
  ev.posts = e.n;
  ev.error = j->u_error;
  ev.moved_to = j->u_url;
  ev.next_poll = so.next_poll;
  ev.failures = so.failures;
  ev.paused = so.paused;
  WSP_LOG(WSP_LOG_INFO, "fetch",
          "feed=%s result=%s status=%d bytes=%zu posts=%zu seconds=%.3f%s%s",
          j->name, ev.result, r->status, r->len, e.n, r->seconds,
          j->u_error ? " error=" : "", j->u_error ? j->u_error : "");
  if (fs->o->on_fetch)
    fs->o->on_fetch(fs->o->ud, &ev);
  wsp_feed_meta_cleanup(&meta);
}

/* A fetch without a document (304, failure), on the fetch thread. */
static void settle_fetch(void *ud, const wsp_fetch_result *r)
{
  struct feedscan *fs = ud;
  handle_fetch(fs, r, &fs->fetch_outcomes);
}

/* ---- the reader -----------------------------------------------------------*/

static wsp_rc feedscan_next(void *ud, wsp_post **post, wsp_err *err)
{
  struct feedscan *fs = ud;
  const wsp_fetch_result *doc;
  wsp_rc rc;

  *post = NULL;
  for (;;) {
    if (fs->q_head < fs->q_n) {
      struct pending *p = &fs->q[fs->q_head++];
      *post = p->post;
      if (--p->job->pending == 0)
        p->job->delivered = 1;
      if (fs->q_head == fs->q_n)
        fs->q_head = fs->q_n = 0;
      return WSP_OK;
    }
    if (fs->q_rc != WSP_OK)
      return wsp_err_set(err, fs->q_rc, "feeds: %s", wsp_strerror(fs->q_rc));
    if (wsp_pipeline_stop_requested())
      return WSP_OK;
    if ((rc = wsp_handoff_next(fs->handoff, &doc, err)) != WSP_OK || !doc)
      return rc; /* every fetch handed over, or the fetch thread failed */
    handle_fetch(fs, doc, &fs->read_outcomes);
    wsp_handoff_release(fs->handoff, doc);
  }
}

static void feedscan_on_error(void *ud, const char *message)
{
  struct feedscan *fs = ud;
  if (fs->o->on_error)
    fs->o->on_error(fs->o->ud, message);
}

static int min_due(void *ud, const wsp_feed_row *r)
{
  int64_t *due = ud;
  if (r->enabled && !r->disabled_reason && r->url && r->next_poll &&
      (*due == 0 || r->next_poll < *due))
    *due = r->next_poll;
  if (r->enabled && !r->disabled_reason && r->url && !r->next_poll)
    *due = 1; /* never polled: due now */
  return 0;
}

wsp_rc wsp_feedscan_next_due(wsp_store *store, int64_t *next_due, wsp_err *err)
{
  *next_due = 0;
  return wsp_store_feeds_each(store, 1, min_due, next_due, err);
}

wsp_rc wsp_feedscan_round(wsp_scanner *sc, wsp_store *store,
                          const wsp_feedlist *list, const wsp_feedscan_opts *o,
                          wsp_feedscan_stats *st, int64_t *next_due,
                          wsp_err *err)
{
  struct feedscan fs = {
      .stages = {.sc = sc, .store = store, .source_kind = "feed"},
      .o = o,
      .st = st,
      .now = wsp_time_wall_ms() / 1000,
  };
  struct collect c = {.fs = &fs, .list = list, .rc = WSP_OK};
  wsp_pipeline_ops ops = {
      .next = feedscan_next,
      .on_error = feedscan_on_error,
      .batch = o->batch,
  };
  wsp_rc rc, urc;
  wsp_err uerr;

  memset(st, 0, sizeof(*st));
  wsp_pipeline_stats_reset(&st->posts);
  if (next_due)
    *next_due = 0;
  if ((rc = wsp_store_feeds_each(store, 1, collect_row, &c, err)) != WSP_OK)
    goto done;
  if ((rc = c.rc) != WSP_OK) {
    wsp_err_set(err, rc, "feeds: %s", wsp_strerror(rc));
    goto done;
  }
  st->feeds = fs.n_jobs;
  if ((rc = wsp_stages_init(err)) != WSP_OK ||
      (rc = wsp_fetcher_new(&o->fetch, &fs.fetcher, err)) != WSP_OK)
    goto done;
  for (size_t i = 0; i < fs.n_jobs; i++) {
    struct job *j = &fs.jobs[i];
    const wsp_feed *f = j->cfg;
    char *url = request_url(j);
    wsp_fetch_req req = {.url = url,
                         .etag = j->etag,
                         .last_modified = j->lm,
                         .user_agent = f ? f->user_agent : NULL,
                         .headers = f ? f->headers : NULL,
                         .ud = j};
    rc = url ? wsp_fetcher_add(fs.fetcher, &req) : WSP_NOMEM;
    wsp_free(url);
    if (rc != WSP_OK) {
      wsp_err_set(err, rc, "feeds: %s", wsp_strerror(rc));
      goto done;
    }
  }
  wsp_stages_fill_ops(&ops);
  if (fs.n_jobs && wsp_store_open(wsp_store_path(store), WSP_STORE_READONLY,
                                  &fs.seen_db, &uerr) != WSP_OK)
    WSP_LOG(WSP_LOG_INFO, "feedscan",
            "no read connection (%s): every post "
            "is scanned",
            uerr.msg);
  if (fs.n_jobs && (rc = wsp_handoff_start(fs.fetcher, settle_fetch, &fs,
                                           &fs.handoff, err)) == WSP_OK) {
    unsigned cpus = wsp_pipeline_cpus();
    unsigned jobs = o->jobs ? o->jobs : cpus > 1 ? cpus - 1 : 1;
    rc = wsp_pipeline_run(&ops, &fs, jobs, &st->posts, err);
    wsp_handoff_stop(fs.handoff);
    fs.handoff = NULL;
    st->fetched = fs.fetch_outcomes.fetched + fs.read_outcomes.fetched;
    st->not_modified =
        fs.fetch_outcomes.not_modified + fs.read_outcomes.not_modified;
    st->failed = fs.fetch_outcomes.failed + fs.read_outcomes.failed;
  }
  wsp_store_free(fs.seen_db);
  fs.seen_db = NULL;

  /* The posts are stored and committed: now record what each finished
  ** fetch taught us, on the same connection, in one transaction. */
  uerr.msg[0] = '\0';
  urc = wsp_store_begin(store, &uerr);
  {
    wsp_feed_update *ups =
        fs.n_jobs ? wsp_calloc(fs.n_jobs, sizeof(*ups)) : NULL;
    size_t n = 0;
    if (fs.n_jobs && !ups && urc == WSP_OK)
      urc = wsp_err_set(&uerr, WSP_NOMEM, "feeds: out of memory");
    for (size_t i = 0; ups && i < fs.n_jobs; i++)
      if (fs.jobs[i].done && fs.jobs[i].delivered)
        ups[n++] = fs.jobs[i].upd;
    if (urc == WSP_OK)
      urc = wsp_store_feed_update_n(store, ups, n, &uerr);
    wsp_free(ups);
  }
  if (urc == WSP_OK)
    urc = wsp_store_commit(store, &uerr);
  else
    wsp_store_rollback(store);
  if (urc != WSP_OK && (rc == WSP_OK || rc == WSP_INTERRUPTED)) {
    rc = urc;
    if (err)
      *err = uerr;
  }
  if (next_due && (rc == WSP_OK || rc == WSP_INTERRUPTED)) {
    wsp_rc drc = wsp_feedscan_next_due(store, next_due, &uerr);
    if (drc != WSP_OK && rc == WSP_OK) {
      rc = drc;
      if (err)
        *err = uerr;
    }
  }
done:
  for (size_t i = fs.q_head; i < fs.q_n; i++)
    wsp_post_free(fs.q[i].post);
  wsp_free(fs.q);
  wsp_fetcher_free(fs.fetcher);
  for (size_t i = 0; i < fs.n_jobs; i++)
    job_cleanup(&fs.jobs[i]);
  wsp_free(fs.jobs);
  return rc;
}
