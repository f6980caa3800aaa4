/* fetch/fetcher.c: the libcurl multi fetcher: per-host queues with
** concurrency limits and spacing, conditional requests, bounded bodies,
** redirect tracking (see fetcher.h). Event loop: curl_multi_socket_action
** over epoll, so each wakeup costs the sockets that are ready, not every
** running transfer (curl_multi_perform walks them all). */
#include "fetch/fetcher.h"

#include "core/alloc.h"
#include "core/buf.h"
#include "core/hash.h"
#include "core/timeutil.h"
#include "core/version.h"
#include "fetch/schedule.h"
#include "parse/feed.h"

#include <curl/curl.h>

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#define HEADER_VALUE_MAX 8192
#define EPOLL_BATCH 64
#define IDLE_CONNECTIONS_PER_SLOT 4
/* the longest a Retry-After holds a host back within one run (the feed
** that got it is rescheduled by its own Retry-After) */
#define HOST_BUCKETS 1024
#define ACCEPT_HEADER                                                          \
  "Accept: application/rss+xml, application/atom+xml, application/rdf+xml, "   \
  "application/feed+json, application/xml;q=0.9, application/json;q=0.9, "     \
  "text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"

const char *wsp_fetch_default_user_agent(void)
{
  return "waspada/" WSP_VERSION " (+https://waspada.example/bot)";
}

void wsp_fetch_opts_default(wsp_fetch_opts *o)
{
  o->max_total = 32;
  o->max_per_host = 2;
  o->host_spacing_ms = 0;
  o->connect_timeout_ms = 10000;
  o->timeout_ms = 30000;
  o->max_body = WSP_FEED_MAX_BODY;
  o->max_inflight = 256u << 20;
  o->max_redirects = 5;
  o->host_hold_max_ms = 60000;
  o->user_agent = NULL;
}

wsp_rc wsp_fetcher_global_init(void)
{
  return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? WSP_OK : WSP_FETCH;
}

struct host;

struct xfer {
  struct wsp_fetcher *f;
  struct xfer *next; /* in its host's wait queue, or the free list */
  struct xfer *run_prev, *run_next; /* in the running list */
  struct host *host;
  CURL *easy;
  struct curl_slist *hdrs;
  char *url, *etag, *last_modified, *user_agent, *headers;
  void *ud;
  int is_file;
  wsp_buf body;
  int toobig, overbudget;
  int chain_permanent; /* every redirect so far was 301/308 */
  int redirects;
  char *h_ctype, *h_etag, *h_lm, *h_link, *h_retry;
  char errbuf[CURL_ERROR_SIZE];
};

struct host {
  struct host *next_bucket;
  struct host *next_ready, *prev_ready; /* hosts with waiting requests */
  int in_ready;
  char *key;
  long active;
  uint64_t next_start_ns;
  struct xfer *wait_head, *wait_tail;
};

struct wsp_fetcher {
  wsp_fetch_opts o;
  char *user_agent;
  CURLM *multi;
  struct host *buckets[HOST_BUCKETS];
  struct host *ready, *ready_tail; /* hosts with waiting transfers */
  struct xfer *idle;               /* recycled transfer records */
  /* easy handles of finished transfers, for the next ones: a handle keeps
  ** its buffers, so thousands of queued feeds cost max_total handles */
  CURL **spare;
  size_t n_spare;
  int epfd;          /* sockets libcurl asked us to watch */
  uint64_t timer_ns; /* libcurl's next timeout (monotonic), 0: none */
  struct xfer *run;  /* transfers attached to the multi handle */
  size_t queued, running;
  size_t inflight; /* body bytes held by running transfers */
};

/* ---- hosts ---------------------------------------------------------------*/

/* "scheme://host:port" of url into out; "file://" for local files. */
static void host_key(const char *url, char *out, size_t n)
{
  const char *p = strstr(url, "://"), *h, *e;
  size_t sl;
  if (!p) {
    snprintf(out, n, "?");
    return;
  }
  sl = (size_t)(p - url);
  if (sl == 4 && strncasecmp(url, "file", 4) == 0) {
    snprintf(out, n, "file://");
    return;
  }
  h = p + 3;
  e = h + strcspn(h, "/?#");
  {
    const char *at = memchr(h, '@', (size_t)(e - h)); /* drop userinfo */
    if (at)
      h = at + 1;
  }
  snprintf(out, n, "%.*s://%.*s", (int)sl, url, (int)(e - h), h);
  for (char *c = out; *c; c++)
    *c = (char)tolower((unsigned char)*c);
}

