/* Unit tests for fetch/: the poll schedule (backoff, Retry-After, pause,
** 410), the OPML feed list (attributes, groups, relative paths, file:line
** errors, hostile input, save/load round trip, allocation failures) and the
** feed state in the store (sync, updates, redirects, unlisting). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/alloc.h"
#include "fetch/feedlist.h"
#include "fetch/feedsync.h"
#include "fetch/schedule.h"
#include "store/feeds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- schedule -------------------------------------------------------------*/

static void test_retry_after(void **state)
{
  (void)state;
  static const struct {
    const char *v;
    long want;
  } cases[] = {
      {"120", 120},
      {" 7 ", 7},
      {"0", 0},
      {"", -1},
      {"12a", -1},
      {"-5", -1},
      {"soon", -1},
      {"Wed, 21 Oct 2015 07:28:00 GMT", 0},      /* in the past */
      {"Wed, 21 Oct 2015 07:30:00 GMT", 120},    /* IMF-fixdate */
      {"Wednesday, 21-Oct-15 07:29:00 GMT", 60}, /* RFC 850 */
      {"Wed Oct 21 07:29:30 2015", 90},          /* asctime */
      {"99999999999999999999", 100000000L},      /* clamped */
  };
  int64_t now = 1445412480; /* 2015-10-21T07:28:00Z */
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    long got = wsp_retry_after_parse(cases[i].v, now);
    if (got != cases[i].want)
      fail_msg("'%s': want %ld, got %ld", cases[i].v, cases[i].want, got);
  }
  assert_int_equal(wsp_retry_after_parse(NULL, now), -1);
}

static void test_schedule(void **state)
{
  (void)state;
  wsp_sched_opts o;
  wsp_sched_out out;
  wsp_sched_opts_default(&o);
  o.backoff_base = 60;
  o.backoff_max = 1000;
  o.pause_after = 4;
  o.pause_for = 86400;
  o.retry_after_max = 7200;
  const int64_t now = 1800000000;

  /* success: interval (feed's own, else default), failures reset */
  wsp_sched_in in = {.outcome = WSP_OUTCOME_OK, .failures = 3, .now = now};
  wsp_sched_next(&o, &in, &out);
  assert_int_equal(out.failures, 0);
  assert_int_equal(out.next_poll, now + o.interval);
  assert_false(out.paused || out.disabled);
  in.outcome = WSP_OUTCOME_NOT_MODIFIED;
  in.interval = 300;
  wsp_sched_next(&o, &in, &out);
  assert_int_equal(out.next_poll, now + 300);

  /* failures: 60, 120, 240, then paused (4th) for pause_for */
  static const long want[] = {60, 120, 240, 86400, 86400};
  in = (wsp_sched_in){.outcome = WSP_OUTCOME_FAILED,
                      .status = 500,
                      .error = "HTTP 500",
                      .now = now};
  for (int f = 0; f < 5; f++) {
    in.failures = f;
    wsp_sched_next(&o, &in, &out);
    assert_int_equal(out.failures, f + 1);
    assert_int_equal(out.next_poll - now, want[f]);
    assert_int_equal(out.paused, f + 1 >= 4);
  }
  assert_non_null(strstr(out.reason, "paused after 5 consecutive failures"));
  assert_non_null(strstr(out.reason, "HTTP 500"));

  /* the cap: failures 3 with pause disabled */
  o.pause_after = 0;
  in.failures = 20;
  wsp_sched_next(&o, &in, &out);
  assert_int_equal(out.next_poll - now, 1000);
  assert_false(out.paused);

  /* 429/503 honour Retry-After (capped); other codes ignore it */
  in = (wsp_sched_in){.outcome = WSP_OUTCOME_FAILED,
                      .status = 429,
                      .retry_after = "600",
                      .now = now};
  wsp_sched_next(&o, &in, &out);
  assert_int_equal(out.next_poll - now, 600);
  in.status = 503;
  in.retry_after = "999999";
  wsp_sched_next(&o, &in, &out);
  assert_int_equal(out.next_poll - now, 7200);
  in.retry_after = "garbage";
  wsp_sched_next(&o, &in, &out);
  assert_int_equal(out.next_poll - now, 60); /* plain backoff */
  in.status = 500;
  in.retry_after = "600";
  wsp_sched_next(&o, &in, &out);
  assert_int_equal(out.next_poll - now, 60);

  /* 410 disables: no next poll */
  in = (wsp_sched_in){.outcome = WSP_OUTCOME_GONE, .status = 410, .now = now};
  wsp_sched_next(&o, &in, &out);
  assert_true(out.disabled);
  assert_int_equal(out.next_poll, 0);
  assert_non_null(strstr(out.reason, "410"));
}

