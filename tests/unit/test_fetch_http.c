/* Unit tests for fetch/fetcher.c over a tiny loopback HTTP server run by
** the test itself (raw sockets, one thread per connection): validators
** captured and sent back verbatim, 304, permanent vs temporary redirects,
** the body limit, redirect loops, per-host concurrency and spacing, a
** host held back by Retry-After (upper and lower bounds
** only: nothing here depends on the machine's speed), the
** User-Agent, and file:// URLs with modification-time validators. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/timeutil.h"
#include "fetch/fetcher.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_LOG 64

static struct server {
  int fd, port;
  pthread_t thread;
  pthread_mutex_t lock;
  int active, max_active, requests;
  uint64_t starts[MAX_LOG]; /* request arrival times (mono ns) */
  char last_inm[128], last_ua[256], last_extra[128];
} srv;

static void done_active(void);

static void reply(int c, const char *status, const char *headers,
                  const char *body)
{
  char buf[2048];
  done_active();
  int n = snprintf(buf, sizeof(buf),
                   "HTTP/1.1 %s\r\nContent-Length: %zu\r\n"
                   "Connection: close\r\n%s\r\n",
                   status, strlen(body), headers);
  if (write(c, buf, (size_t)n) < 0 || write(c, body, strlen(body)) < 0)
    return;
}

static void header_value(const char *req, const char *name, char *out, size_t n)
{
  const char *p = strcasestr(req, name);
  out[0] = '\0';
  if (p) {
    p += strlen(name);
    size_t l = strcspn(p, "\r\n");
    snprintf(out, n, "%.*s", (int)l, p);
  }
}

/* Answering ends a request's life as far as concurrency goes: the client
** can only start its next request after reading this one's answer. */
static _Thread_local int counted; /* this request is a /count one */

static void done_active(void)
{
  if (!counted)
    return;
  pthread_mutex_lock(&srv.lock);
  srv.active--;
  pthread_mutex_unlock(&srv.lock);
}

static void *conn_main(void *arg)
{
  int c = (int)(intptr_t)arg;
  char req[4096], path[256];
  size_t len = 0;
  ssize_t r;

  while (len < sizeof(req) - 1 &&
         (r = read(c, req + len, sizeof(req) - 1 - len)) > 0) {
    len += (size_t)r;
    req[len] = '\0';
    if (strstr(req, "\r\n\r\n"))
      break;
  }
  req[len] = '\0';
  path[0] = '\0';
  sscanf(req, "GET %255s", path);
  /* only /count requests are counted for concurrency: a connection left
  ** over from an earlier test may still be accepted late */
  counted = strcmp(path, "/count") == 0;
  pthread_mutex_lock(&srv.lock);
  if (srv.requests < MAX_LOG)
    srv.starts[srv.requests] = wsp_time_mono_ns();
  srv.requests++;
  if (counted && ++srv.active > srv.max_active)
    srv.max_active = srv.active;
  header_value(req, "\nIf-None-Match: ", srv.last_inm, sizeof(srv.last_inm));
  header_value(req, "\nUser-Agent: ", srv.last_ua, sizeof(srv.last_ua));
  header_value(req, "\nX-Extra: ", srv.last_extra, sizeof(srv.last_extra));
  pthread_mutex_unlock(&srv.lock);

  if (!strcmp(path, "/feed")) {
    if (strstr(req, "\r\nIf-None-Match: \"v1 x\"\r\n"))
      reply(c, "304 Not Modified", "ETag: \"v1 x\"\r\n", "");
    else
      reply(c, "200 OK",
            "Content-Type: application/rss+xml; charset=utf-8\r\n"
            "ETag: \"v1 x\"\r\nLast-Modified: Tue, 03 Nov 2026 10:00:00 GMT"
            "\r\nLink: <http://x/?page=2>; rel=\"next\"\r\n",
            "<rss>body</rss>");
  } else if (!strcmp(path, "/slow") || !strcmp(path, "/count")) {
    struct timespec ts = {0, 50 * 1000000L};
    nanosleep(&ts, NULL);
    reply(c, "200 OK", "", "slow");
  } else if (!strcmp(path, "/p1")) {
    reply(c, "301 Moved Permanently", "Location: /p2\r\n", "");
  } else if (!strcmp(path, "/p2")) {
    reply(c, "308 Permanent Redirect", "Location: /feed\r\n", "");
  } else if (!strcmp(path, "/t1")) {
    reply(c, "301 Moved Permanently", "Location: /t2\r\n", "");
  } else if (!strcmp(path, "/t2")) {
    reply(c, "307 Temporary Redirect", "Location: /feed\r\n", "");
  } else if (!strncmp(path, "/loop", 5)) {
    reply(c, "302 Found", "Location: /loop\r\n", "");
  } else if (!strcmp(path, "/big")) {
    char big[4000]; /* per connection: they run in parallel threads */
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    reply(c, "200 OK", "", big);
  } else if (!strcmp(path, "/429")) {
    reply(c, "429 Too Many Requests", "Retry-After: 30\r\n", "");
  } else if (!strcmp(path, "/503")) {
    reply(c, "503 Service Unavailable", "Retry-After: 1\r\n", "");
  } else {
    reply(c, "404 Not Found", "", "no");
  }
  close(c);
  return NULL;
}