static struct host *host_get(wsp_fetcher *f, const char *url)
{
  char key[512];
  uint64_t h;
  struct host *x;

  host_key(url, key, sizeof(key));
  h = wsp_hash64(key, strlen(key), 7) % HOST_BUCKETS;
  for (x = f->buckets[h]; x; x = x->next_bucket)
    if (strcmp(x->key, key) == 0)
      return x;
  if (!(x = wsp_calloc(1, sizeof(*x))) || !(x->key = wsp_strdup(key))) {
    wsp_free(x);
    return NULL;
  }
  x->next_bucket = f->buckets[h];
  f->buckets[h] = x;
  return x;
}

/* The ready list is a round robin: a host that starts a transfer goes to
** the back, so when the global limit binds every host gets its turn and
** no host's queue is left to run alone at the end. */
static void ready_add(wsp_fetcher *f, struct host *h)
{
  if (h->in_ready)
    return;
  h->in_ready = 1;
  h->next_ready = NULL;
  h->prev_ready = f->ready_tail;
  if (f->ready_tail)
    f->ready_tail->next_ready = h;
  else
    f->ready = h;
  f->ready_tail = h;
}

static void ready_del(wsp_fetcher *f, struct host *h)
{
  if (!h->in_ready)
    return;
  if (h->prev_ready)
    h->prev_ready->next_ready = h->next_ready;
  else
    f->ready = h->next_ready;
  if (h->next_ready)
    h->next_ready->prev_ready = h->prev_ready;
  else
    f->ready_tail = h->prev_ready;
  h->in_ready = 0;
  h->next_ready = h->prev_ready = NULL;
}

/* ---- transfers -----------------------------------------------------------*/

static void xfer_clear(struct xfer *x)
{
  curl_slist_free_all(x->hdrs);
  x->hdrs = NULL;
  wsp_free(x->url);
  wsp_free(x->etag);
  wsp_free(x->last_modified);
  wsp_free(x->user_agent);
  wsp_free(x->headers);
  wsp_free(x->h_ctype);
  wsp_free(x->h_etag);
  wsp_free(x->h_lm);
  wsp_free(x->h_link);
  wsp_free(x->h_retry);
  x->url = x->etag = x->last_modified = x->user_agent = x->headers = NULL;
  x->h_ctype = x->h_etag = x->h_lm = x->h_link = x->h_retry = NULL;
  wsp_buf_cleanup(&x->body);
}

static void xfer_free(struct xfer *x)
{
  if (!x)
    return;
  xfer_clear(x);
  if (x->easy)
    curl_easy_cleanup(x->easy);
  wsp_free(x);
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
  struct xfer *x = ud;
  size_t len = size * n;
  if (x->f->inflight + len > x->f->o.max_inflight) {
    x->overbudget = 1;
    return 0; /* aborts the transfer */
  }
  if (wsp_buf_append(&x->body, p, len) != WSP_OK) {
    x->toobig = x->body.len + len > x->body.max;
    return 0;
  }
  x->f->inflight += len;
  return len;
}

static void keep_header(char **dst, const char *v, size_t n)
{
  char *c;
  if (n > HEADER_VALUE_MAX || memchr(v, 0, n))
    return; /* hostile or absurd: ignore */
  if (!(c = wsp_strndup(v, n)))
    return;
  wsp_free(*dst);
  *dst = c;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
  struct xfer *x = ud;
  size_t len = size * n, nl, vl;
  const char *colon, *v;

  /* a new response (after a redirect or 100-continue): forget headers */
  if (len > 5 && memcmp(p, "HTTP/", 5) == 0) {
    const char *sp = memchr(p, ' ', len);
    int code = sp && (size_t)(sp - p) + 4 <= len ? atoi(sp + 1) : 0;
    wsp_free(x->h_ctype);
    wsp_free(x->h_etag);
    wsp_free(x->h_lm);
    wsp_free(x->h_link);
    wsp_free(x->h_retry);
    x->h_ctype = x->h_etag = x->h_lm = x->h_link = x->h_retry = NULL;
    if (code >= 300 && code < 400 && code != 304) {
      x->redirects++;
      if (code != 301 && code != 308)
        x->chain_permanent = 0;
    }
    return len;
  }
  if (!(colon = memchr(p, ':', len)))
    return len;
  nl = (size_t)(colon - p);
  v = colon + 1;
  vl = len - nl - 1;
  while (vl && (*v == ' ' || *v == '\t'))
    v++, vl--;
  while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' ' ||
                v[vl - 1] == '\t'))
    vl--;