/* ---- feed list ------------------------------------------------------------*/

static const char good_opml[] =
    "<?xml version=\"1.0\"?>\n"
    "<opml version=\"2.0\" xmlns:waspada=\"https://waspada.example/opml\">\n"
    "<head><title>Daftar &amp; feeds</title></head>\n"
    "<body>\n"
    " <outline text=\"Indonesia\">\n"
    "  <outline title=\"Jatim\">\n"
    "   <outline text=\"Loker A\" title=\"Loker A (judul)\" type=\"rss\"\n"
    "     xmlUrl=\"https://a.example/feed\" htmlUrl=\"https://a.example/\"\n"
    "     category=\"jobs,id\" waspada:kind=\"atom\" waspada:interval=\"600\"\n"
    "     waspada:userAgent=\"Mozilla/5.0 x\"\n"
    "     waspada:headers=\"X-Api-Key: k1|Accept-Language: id\"/>\n"
    "  </outline>\n"
    "  <outline text=\"lokal\" xmlUrl=\"samples/x y.rss\"\n"
    "    waspada:enabled=\"false\" waspada:name=\"lokal-x\"/>\n"
    " </outline>\n"
    " <outline text=\"abs\" xmlUrl=\"/srv/feeds/z.xml\"/>\n"
    " <outline xmlUrl=\"http://b.example/rss\"/>\n"
    "</body></opml>\n";

static void test_feedlist_parse(void **state)
{
  (void)state;
  wsp_feedlist *l;
  wsp_err err;
  const wsp_feed *f;

  assert_int_equal(wsp_feedlist_parse("t.opml", "/tmp", good_opml,
                                      sizeof(good_opml) - 1, &l, &err),
                   WSP_OK);
  assert_string_equal(wsp_feedlist_title(l), "Daftar & feeds");
  assert_int_equal(wsp_feedlist_count(l), 4);
  f = wsp_feedlist_get(l, 0);
  assert_string_equal(f->name, "Loker A");
  assert_string_equal(f->title, "Loker A (judul)");
  assert_string_equal(f->url, "https://a.example/feed");
  assert_string_equal(f->html_url, "https://a.example/");
  assert_string_equal(f->type, "rss");
  assert_string_equal(f->category, "jobs,id");
  assert_string_equal(f->group, "Indonesia/Jatim");
  assert_string_equal(f->kind, "atom");
  assert_int_equal(f->interval, 600);
  assert_string_equal(f->user_agent, "Mozilla/5.0 x");
  assert_string_equal(f->headers, "X-Api-Key: k1|Accept-Language: id");
  assert_true(f->enabled);
  assert_int_equal(f->line, 11);
  f = wsp_feedlist_get(l, 1);
  assert_string_equal(f->name, "lokal-x");
  assert_string_equal(f->url, "file:///tmp/samples/x%20y.rss");
  assert_string_equal(f->group, "Indonesia");
  assert_string_equal(f->kind, "auto");
  assert_false(f->enabled);
  f = wsp_feedlist_get(l, 2);
  assert_string_equal(f->url, "file:///srv/feeds/z.xml");
  assert_null(f->group);
  f = wsp_feedlist_get(l, 3);
  assert_string_equal(f->name, "http://b.example/rss"); /* no text/title */
  assert_ptr_equal(wsp_feedlist_find(l, "abs"), wsp_feedlist_get(l, 2));
  assert_ptr_equal(wsp_feedlist_find(l, "https://a.example/feed"),
                   wsp_feedlist_get(l, 0));
  assert_null(wsp_feedlist_find(l, "nope"));
  assert_int_equal(wsp_feedlist_remove(l, "abs"), WSP_OK);
  assert_int_equal(wsp_feedlist_remove(l, "abs"), WSP_NOTFOUND);
  assert_int_equal(wsp_feedlist_count(l), 3);
  wsp_feedlist_free(l);
}