static void *server_main(void *arg)
{
  (void)arg;
  for (;;) {
    int c = accept(srv.fd, NULL, NULL);
    pthread_t t;
    if (c < 0)
      return NULL;
    if (pthread_create(&t, NULL, conn_main, (void *)(intptr_t)c) == 0)
      pthread_detach(t);
    else
      close(c);
  }
}

static int server_start(void **state)
{
  struct sockaddr_in sa = {.sin_family = AF_INET};
  socklen_t sl = sizeof(sa);
  (void)state;
  memset(&srv, 0, sizeof(srv));
  pthread_mutex_init(&srv.lock, NULL);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if ((srv.fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
      bind(srv.fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
      listen(srv.fd, 64) != 0 ||
      getsockname(srv.fd, (struct sockaddr *)&sa, &sl) != 0)
    return -1;
  srv.port = ntohs(sa.sin_port);
  signal(SIGPIPE, SIG_IGN); /* clients may hang up mid-answer */
  wsp_fetcher_global_init();
  return pthread_create(&srv.thread, NULL, server_main, NULL) == 0 ? 0 : -1;
}

static int server_stop(void **state)
{
  (void)state;
  shutdown(srv.fd, SHUT_RDWR);
  close(srv.fd);
  pthread_join(srv.thread, NULL);
  return 0;
}

/* ---- helpers
 * ---------------------------------------------------------------*/

struct got {
  int n;
  struct {
    int tag, status;
    wsp_rc rc;
    char body[64], etag[64], lm[64], ctype[96], link[96], retry[16];
    char moved[128], error[256];
    long redirects;
  } r[64];
};

static void keep(char *dst, size_t n, const char *s)
{
  snprintf(dst, n, "%s", s ? s : "(null)");
}

static void on_done(void *ud, const wsp_fetch_result *res)
{
  struct got *g = ud;
  if (g->n >= 64)
    return;
  int i = g->n++;
  g->r[i].tag = (int)(intptr_t)res->ud;
  g->r[i].status = res->status;
  g->r[i].rc = res->rc;
  g->r[i].redirects = res->redirects;
  snprintf(g->r[i].body, sizeof(g->r[i].body), "%.*s", (int)res->len,
           res->body);
  keep(g->r[i].etag, sizeof(g->r[i].etag), res->etag);
  keep(g->r[i].lm, sizeof(g->r[i].lm), res->last_modified);
  keep(g->r[i].ctype, sizeof(g->r[i].ctype), res->content_type);
  keep(g->r[i].link, sizeof(g->r[i].link), res->link);
  keep(g->r[i].retry, sizeof(g->r[i].retry), res->retry_after);
  keep(g->r[i].moved, sizeof(g->r[i].moved), res->permanent_url);
  keep(g->r[i].error, sizeof(g->r[i].error), res->error);
}

static void run_all(wsp_fetcher *f, struct got *g)
{
  wsp_err err;
  for (int i = 0; i < 2000 && wsp_fetcher_pending(f) > 0; i++)
    assert_int_equal(wsp_fetcher_run(f, 100, on_done, g, &err), WSP_OK);
  assert_int_equal(wsp_fetcher_pending(f), 0);
}

static void fetch_one(const wsp_fetch_opts *o, const wsp_fetch_req *req,
                      struct got *g)
{
  wsp_fetcher *f;
  wsp_err err;
  memset(g, 0, sizeof(*g));
  assert_int_equal(wsp_fetcher_new(o, &f, &err), WSP_OK);
  assert_int_equal(wsp_fetcher_add(f, req), WSP_OK);
  run_all(f, g);
  wsp_fetcher_free(f);
  assert_int_equal(g->n, 1);
}

static char url[256];
static const char *u(const char *path)
{
  snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", srv.port, path);
  return url;
}

/* ---- tests
 * -------------------------------------------------------------------*/

static void test_validators(void **state)
{
  (void)state;
  struct got g;
  wsp_fetch_req req = {.url = u("/feed"), .headers = "X-Extra: yes"};

  fetch_one(NULL, &req, &g);
  assert_int_equal(g.r[0].rc, WSP_OK);
  assert_int_equal(g.r[0].status, 200);
  assert_string_equal(g.r[0].body, "<rss>body</rss>");
  assert_string_equal(g.r[0].etag, "\"v1 x\"");
  assert_string_equal(g.r[0].lm, "Tue, 03 Nov 2026 10:00:00 GMT");
  assert_string_equal(g.r[0].ctype, "application/rss+xml; charset=utf-8");
  assert_string_equal(g.r[0].link, "<http://x/?page=2>; rel=\"next\"");
  assert_string_equal(g.r[0].moved, "(null)");
  assert_string_equal(srv.last_extra, "yes");
  assert_non_null(strstr(srv.last_ua, "waspada/"));
  assert_string_equal(srv.last_inm, "");

  /* the validator goes back verbatim: 304, no body */
  req.etag = "\"v1 x\"";
  req.user_agent = "custom-agent/1";
  fetch_one(NULL, &req, &g);
  assert_string_equal(srv.last_inm, "\"v1 x\"");
  assert_string_equal(srv.last_ua, "custom-agent/1");
  assert_int_equal(g.r[0].status, 304);
  assert_string_equal(g.r[0].body, "");

  /* a validator with CR/LF is never sent (header injection) */
  req.etag = "\"a\"\r\nX-Evil: 1";
  fetch_one(NULL, &req, &g);
  assert_string_equal(srv.last_inm, "");
  assert_int_equal(g.r[0].status, 200);
}

static void test_redirects_and_limits(void **state)
{
  (void)state;
  struct got g;
  wsp_fetch_opts o;
  wsp_fetch_req req = {0};
  char want[256];

  req.url = u("/p1"); /* 301 -> 308 -> 200: permanent */
  fetch_one(NULL, &req, &g);
  assert_int_equal(g.r[0].status, 200);
  assert_int_equal(g.r[0].redirects, 2);
  snprintf(want, sizeof(want), "%s", u("/feed"));
  assert_string_equal(g.r[0].moved, want);

  req.url = u("/t1"); /* 301 -> 307: not permanent */
  fetch_one(NULL, &req, &g);
  assert_int_equal(g.r[0].status, 200);
  assert_string_equal(g.r[0].moved, "(null)");

  wsp_fetch_opts_default(&o);
  o.max_redirects = 3;
  req.url = u("/loop");
  fetch_one(&o, &req, &g);
  assert_int_equal(g.r[0].rc, WSP_FETCH);
  assert_non_null(strstr(g.r[0].error, "edirect"));

  o.max_body = 1000; /* declared length past the limit */
  req.url = u("/big");
  fetch_one(&o, &req, &g);
  assert_int_equal(g.r[0].rc, WSP_TOOBIG);
  o.max_body = 4000;
  fetch_one(&o, &req, &g);
  assert_int_equal(g.r[0].rc, WSP_OK);
  assert_int_equal(g.r[0].status, 200);

  o.max_inflight = 3000; /* fits the limit, not the memory budget */
  req.url = u("/big");
  fetch_one(&o, &req, &g);
  assert_int_equal(g.r[0].rc, WSP_FETCH);
  assert_non_null(strstr(g.r[0].error, "bodies in memory"));
  o.max_inflight = 0; /* default */

  req.url = u("/429");
  fetch_one(NULL, &req, &g);
  assert_int_equal(g.r[0].rc, WSP_OK);
  assert_int_equal(g.r[0].status, 429);
  assert_string_equal(g.r[0].retry, "30");
  assert_string_equal(g.r[0].error, "HTTP 429");

  req.url = "http://127.0.0.1:1/refused";
  fetch_one(NULL, &req, &g);
  assert_int_equal(g.r[0].rc, WSP_FETCH);
  assert_int_equal(g.r[0].status, 0);

  wsp_fetcher *f;
  wsp_err err;
  assert_int_equal(wsp_fetcher_new(NULL, &f, &err), WSP_OK);
  req.url = "";
  assert_int_equal(wsp_fetcher_add(f, &req), WSP_INVAL);
  req.url = u("/slow"); /* freed while queued/running: no leak, no crash */
  assert_int_equal(wsp_fetcher_add(f, &req), WSP_OK);
  assert_int_equal(wsp_fetcher_add(f, &req), WSP_OK);
  assert_int_equal(wsp_fetcher_run(f, 0, NULL, NULL, &err), WSP_OK);
  wsp_fetcher_free(f);
}

static void test_politeness(void **state)
{
  (void)state;
  wsp_fetch_opts o;
  wsp_fetcher *f;
  struct got g;
  wsp_err err;
  const int n = 8;

  /* per-host limit 2: the server never sees more than 2 at once */
  wsp_fetch_opts_default(&o);
  o.max_per_host = 2;
  o.host_spacing_ms = 0;
  memset(&g, 0, sizeof(g));
  for (int i = 0; i < 500; i++) { /* answers to earlier tests drain first */
    pthread_mutex_lock(&srv.lock);
    int busy = srv.active;
    pthread_mutex_unlock(&srv.lock);
    if (!busy)
      break;
    struct timespec ts = {0, 10 * 1000000L};
    nanosleep(&ts, NULL);
  }
  pthread_mutex_lock(&srv.lock);
  srv.max_active = 0;
  pthread_mutex_unlock(&srv.lock);
  assert_int_equal(wsp_fetcher_new(&o, &f, &err), WSP_OK);
  for (int i = 0; i < n; i++) {
    wsp_fetch_req req = {.url = u("/count"), .ud = (void *)(intptr_t)i};
    assert_int_equal(wsp_fetcher_add(f, &req), WSP_OK);
  }
  assert_int_equal(wsp_fetcher_pending(f), (size_t)n);
  run_all(f, &g);
  wsp_fetcher_free(f);
  assert_int_equal(g.n, n);
  if (srv.max_active > 2)
    fail_msg("server saw %d requests at once", srv.max_active);
  int seen[8] = {0};
  for (int i = 0; i < n; i++) {
    assert_int_equal(g.r[i].status, 200);
    seen[g.r[i].tag]++;
  }
  for (int i = 0; i < n; i++)
    assert_int_equal(seen[i], 1);

  /* spacing: request starts to one host at least 60 ms apart */
  o.max_per_host = 4;
  o.host_spacing_ms = 60;
  pthread_mutex_lock(&srv.lock);
  int first = srv.requests;
  pthread_mutex_unlock(&srv.lock);
  memset(&g, 0, sizeof(g));
  assert_int_equal(wsp_fetcher_new(&o, &f, &err), WSP_OK);
  for (int i = 0; i < 4; i++) {
    wsp_fetch_req req = {.url = u("/feed")};
    assert_int_equal(wsp_fetcher_add(f, &req), WSP_OK);
  }
  run_all(f, &g);
  wsp_fetcher_free(f);
  assert_int_equal(g.n, 4);
  assert_true(first + 4 <= MAX_LOG);
  for (int i = first + 1; i < first + 4; i++)
    assert_true(srv.starts[i] - srv.starts[i - 1] >= 55u * 1000000u);
}

/* Arrival times at the server of the requests numbered first..first+n-1. */
static int server_mark(void)
{
  pthread_mutex_lock(&srv.lock);
  int first = srv.requests;
  pthread_mutex_unlock(&srv.lock);
  return first;
}

/* With one transfer at a time, two hosts with three feeds each take turns
** (127.0.0.1 and localhost are different hosts to the fetcher). */
static void test_hosts_take_turns(void **state)
{
  (void)state;
  wsp_fetch_opts o;
  wsp_fetcher *f;
  struct got g;
  wsp_err err;
  char other[256];

  wsp_fetch_opts_default(&o);
  o.max_total = 1;
  memset(&g, 0, sizeof(g));
  snprintf(other, sizeof(other), "http://localhost:%d/feed", srv.port);
  assert_int_equal(wsp_fetcher_new(&o, &f, &err), WSP_OK);
  for (int i = 0; i < 6; i++) { /* queued A A A B B B */
    wsp_fetch_req req = {.url = i < 3 ? u("/feed") : other,
                         .ud = (void *)(intptr_t)(i < 3 ? 'A' : 'B')};
    assert_int_equal(wsp_fetcher_add(f, &req), WSP_OK);
  }
  run_all(f, &g);
  wsp_fetcher_free(f);
  assert_int_equal(g.n, 6);
  for (int i = 1; i < 6; i++)
    if (g.r[i].tag == g.r[i - 1].tag)
      fail_msg("host %c served twice in a row (answer %d)", g.r[i].tag, i);
}

static void test_retry_after_holds_host(void **state)
{
  (void)state;
  wsp_fetch_opts o;
  wsp_fetcher *f;
  struct got g;
  wsp_err err;
  int first;

  wsp_fetch_opts_default(&o);
  o.max_per_host = 2;
  o.host_spacing_ms = 0;
  assert_int_equal(wsp_fetcher_new(&o, &f, &err), WSP_OK);
  /* a 503 with Retry-After: 1 holds the whole host back for a second */
  memset(&g, 0, sizeof(g));
  first = server_mark();
  assert_true(first + 2 <= MAX_LOG);
  wsp_fetch_req busy = {.url = u("/503")};
  assert_int_equal(wsp_fetcher_add(f, &busy), WSP_OK);
  run_all(f, &g);
  assert_int_equal(g.r[0].status, 503);
  assert_string_equal(g.r[0].retry, "1");
  wsp_fetch_req next = {.url = u("/feed")};
  assert_int_equal(wsp_fetcher_add(f, &next), WSP_OK);
  run_all(f, &g);
  wsp_fetcher_free(f);
  assert_int_equal(g.n, 2);
  assert_int_equal(g.r[1].status, 200);
  if (srv.starts[first + 1] - srv.starts[first] < 900u * 1000000u)
    fail_msg("the host was asked again %.0f ms after Retry-After: 1",
             (double)(srv.starts[first + 1] - srv.starts[first]) / 1e6);

  /* host_hold_max_ms caps the hold within a run (the feed itself still
  ** waits the whole Retry-After: schedule.c) */
  o.host_hold_max_ms = 200;
  assert_int_equal(wsp_fetcher_new(&o, &f, &err), WSP_OK);
  memset(&g, 0, sizeof(g));
  first = server_mark();
  assert_true(first + 2 <= MAX_LOG);
  busy.url = u("/503"); /* u() returns one static buffer */
  assert_int_equal(wsp_fetcher_add(f, &busy), WSP_OK);
  run_all(f, &g);
  assert_int_equal(g.r[0].status, 503);
  next.url = u("/feed");
  assert_int_equal(wsp_fetcher_add(f, &next), WSP_OK);
  run_all(f, &g);
  wsp_fetcher_free(f);
  assert_int_equal(g.n, 2);
  assert_int_equal(g.r[1].status, 200);
  uint64_t gap = srv.starts[first + 1] - srv.starts[first];
  if (gap < 150u * 1000000u || gap >= 900u * 1000000u)
    fail_msg("with a 200 ms cap the host was asked again after %.0f ms",
             (double)gap / 1e6);
}

static void test_file_urls(void **state)
{
  (void)state;
  char dir[] = "/tmp/wsp_fetchf_XXXXXX", path[256], furl[300];
  struct got g;
  wsp_fetch_opts o;
  FILE *fp;

  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof(path), "%s/f.xml", dir);
  fp = fopen(path, "w");
  assert_non_null(fp);
  fputs("<rss>file</rss>", fp);
  fclose(fp);
  snprintf(furl, sizeof(furl), "file://%s", path);

  wsp_fetch_req req = {.url = furl};
  fetch_one(NULL, &req, &g);
  assert_int_equal(g.r[0].status, 200);
  assert_string_equal(g.r[0].body, "<rss>file</rss>");
  assert_true(strstr(g.r[0].lm, "GMT") != NULL);
  char lm[64];
  snprintf(lm, sizeof(lm), "%s", g.r[0].lm);

  req.last_modified = lm; /* unchanged: not modified */
  fetch_one(NULL, &req, &g);
  assert_int_equal(g.r[0].status, 304);
  assert_string_equal(g.r[0].lm, lm);

  struct timespec ts[2] = {{0, UTIME_NOW}, {time(NULL) + 10, 0}};
  assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
  fetch_one(NULL, &req, &g); /* changed: fetched again */
  assert_int_equal(g.r[0].status, 200);

  wsp_fetch_opts_default(&o);
  o.max_body = 5;
  req.last_modified = NULL;
  fetch_one(&o, &req, &g);
  assert_int_equal(g.r[0].rc, WSP_TOOBIG);

  snprintf(furl, sizeof(furl), "file://%s/missing.xml", dir);
  fetch_one(NULL, &req, &g);
  assert_int_equal(g.r[0].rc, WSP_FETCH);
  unlink(path);
  rmdir(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_validators),
      cmocka_unit_test(test_redirects_and_limits),
      cmocka_unit_test(test_politeness),
      cmocka_unit_test(test_retry_after_holds_host),
      cmocka_unit_test(test_hosts_take_turns),
      cmocka_unit_test(test_file_urls),
  };
  return cmocka_run_group_tests(tests, server_start, server_stop);
}