#define HDR(name, dst)                                                         \
  if (nl == sizeof(name) - 1 && strncasecmp(p, name, nl) == 0)                 \
    keep_header(dst, v, vl);
  HDR("content-type", &x->h_ctype)
  HDR("etag", &x->h_etag)
  HDR("last-modified", &x->h_lm)
  HDR("link", &x->h_link)
  HDR("retry-after", &x->h_retry)
#undef HDR
  return len;
}

static int safe_value(const char *s)
{
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 && *s != '\t')
      return 0;
  return 1;
}

static wsp_rc add_header(struct xfer *x, const char *fmt, const char *a,
                         size_t alen)
{
  char line[HEADER_VALUE_MAX + 64];
  struct curl_slist *l;
  snprintf(line, sizeof(line), fmt, (int)alen, a);
  if (!(l = curl_slist_append(x->hdrs, line)))
    return WSP_NOMEM;
  x->hdrs = l;
  return WSP_OK;
}

/* Set up the easy handle of x for its request. */
static wsp_rc xfer_setup(wsp_fetcher *f, struct xfer *x)
{
  CURL *e = x->easy;
  wsp_rc rc = WSP_OK;

  if (!e && f->n_spare) {
    e = x->easy = f->spare[--f->n_spare];
    curl_easy_reset(e);
  } else if (!e) {
    if (!(e = x->easy = curl_easy_init()))
      return WSP_NOMEM;
  } else {
    curl_easy_reset(e);
  }
  x->chain_permanent = 1;
  x->redirects = 0;
  x->toobig = x->overbudget = 0;
  x->f = f;
  x->errbuf[0] = '\0';
  wsp_buf_init(&x->body, f->o.max_body);
  x->is_file = strncasecmp(x->url, "file://", 7) == 0;

  rc = add_header(x, "%.*s", ACCEPT_HEADER, strlen(ACCEPT_HEADER));
  if (rc == WSP_OK && !x->is_file && x->etag && safe_value(x->etag))
    rc = add_header(x, "If-None-Match: %.*s", x->etag, strlen(x->etag));
  if (rc == WSP_OK && !x->is_file && x->last_modified &&
      safe_value(x->last_modified))
    rc = add_header(x, "If-Modified-Since: %.*s", x->last_modified,
                    strlen(x->last_modified));
  for (const char *h = x->headers; rc == WSP_OK && h && *h;) {
    const char *end = strchr(h, '|');
    size_t n = end ? (size_t)(end - h) : strlen(h);
    while (n && *h == ' ')
      h++, n--;
    if (n && n <= HEADER_VALUE_MAX && memchr(h, ':', n))
      rc = add_header(x, "%.*s", h, n);
    h = end ? end + 1 : h + n;
  }
  if (rc != WSP_OK)
    return rc;

  curl_easy_setopt(e, CURLOPT_URL, x->url);
  curl_easy_setopt(e, CURLOPT_PRIVATE, x);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,file");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, f->o.max_redirects);
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, f->o.connect_timeout_ms);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, f->o.timeout_ms);
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)f->o.max_body);
  curl_easy_setopt(e, CURLOPT_USERAGENT,
                   x->user_agent && safe_value(x->user_agent) ? x->user_agent
                                                              : f->user_agent);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
  curl_easy_setopt(e, CURLOPT_FILETIME, 1L);
  if (x->is_file && x->last_modified) {
    time_t t = curl_getdate(x->last_modified, NULL);
    if (t != (time_t)-1) {
      curl_easy_setopt(e, CURLOPT_TIMECONDITION,
                       (long)CURL_TIMECOND_IFMODSINCE);
      curl_easy_setopt(e, CURLOPT_TIMEVALUE_LARGE, (curl_off_t)t);
    }
  }
  return WSP_OK;
}