static void test_feedlist_errors(void **state)
{
  (void)state;
  static const struct {
    const char *text, *want;
  } cases[] = {
      {"", "t.opml:1:"},
      {"<opml><body>\n<outline text='a' xmlUrl='http://x/'>\n</opml>",
       "t.opml:3: Opening and ending tag mismatch"},
      {"<rss/>", "t.opml:1: not an OPML file"},
      {"<opml><head/></opml>", "OPML without <body>"},
      {"<opml xmlns:waspada='https://waspada.example/opml'><body>\n\n"
       "<outline text='a' xmlUrl='http://x/' waspada:interval='-1'/>"
       "</body></opml>",
       "t.opml:3: waspada:interval '-1' is not"},
      {"<opml xmlns:w='https://waspada.example/opml'><body>"
       "<outline text='a' xmlUrl='http://x/' w:kind='podcast'/></body></opml>",
       "unknown kind 'podcast'"},
      {"<opml xmlns:waspada='urn:other'><body>"
       "<outline text='a' xmlUrl='http://x/' waspada:enabld='no'/>"
       "</body></opml>",
       "unknown attribute waspada:enabld"},
      {"<opml xmlns:waspada='https://waspada.example/opml'><body>"
       "<outline text='a' xmlUrl='http://x/' waspada:enabled='maybe'/>"
       "</body></opml>",
       "waspada:enabled 'maybe' is not true or false"},
      {"<opml xmlns:waspada='https://waspada.example/opml'><body>"
       "<outline text='a' xmlUrl='http://x/' waspada:headers='NoColon'/>"
       "</body></opml>",
       "is not 'Name: value'"},
      {"<opml xmlns:waspada='https://waspada.example/opml'><body>"
       "<outline text='a' xmlUrl='http://x/' "
       "waspada:headers='X: 1&#13;&#10;Host: evil'/></body></opml>",
       "control characters"},
      {"<opml><body><outline text='a' xmlUrl='http://x/'/>\n"
       "<outline text='a' xmlUrl='http://y/'/></body></opml>",
       "t.opml:2: duplicate feed name 'a'"},
      {"<opml><body><outline text='a' xmlUrl='gopher://x/'/></body></opml>",
       "is not http, https or file"},
      {"<opml><body><outline text='a' xmlUrl=''/></body></opml>",
       "empty xmlUrl"},
      {"<!DOCTYPE opml [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
       "<opml><body><outline text='&e;' xmlUrl='http://x/'/></body></opml>",
       NULL}, /* external entity: never read (name stays the reference) */
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    wsp_feedlist *l = NULL;
    wsp_err err = {""};
    wsp_rc rc = wsp_feedlist_parse("t.opml", "/tmp", cases[i].text,
                                   strlen(cases[i].text), &l, &err);
    if (!cases[i].want) {
      if (rc == WSP_OK) {
        const wsp_feed *f = wsp_feedlist_get(l, 0);
        assert_null(strstr(f->name, "root:"));
      }
      wsp_feedlist_free(l);
      continue;
    }
    if (rc != WSP_PARSE || !strstr(err.msg, cases[i].want))
      fail_msg("case %zu: rc %d, '%s' lacks '%s'", i, rc, err.msg,
               cases[i].want);
    assert_null(l);
  }
  /* folders nested too deep */
  char deep[4096] = "<opml><body>";
  for (int i = 0; i < WSP_FEEDLIST_MAX_DEPTH + 2; i++)
    strcat(deep, "<outline text='d'>");
  strcat(deep, "<outline text='a' xmlUrl='http://x/'/>");
  for (int i = 0; i < WSP_FEEDLIST_MAX_DEPTH + 2; i++)
    strcat(deep, "</outline>");
  strcat(deep, "</body></opml>");
  wsp_feedlist *l;
  wsp_err err;
  assert_int_equal(
      wsp_feedlist_parse("t.opml", "/tmp", deep, strlen(deep), &l, &err),
      WSP_PARSE);
  assert_non_null(strstr(err.msg, "nested deeper"));
}