/* ---- events --------------------------------------------------------------*/

/* libcurl tells which sockets to watch for what (CURLMOPT_SOCKETFUNCTION);
** socketp marks a socket already in the epoll set. */
static int on_socket(CURL *easy, curl_socket_t sock, int what, void *ud,
                     void *socketp)
{
  wsp_fetcher *f = ud;
  struct epoll_event ev = {0};
  (void)easy;
  if (what == CURL_POLL_REMOVE) {
    epoll_ctl(f->epfd, EPOLL_CTL_DEL, sock, NULL);
    curl_multi_assign(f->multi, sock, NULL);
    return 0;
  }
  ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) |
              (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
  ev.data.fd = sock;
  if (epoll_ctl(f->epfd, socketp ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, sock, &ev) !=
          0 &&
      epoll_ctl(f->epfd, socketp ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, sock, &ev) !=
          0)
    return -1; /* libcurl fails the transfer */
  curl_multi_assign(f->multi, sock, f);
  return 0;
}

/* libcurl's single timer (CURLMOPT_TIMERFUNCTION): -1 deletes it. */
static int on_timer(CURLM *multi, long timeout_ms, void *ud)
{
  wsp_fetcher *f = ud;
  (void)multi;
  f->timer_ns =
      timeout_ms < 0 ? 0 : wsp_time_mono_ns() + (uint64_t)timeout_ms * 1000000u;
  if (timeout_ms >= 0 && f->timer_ns == 0)
    f->timer_ns = 1;
  return 0;
}

wsp_rc wsp_fetcher_new(const wsp_fetch_opts *o, wsp_fetcher **out, wsp_err *err)
{
  wsp_fetcher *f = wsp_calloc(1, sizeof(*f));
  *out = NULL;
  if (!f)
    return WSP_NOMEM;
  f->epfd = -1;
  if (o)
    f->o = *o;
  else
    wsp_fetch_opts_default(&f->o);
  if (f->o.max_total < 1)
    f->o.max_total = 1;
  if (f->o.max_per_host < 1)
    f->o.max_per_host = 1;
  if (f->o.host_spacing_ms < 0)
    f->o.host_spacing_ms = 0;
  if (!f->o.max_body)
    f->o.max_body = WSP_FEED_MAX_BODY;
  if (!f->o.max_inflight)
    f->o.max_inflight = 256u << 20;
  f->user_agent = wsp_strdup(f->o.user_agent ? f->o.user_agent
                                             : wsp_fetch_default_user_agent());
  f->o.user_agent = NULL;
  if (!f->user_agent) {
    wsp_fetcher_free(f);
    return WSP_NOMEM;
  }
  if (!(f->spare = wsp_calloc((size_t)f->o.max_total, sizeof(*f->spare)))) {
    wsp_fetcher_free(f);
    return WSP_NOMEM;
  }
  if (!(f->multi = curl_multi_init())) {
    wsp_fetcher_free(f);
    return wsp_err_set(err, WSP_FETCH, "libcurl: cannot create multi handle");
  }
  /* Transfers at once are limited by start_ready, not by capping open
  ** connections: that cap counts idle ones too, so with more hosts than
  ** max_total / per_host libcurl closed a kept-alive connection for every
  ** new transfer (5,000 connects for 10,000 feeds on 50 hosts, 100 with
  ** it lifted). The cache keeps IDLE_CONNECTIONS_PER_SLOT idle per slot. */
  curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS, f->o.max_per_host);
  if ((f->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
    wsp_err_set(err, WSP_FETCH, "cannot watch sockets: %s", strerror(errno));
    wsp_fetcher_free(f);
    return WSP_FETCH;
  }
  curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
  curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
  curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION, on_timer);
  curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
  curl_multi_setopt(f->multi, CURLMOPT_MAXCONNECTS,
                    f->o.max_total * IDLE_CONNECTIONS_PER_SLOT);
  *out = f;
  return WSP_OK;
}