/* Both NULL or both the same string. */
static void same_str(size_t i, const char *field, const char *a, const char *b)
{
  if ((a || b) && (!a || !b || strcmp(a, b)))
    fail_msg("feed %zu: %s '%s' != '%s'", i, field, a ? a : "(null)",
             b ? b : "(null)");
}

static void test_feedlist_roundtrip(void **state)
{
  (void)state;
  char dir[] = "/tmp/wsp_fetch_XXXXXX", path[256], path2[256];
  wsp_feedlist *l, *m;
  wsp_err err;
  FILE *fp;

  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof(path), "%s/list.opml", dir);
  snprintf(path2, sizeof(path2), "%s/again.opml", dir);
  assert_int_equal(wsp_feedlist_parse("t.opml", dir, good_opml,
                                      sizeof(good_opml) - 1, &l, &err),
                   WSP_OK);
  wsp_feed extra = {.url = "https://c.example/f?x=1&y=<2>",
                    .title = "C \"q\"",
                    .group = "Asia/SEA",
                    .enabled = 1};
  assert_int_equal(wsp_feedlist_add(l, &extra, &err), WSP_OK);
  assert_int_equal(wsp_feedlist_add(l, &extra, &err), WSP_INVAL);
  assert_int_equal(wsp_feedlist_save(l, path, &err), WSP_OK);
  /* the relative path is written back relative */
  char text[8192];
  fp = fopen(path, "r");
  assert_non_null(fp);
  size_t n = fread(text, 1, sizeof(text) - 1, fp);
  text[n] = '\0';
  fclose(fp);
  assert_non_null(strstr(text, "xmlUrl=\"samples/x y.rss\""));
  assert_non_null(
      strstr(text, "xmlns:waspada=\"https://waspada.example/opml\""));

  assert_int_equal(wsp_feedlist_load(path, &m, &err), WSP_OK);
  assert_int_equal(wsp_feedlist_count(m), wsp_feedlist_count(l));
  assert_string_equal(wsp_feedlist_title(m), wsp_feedlist_title(l));
  for (size_t i = 0; i < wsp_feedlist_count(l); i++) {
    const wsp_feed *a = wsp_feedlist_get(l, i), *b = wsp_feedlist_get(m, i);
#define SAME(field) same_str(i, #field, a->field, b->field)
    SAME(name);
    SAME(title);
    SAME(url);
    SAME(html_url);
    SAME(category);
    SAME(group);
    SAME(kind);
    SAME(user_agent);
    SAME(headers);
#undef SAME
    assert_int_equal(a->interval, b->interval);
    assert_int_equal(a->enabled, b->enabled);
  }
  /* saving the reloaded list gives the same bytes */
  assert_int_equal(wsp_feedlist_save(m, path2, &err), WSP_OK);
  char text2[8192];
  fp = fopen(path2, "r");
  n = fread(text2, 1, sizeof(text2) - 1, fp);
  text2[n] = '\0';
  fclose(fp);
  assert_string_equal(text, text2);
  wsp_feedlist_free(l);
  wsp_feedlist_free(m);
  assert_int_equal(wsp_feedlist_load("/nonexistent/x.opml", &m, &err), WSP_IO);
  unlink(path);
  unlink(path2);
  rmdir(dir);
}

static void test_feedlist_alloc_failures(void **state)
{
  (void)state;
  for (long n = 0;; n++) {
    wsp_feedlist *l = NULL;
    wsp_err err;
    wsp_alloc_fail_after(n);
    wsp_rc rc = wsp_feedlist_parse("t.opml", "/tmp", good_opml,
                                   sizeof(good_opml) - 1, &l, &err);
    long used = wsp_alloc_fail_after(-1);
    if (rc == WSP_OK) {
      assert_int_equal(wsp_feedlist_count(l), 4);
      wsp_feedlist_free(l);
      break;
    }
    assert_true(rc == WSP_NOMEM || rc == WSP_IO);
    assert_null(l);
    assert_true(n < 10000 && used >= 0);
  }
}