void wsp_fetcher_free(wsp_fetcher *f)
{
  if (!f)
    return;
  for (size_t b = 0; b < HOST_BUCKETS; b++) {
    struct host *h = f->buckets[b];
    while (h) {
      struct host *next = h->next_bucket;
      struct xfer *x = h->wait_head;
      while (x) {
        struct xfer *nx = x->next;
        xfer_free(x);
        x = nx;
      }
      wsp_free(h->key);
      wsp_free(h);
      h = next;
    }
  }
  if (f->multi) {
    /* running transfers: their easy handles are attached to the multi */
    while (f->run) {
      struct xfer *x = f->run;
      f->run = x->run_next;
      curl_multi_remove_handle(f->multi, x->easy);
      xfer_free(x);
    }
    curl_multi_cleanup(f->multi);
  }
  while (f->idle) {
    struct xfer *nx = f->idle->next;
    xfer_free(f->idle);
    f->idle = nx;
  }
  while (f->n_spare)
    curl_easy_cleanup(f->spare[--f->n_spare]);
  wsp_free(f->spare);
  if (f->epfd >= 0)
    close(f->epfd);
  wsp_free(f->user_agent);
  wsp_free(f);
}

static char *dup_opt(const char *s, int *fail)
{
  char *r;
  if (!s)
    return NULL;
  if (!(r = wsp_strdup(s)))
    *fail = 1;
  return r;
}

wsp_rc wsp_fetcher_add(wsp_fetcher *f, const wsp_fetch_req *req)
{
  struct xfer *x;
  struct host *h;
  int fail = 0;

  if (!req->url || !*req->url)
    return WSP_INVAL;
  if (!(h = host_get(f, req->url)))
    return WSP_NOMEM;
  if (f->idle) {
    x = f->idle;
    f->idle = x->next;
  } else if (!(x = wsp_calloc(1, sizeof(*x)))) {
    return WSP_NOMEM;
  }
  x->next = NULL;
  x->host = h;
  x->ud = req->ud;
  x->url = dup_opt(req->url, &fail);
  x->etag = dup_opt(req->etag, &fail);
  x->last_modified = dup_opt(req->last_modified, &fail);
  x->user_agent = dup_opt(req->user_agent, &fail);
  x->headers = dup_opt(req->headers, &fail);
  if (fail) {
    xfer_free(x);
    return WSP_NOMEM;
  }
  if (h->wait_tail)
    h->wait_tail->next = x;
  else
    h->wait_head = x;
  h->wait_tail = x;
  f->queued++;
  ready_add(f, h);
  return WSP_OK;
}

size_t wsp_fetcher_pending(const wsp_fetcher *f)
{
  return f->queued + f->running;
}

/* A 429 or 503 with Retry-After holds every request to that host back for
** that long (up to host_hold_max_ms within a run): the server said it is
** overloaded, not just that one feed. */
static void host_hold(const wsp_fetcher *f, struct host *h, int status,
                      const char *retry_after)
{
  if ((status != 429 && status != 503) || !retry_after)
    return;
  long wait = wsp_retry_after_parse(retry_after, wsp_time_wall_ms() / 1000);
  uint64_t hold = wait > 0 ? (uint64_t)wait * 1000000000u : 0;
  uint64_t max = (uint64_t)f->o.host_hold_max_ms * 1000000u;
  uint64_t until = wsp_time_mono_ns() + (hold > max ? max : hold);
  if (until > h->next_start_ns)
    h->next_start_ns = until;
}