/* ---- feed state in the store ----------------------------------------------*/

struct row_copy {
  char url[256], list_url[256], etag[64], lm[64], cursor[64], error[128];
  int failures, enabled, listed, status;
  int64_t next_poll, last_ok, items;
  int has_etag, has_disabled, has_paused;
};

static int copy_row(void *ud, const wsp_feed_row *r)
{
  struct row_copy *c = ud;
  memset(c, 0, sizeof(*c));
  snprintf(c->url, sizeof(c->url), "%s", r->url ? r->url : "");
  snprintf(c->list_url, sizeof(c->list_url), "%s",
           r->list_url ? r->list_url : "");
  snprintf(c->etag, sizeof(c->etag), "%s", r->etag ? r->etag : "");
  snprintf(c->lm, sizeof(c->lm), "%s",
           r->last_modified ? r->last_modified : "");
  snprintf(c->cursor, sizeof(c->cursor), "%s", r->cursor ? r->cursor : "");
  snprintf(c->error, sizeof(c->error), "%s",
           r->last_error ? r->last_error : "");
  c->has_etag = r->etag != NULL;
  c->has_disabled = r->disabled_reason != NULL;
  c->has_paused = r->paused_reason != NULL;
  c->failures = r->failures;
  c->enabled = r->enabled;
  c->listed = r->listed;
  c->status = r->last_status;
  c->next_poll = r->next_poll;
  c->last_ok = r->last_ok;
  c->items = r->items;
  return 0;
}

static int count_row(void *ud, const wsp_feed_row *r)
{
  (void)r;
  (*(int *)ud)++;
  return 0;
}

static void test_feed_state(void **state)
{
  (void)state;
  char dir[] = "/tmp/wsp_fetchdb_XXXXXX", path[256], cmd[300];
  wsp_store *s;
  wsp_err err;
  struct row_copy r;
  int n;

  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof(path), "%s/t.db", dir);
  assert_int_equal(wsp_store_open(path, 0, &s, &err), WSP_OK);
  wsp_feed_config a = {"a", "rss", "http://127.0.0.1/a", "A", "G/H", 1};
  wsp_feed_config b = {"b", "auto", "http://127.0.0.1/b", NULL, NULL, 1};
  assert_int_equal(wsp_store_feed_sync(s, &a, &err), WSP_OK);
  assert_int_equal(wsp_store_feed_sync(s, &b, &err), WSP_OK);

  /* a 200 with validators, a cursor and a permanent redirect */
  wsp_feed_update u = {.name = "a",
                       .fetched = 1000,
                       .next_poll = 1900,
                       .ok = 1,
                       .status = 200,
                       .set_validators = 1,
                       .etag = "W/\"x y\"",
                       .last_modified = "Mon, 01 Jan",
                       .cursor = "c1",
                       .url = "http://127.0.0.1/a2",
                       .items = 5};
  assert_int_equal(wsp_store_feed_update(s, &u, &err), WSP_OK);
  assert_int_equal(wsp_store_feed_get(s, "a", copy_row, &r, &err), WSP_OK);
  assert_string_equal(r.etag, "W/\"x y\"");
  assert_string_equal(r.lm, "Mon, 01 Jan");
  assert_string_equal(r.cursor, "c1");
  assert_string_equal(r.url, "http://127.0.0.1/a2");
  assert_string_equal(r.list_url, "http://127.0.0.1/a");
  assert_int_equal(r.items, 5);
  assert_int_equal(r.last_ok, 1000);

  /* a failure keeps validators and cursor */
  u = (wsp_feed_update){.name = "a",
                        .fetched = 2000,
                        .next_poll = 2060,
                        .failures = 1,
                        .status = 500,
                        .error = "HTTP 500"};
  assert_int_equal(wsp_store_feed_update(s, &u, &err), WSP_OK);
  wsp_store_feed_get(s, "a", copy_row, &r, &err);
  assert_string_equal(r.etag, "W/\"x y\"");
  assert_string_equal(r.cursor, "c1");
  assert_string_equal(r.error, "HTTP 500");
  assert_int_equal(r.failures, 1);
  assert_int_equal(r.last_ok, 1000);

  /* re-syncing the same list keeps the redirected URL and the state */
  assert_int_equal(wsp_store_feed_sync(s, &a, &err), WSP_OK);
  wsp_store_feed_get(s, "a", copy_row, &r, &err);
  assert_string_equal(r.url, "http://127.0.0.1/a2");
  assert_int_equal(r.failures, 1);
  /* the list names a new URL: it wins, state starts afresh */
  a.url = "http://127.0.0.1/a3";
  assert_int_equal(wsp_store_feed_sync(s, &a, &err), WSP_OK);
  wsp_store_feed_get(s, "a", copy_row, &r, &err);
  assert_string_equal(r.url, "http://127.0.0.1/a3");
  assert_false(r.has_etag);
  assert_int_equal(r.failures, 0);
  assert_int_equal(r.next_poll, 0);

  /* 410: disabled with the reason; reset lifts it */
  u = (wsp_feed_update){.name = "b",
                        .fetched = 10,
                        .failures = 1,
                        .status = 410,
                        .error = "gone",
                        .disabled = "gone"};
  assert_int_equal(wsp_store_feed_update(s, &u, &err), WSP_OK);
  wsp_store_feed_get(s, "b", copy_row, &r, &err);
  assert_true(r.has_disabled);
  assert_int_equal(wsp_store_feed_reset(s, "b", &err), WSP_OK);
  wsp_store_feed_get(s, "b", copy_row, &r, &err);
  assert_false(r.has_disabled);
  assert_int_equal(wsp_store_feed_reset(s, "zz", &err), WSP_NOTFOUND);

  /* unlisting: listed rows only; the row stays */
  assert_int_equal(wsp_store_feed_unlist(s, "b", &err), WSP_OK);
  assert_int_equal(wsp_store_feed_unlist(s, "b", &err), WSP_NOTFOUND);
  n = 0;
  wsp_store_feeds_each(s, 1, count_row, &n, &err);
  assert_int_equal(n, 1);
  n = 0;
  wsp_store_feeds_each(s, 0, count_row, &n, &err);
  assert_int_equal(n, 2);
  assert_int_equal(wsp_store_feed_get(s, "nope", copy_row, &r, &err),
                   WSP_NOTFOUND);
  u.name = "nope";
  assert_int_equal(wsp_store_feed_update(s, &u, &err), WSP_NOTFOUND);

  /* a whole list: only its feeds stay listed */
  wsp_feedlist *l;
  static const char two[] =
      "<opml><body><outline text='b' xmlUrl='http://127.0.0.1/b'/>"
      "<outline text='c' xmlUrl='http://127.0.0.1/c'/></body></opml>";
  assert_int_equal(
      wsp_feedlist_parse("t", "/tmp", two, sizeof(two) - 1, &l, &err), WSP_OK);
  assert_int_equal(wsp_feeds_sync(s, l, &err), WSP_OK);
  wsp_feedlist_free(l);
  wsp_store_feed_get(s, "a", copy_row, &r, &err);
  assert_false(r.listed);
  wsp_store_feed_get(s, "b", copy_row, &r, &err);
  assert_true(r.listed);
  n = 0;
  wsp_store_feeds_each(s, 1, count_row, &n, &err);
  assert_int_equal(n, 2);
  wsp_store_free(s);
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_retry_after),
      cmocka_unit_test(test_schedule),
      cmocka_unit_test(test_feedlist_parse),
      cmocka_unit_test(test_feedlist_errors),
      cmocka_unit_test(test_feedlist_roundtrip),
      cmocka_unit_test(test_feedlist_alloc_failures),
      cmocka_unit_test(test_feed_state),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