/* A transfer that could not start or finished: report and recycle it. */
static void finish(wsp_fetcher *f, struct xfer *x, CURLcode cc,
                   wsp_fetch_done_fn done, void *ud)
{
  wsp_fetch_result r = {.ud = x->ud, .rc = WSP_OK, .body = ""};
  char msg[CURL_ERROR_SIZE + 64];
  long code = 0, unmet = 0;
  char *eff = NULL;
  double secs = 0;

  msg[0] = '\0';
  if (x->easy) {
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_getinfo(x->easy, CURLINFO_CONDITION_UNMET, &unmet);
    curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &eff);
    curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME, &secs);
  }
  r.seconds = secs;
  r.url = eff ? eff : x->url;
  r.redirects = x->redirects;
  if (cc == CURLE_OK) {
    r.status = (int)code;
    if (x->is_file) {
      r.status = unmet ? 304 : 200;
      /* the file's modification time is its validator */
      curl_off_t ft = -1;
      curl_easy_getinfo(x->easy, CURLINFO_FILETIME_T, &ft);
      if (!unmet && ft >= 0) {
        char d[64];
        struct tm tm;
        time_t t = (time_t)ft;
        gmtime_r(&t, &tm);
        strftime(d, sizeof(d), "%a, %d %b %Y %H:%M:%S GMT", &tm);
        keep_header(&x->h_lm, d, strlen(d));
      } else if (unmet) {
        r.last_modified = x->last_modified;
      }
    } else if (unmet && r.status != 304) {
      r.status = 304;
    }
    if (r.status >= 400)
      snprintf(msg, sizeof(msg), "HTTP %d", r.status);
    else if (r.status < 200 || (r.status >= 300 && r.status != 304)) {
      r.rc = WSP_FETCH;
      snprintf(msg, sizeof(msg), "unexpected HTTP status %d", r.status);
    }
  } else if (x->overbudget) {
    r.rc = WSP_FETCH;
    r.status = (int)code;
    snprintf(msg, sizeof(msg),
             "bodies in memory would pass %zu bytes; retried later",
             f->o.max_inflight);
  } else if (x->toobig || cc == CURLE_FILESIZE_EXCEEDED) {
    r.rc = WSP_TOOBIG;
    r.status = (int)code;
    snprintf(msg, sizeof(msg), "body larger than %zu bytes", f->o.max_body);
  } else if (cc == CURLE_OPERATION_TIMEDOUT) {
    r.rc = WSP_TIMEOUT;
    r.status = (int)code;
    snprintf(msg, sizeof(msg), "timed out: %s",
             x->errbuf[0] ? x->errbuf : curl_easy_strerror(cc));
  } else {
    r.rc = WSP_FETCH;
    r.status = (int)code;
    snprintf(msg, sizeof(msg), "%s",
             x->errbuf[0] ? x->errbuf : curl_easy_strerror(cc));
  }
  if (msg[0])
    r.error = msg;
  if (r.rc == WSP_OK && r.status >= 200 && r.status < 300) {
    r.body = x->body.data ? x->body.data : "";
    r.len = x->body.len;
  }
  r.content_type = x->h_ctype;
  r.etag = x->h_etag;
  if (!r.last_modified)
    r.last_modified = x->h_lm;
  r.link = x->h_link;
  r.retry_after = x->h_retry;
  if (x->redirects > 0 && x->chain_permanent && r.rc == WSP_OK && eff &&
      strcmp(eff, x->url) != 0)
    r.permanent_url = eff;
  if (!x->is_file)
    host_hold(f, x->host, r.status, r.retry_after);
  if (done)
    done(ud, &r);
  f->inflight -= x->body.len <= f->inflight ? x->body.len : f->inflight;
  xfer_clear(x);
  if (x->easy && f->n_spare < (size_t)f->o.max_total) {
    f->spare[f->n_spare++] = x->easy;
    x->easy = NULL;
  }
  x->next = f->idle;
  f->idle = x;
}

/* Start every waiting transfer the limits allow; *wait_ms is lowered to
** the time until a host's spacing lets the next one start. */
static wsp_rc start_ready(wsp_fetcher *f, long *wait_ms, wsp_fetch_done_fn done,
                          void *ud)
{
  uint64_t now = wsp_time_mono_ns();
  uint64_t spacing = (uint64_t)f->o.host_spacing_ms * 1000000u;
  int progress = 1;

  while (progress && f->running < (size_t)f->o.max_total) {
    progress = 0;
    struct host *h = f->ready;
    while (h && f->running < (size_t)f->o.max_total) {
      struct host *next = h->next_ready;
      int is_file = strcmp(h->key, "file://") == 0;
      if (!h->wait_head) {
        ready_del(f, h);
      } else if (!is_file && h->active >= f->o.max_per_host) {
        /* waits for a transfer of this host to end */
      } else if (!is_file && h->next_start_ns > now) {
        long ms = (long)((h->next_start_ns - now) / 1000000u) + 1;
        if (ms < *wait_ms)
          *wait_ms = ms;
      } else {
        struct xfer *x = h->wait_head;
        h->wait_head = x->next;
        if (!h->wait_head)
          h->wait_tail = NULL;
        x->next = NULL;
        f->queued--;
        if (xfer_setup(f, x) != WSP_OK ||
            curl_multi_add_handle(f->multi, x->easy) != CURLM_OK) {
          snprintf(x->errbuf, sizeof(x->errbuf), "cannot start transfer");
          finish(f, x, CURLE_OUT_OF_MEMORY, done, ud);
        } else {
          h->active++;
          f->running++;
          x->run_prev = NULL;
          x->run_next = f->run;
          if (f->run)
            f->run->run_prev = x;
          f->run = x;
          h->next_start_ns = now + spacing;
        }
        progress = 1;
        ready_del(f, h);
        if (h->wait_head)
          ready_add(f, h); /* to the back */
      }
      h = next;
    }
  }
  return WSP_OK;
}

/* Report every transfer that ended; returns how many. */
static size_t reap(wsp_fetcher *f, wsp_fetch_done_fn done, void *ud)
{
  CURLMsg *m;
  int left;
  size_t n = 0;
  while ((m = curl_multi_info_read(f->multi, &left))) {
    struct xfer *x = NULL;
    if (m->msg != CURLMSG_DONE)
      continue;
    CURL *e = m->easy_handle;
    CURLcode cc = m->data.result;
    curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&x);
    curl_multi_remove_handle(f->multi, e);
    if (x->run_prev)
      x->run_prev->run_next = x->run_next;
    else
      f->run = x->run_next;
    if (x->run_next)
      x->run_next->run_prev = x->run_prev;
    x->run_prev = x->run_next = NULL;
    f->running--;
    x->host->active--;
    if (x->host->wait_head)
      ready_add(f, x->host);
    finish(f, x, cc, done, ud);
    n++;
  }
  return n;
}

/* Let libcurl act on its timer if it has expired. */
static CURLMcode run_timer(wsp_fetcher *f)
{
  int still;
  if (!f->timer_ns || f->timer_ns > wsp_time_mono_ns())
    return CURLM_OK;
  f->timer_ns = 0;
  return curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0, &still);
}

wsp_rc wsp_fetcher_run(wsp_fetcher *f, long wait_ms, wsp_fetch_done_fn done,
                       void *ud, wsp_err *err)
{
  struct epoll_event ev[EPOLL_BATCH];
  long wait = wait_ms < 0 ? 0 : wait_ms;
  int n, still;
  CURLMcode mc;

  start_ready(f, &wait, done, ud); /* adding handles arms a 0 ms timer */
  if ((mc = run_timer(f)) != CURLM_OK)
    goto fail;
  /* results in hand: give the caller their posts before waiting */
  if (reap(f, done, ud) > 0) {
    start_ready(f, &wait, done, ud);
    return WSP_OK;
  }
  start_ready(f, &wait, done, ud);
  if (f->running == 0 && f->queued == 0)
    return WSP_OK;
  if (f->timer_ns) {
    uint64_t now = wsp_time_mono_ns();
    long ms = f->timer_ns <= now
                  ? 0
                  : (long)((f->timer_ns - now + 999999u) / 1000000u);
    if (ms < wait)
      wait = ms;
  }
  n = epoll_wait(f->epfd, ev, EPOLL_BATCH, (int)wait);
  if (n < 0 && errno != EINTR)
    return wsp_err_set(err, WSP_FETCH, "waiting for sockets: %s",
                       strerror(errno));
  for (int i = 0; i < n; i++) {
    int mask = (ev[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
               (ev[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
               (ev[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
    if ((mc = curl_multi_socket_action(f->multi, ev[i].data.fd, mask,
                                       &still)) != CURLM_OK)
      goto fail;
  }
  if ((mc = run_timer(f)) != CURLM_OK)
    goto fail;
  reap(f, done, ud);
  return WSP_OK;
fail:
  return wsp_err_set(err, WSP_FETCH, "libcurl: %s", curl_multi_strerror(mc));
}
