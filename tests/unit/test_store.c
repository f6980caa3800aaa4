/* Unit tests for store/: migrations (fresh, from an older version, refusing a
** newer one), duplicate detection and sightings, idempotent re-runs,
** append-only reviews, labelled data for training, filters, and clean
** errors on read-only and locked databases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "store/store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];
static char path[300];

static int setup(void **state)
{
  (void)state;
  snprintf(dir, sizeof(dir), "/tmp/wsp_store_XXXXXX");
  if (!mkdtemp(dir))
    return -1;
  snprintf(path, sizeof(path), "%s/t.db", dir);
  return 0;
}

static int teardown(void **state)
{
  char cmd[300];
  (void)state;
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  return system(cmd);
}

static wsp_store_post post(const char *source, const char *ext_id,
                           const char *text, const char *hash, int flagged)
{
  static const wsp_store_match m[] = {{"ID-FEE-0001", 2, "no_fee", 6, 17}};
  static const wsp_store_entity e[] = {{"phone", "+6281234567890", 30, 42}};
  wsp_store_post p = {.source = source,
                      .ext_id = ext_id,
                      .url = "https://example.org/p",
                      .seen = 1795000000,
                      .text = text,
                      .text_len = strlen(text),
                      .raw_sha256 = "00ff",
                      .norm_hash = hash,
                      .flagged = flagged,
                      .score = flagged ? 7.5 : 0.5,
                      .bayes = 0.9,
                      .level = flagged ? "high" : "none",
                      .categories =
                          flagged ? "recruitment_fee,destination_risk" : "",
                      .matches = m,
                      .n_matches = flagged ? 1 : 0,
                      .entities = e,
                      .n_entities = flagged ? 1 : 0};
  return p;
}

static int count_rows(const char *sql)
{
  sqlite3 *db;
  sqlite3_stmt *st;
  int n = -1;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  if (sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

static void fresh_database_has_latest_schema(void **state)
{
  wsp_store *s;
  wsp_err err;
  (void)state;
  assert_int_equal(wsp_store_open(path, 0, &s, &err), WSP_OK);
  assert_int_equal(wsp_store_version(s), wsp_store_schema_version());
  assert_true(wsp_store_schema_version() >= 2);
  wsp_store_free(s);
  assert_int_equal(count_rows("PRAGMA user_version"),
                   wsp_store_schema_version());
}

static void duplicates_and_sightings(void **state)
{
  wsp_store *s;
  wsp_err err;
  wsp_put_result r;
  int64_t id, id2;
  const char *ad = "loker kamboja tanpa biaya hub wa 081234567890";
  (void)state;

  assert_int_equal(wsp_store_open(path, 0, &s, &err), WSP_OK);
  assert_int_equal(wsp_store_begin(s, &err), WSP_OK);
  wsp_store_post p = post("file:a.jsonl", "a1", ad, "h1", 1);
  assert_int_equal(wsp_store_put(s, &p, &r, &id, &err), WSP_OK);
  assert_int_equal(r, WSP_PUT_NEW);
  assert_true(id > 0);
  /* same source, same id: duplicate, nothing stored */
  assert_int_equal(wsp_store_put(s, &p, &r, &id2, &err), WSP_OK);
  assert_int_equal(r, WSP_PUT_DUPLICATE);
  /* the same ad in another source: a sighting of the stored post */
  wsp_store_post q = post("file:b.jsonl", "b9", ad, "h1", 1);
  assert_int_equal(wsp_store_put(s, &q, &r, &id2, &err), WSP_OK);
  assert_int_equal(r, WSP_PUT_SIGHTING);
  assert_int_equal(id2, id);
  /* an unflagged post is counted but not stored */
  wsp_store_post c = post("file:a.jsonl", NULL, "selamat pagi", "h2", 0);
  assert_int_equal(wsp_store_put(s, &c, &r, &id2, &err), WSP_OK);
  assert_int_equal(r, WSP_PUT_NEW);
  assert_int_equal(id2, 0);
  /* without an id, the same text from the same source is a duplicate */
  assert_int_equal(wsp_store_put(s, &c, &r, &id2, &err), WSP_OK);
  assert_int_equal(r, WSP_PUT_DUPLICATE);
  assert_int_equal(wsp_store_commit(s, &err), WSP_OK);

  wsp_store_totals t;
  assert_int_equal(wsp_store_totals_get(s, &t, &err), WSP_OK);
  assert_int_equal(t.scanned, 3);
  assert_int_equal(t.flagged, 2);
  assert_int_equal(t.posts, 1);
  assert_int_equal(t.sightings, 2);
  wsp_store_free(s);
  assert_int_equal(count_rows("SELECT count(*) FROM matches"), 1);
  assert_int_equal(
      count_rows("SELECT count(*) FROM entities WHERE kind = 'phone'"), 1);
  assert_int_equal(count_rows("SELECT count(*) FROM posts_fts WHERE "
                              "posts_fts MATCH 'kamboja'"),
                   1);
}

static void rerun_stores_nothing_new(void **state)
{
  wsp_store *s;
  wsp_err err;
  wsp_put_result r;
  char text[64], hash[16], ext[16];
  int dups = 0;
  (void)state;
  for (int run = 0; run < 2; run++) {
    assert_int_equal(wsp_store_open(path, 0, &s, &err), WSP_OK);
    assert_int_equal(wsp_store_begin(s, &err), WSP_OK);
    for (int i = 0; i < 50; i++) {
      snprintf(text, sizeof(text), "post number %d", i);
      snprintf(hash, sizeof(hash), "n%d", i);
      snprintf(ext, sizeof(ext), "x%d", i);
      wsp_store_post p = post("file:run.jsonl", ext, text, hash, i % 5 == 0);
      assert_int_equal(wsp_store_put(s, &p, &r, NULL, &err), WSP_OK);
      dups += r == WSP_PUT_DUPLICATE;
    }
    assert_int_equal(wsp_store_commit(s, &err), WSP_OK);
    wsp_store_free(s);
  }
  assert_int_equal(dups, 50);
  assert_int_equal(count_rows("SELECT count(*) FROM posts"), 10);
  assert_int_equal(count_rows("SELECT sum(scanned) FROM counters"), 50);
  assert_int_equal(count_rows("SELECT sum(flagged) FROM counters"), 10);
}

/* Counters are added up during a transaction and written at its commit:
** a rollback leaves none behind, interleaved sources each get theirs, and
** a put outside any transaction counts at once. */
static void counters_follow_the_transaction(void **state)
{
  wsp_store *s;
  wsp_err err;
  wsp_put_result r;
  char text[64], hash[16], ext[16];
  (void)state;
  assert_int_equal(wsp_store_open(path, 0, &s, &err), WSP_OK);
  assert_int_equal(wsp_store_begin(s, &err), WSP_OK);
  for (int i = 0; i < 30; i++) {
    snprintf(text, sizeof(text), "rolled back %d", i);
    snprintf(hash, sizeof(hash), "rb%d", i);
    snprintf(ext, sizeof(ext), "rb%d", i);
    wsp_store_post p = post(i % 2 ? "src:a" : "src:b", ext, text, hash, i < 3);
    assert_int_equal(wsp_store_put(s, &p, &r, NULL, &err), WSP_OK);
  }
  assert_int_equal(wsp_store_rollback(s), WSP_OK);
  assert_int_equal(wsp_store_begin(s, &err), WSP_OK);
  for (int i = 0; i < 30; i++) { /* three sources, round robin */
    static const char *const src[] = {"src:a", "src:b", "src:c"};
    snprintf(text, sizeof(text), "kept %d", i);
    snprintf(hash, sizeof(hash), "k%d", i);
    snprintf(ext, sizeof(ext), "k%d", i);
    wsp_store_post p = post(src[i % 3], ext, text, hash, i % 3 == 0);
    assert_int_equal(wsp_store_put(s, &p, &r, NULL, &err), WSP_OK);
  }
  assert_int_equal(wsp_store_commit(s, &err), WSP_OK);
  wsp_store_post one = post("src:c", "alone", "outside", "out1", 1);
  assert_int_equal(wsp_store_put(s, &one, &r, NULL, &err), WSP_OK);
  wsp_store_free(s);
  assert_int_equal(count_rows("SELECT sum(scanned) FROM counters"), 31);
  assert_int_equal(count_rows("SELECT sum(flagged) FROM counters"), 11);
  assert_int_equal(count_rows("SELECT scanned FROM counters c JOIN sources s"
                              " ON s.id = c.source_id WHERE s.name = 'src:a'"),
                   10);
  assert_int_equal(count_rows("SELECT flagged FROM counters c JOIN sources s"
                              " ON s.id = c.source_id WHERE s.name = 'src:a'"),
                   10);
  assert_int_equal(count_rows("SELECT scanned FROM counters c JOIN sources s"
                              " ON s.id = c.source_id WHERE s.name = 'src:c'"),
                   11);
}

/* posts_fts is filled at commit, one statement per transaction: a post
** rolled back to its savepoint (a match without a rule) is not indexed and its
** id goes to the next post, a rolled back transaction indexes nothing,
** a put outside a transaction is indexed at once, and FTS5's own
** integrity check agrees with the posts table. */
static void search_index_follows_the_transaction(void **state)
{
  wsp_store *s;
  wsp_err err;
  wsp_put_result r;
  int64_t id_bad = 0, id_next = 0;
  static const wsp_store_match bad[] = {{NULL, 1, "x", 0, 1}};
  (void)state;
  assert_int_equal(wsp_store_open(path, 0, &s, &err), WSP_OK);
  assert_int_equal(wsp_store_begin(s, &err), WSP_OK);
  wsp_store_post a = post("src:a", "a1", "alpha kamboja", "fa", 1);
  assert_int_equal(wsp_store_put(s, &a, &r, NULL, &err), WSP_OK);
  wsp_store_post b = post("src:a", "b1", "beta kamboja", "fb", 1);
  b.matches = bad;
  assert_int_equal(wsp_store_put(s, &b, &r, &id_bad, &err), WSP_INVAL);
  wsp_store_post c = post("src:a", "c1", "gamma kamboja", "fc", 1);
  assert_int_equal(wsp_store_put(s, &c, &r, &id_next, &err), WSP_OK);
  assert_int_equal(wsp_store_commit(s, &err), WSP_OK);
  assert_int_equal(wsp_store_begin(s, &err), WSP_OK);
  wsp_store_post d = post("src:a", "d1", "delta kamboja", "fd", 1);
  assert_int_equal(wsp_store_put(s, &d, &r, NULL, &err), WSP_OK);
  assert_int_equal(wsp_store_rollback(s), WSP_OK);
  wsp_store_post e = post("src:b", "e1", "epsilon kamboja", "fe", 1);
  assert_int_equal(wsp_store_put(s, &e, &r, NULL, &err), WSP_OK);
  wsp_store_free(s);

  assert_int_equal(count_rows("SELECT count(*) FROM posts"), 3);
  assert_int_equal(count_rows("SELECT count(*) FROM posts_fts WHERE "
                              "posts_fts MATCH 'kamboja'"),
                   3);
  assert_int_equal(count_rows("SELECT count(*) FROM posts_fts WHERE "
                              "posts_fts MATCH 'beta OR delta'"),
                   0);
  assert_int_equal(count_rows("SELECT count(*) FROM posts_fts WHERE "
                              "posts_fts MATCH 'gamma'"),
                   1);
  assert_int_equal(count_rows("SELECT count(*) FROM posts_fts WHERE "
                              "posts_fts MATCH 'epsilon'"),
                   1);
  /* the id of the rolled-back post went to the next one */
  assert_int_equal(count_rows("SELECT id FROM posts WHERE ext_id = 'c1'"), 2);
  assert_int_equal(count_rows("SELECT count(*) FROM (SELECT 1 FROM posts_fts"
                              " WHERE posts_fts MATCH 'gamma' AND rowid = 2)"),
                   1);
  assert_int_equal(
      count_rows("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                 " AND name = 'posts_fts_ins'"),
      0);
  sqlite3 *db;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db,
                                "INSERT INTO posts_fts(posts_fts, rank)"
                                " VALUES('integrity-check', 1)",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(db);
}

struct got_spans {
  char text[1024];
  int n, stop_after;
};

static int collect_span(void *ud, const wsp_store_match *m)
{
  struct got_spans *g = ud;
  size_t len = strlen(g->text);
  snprintf(g->text + len, sizeof(g->text) - len, "%s/%d/%s/%zu-%zu;",
           m->rule_id, m->rule_rev, m->pattern, m->start, m->end);
  return ++g->n == g->stop_after;
}

/* Matches are stored a row per rule with the rule's spans in one column:
** they come back ordered by rule, start, end and pattern whatever order
** they were given in; a pattern name with a line break is refused; a
** tampered spans column is an error, not a crash. */
static void matches_round_trip_a_row_per_rule(void **state)
{
  static const wsp_store_match m[] = {{"ID-FEE-0001", 2, "no_fee", 30, 40},
                                      {"ID-DEST-0001", 1, "abroad", 5, 12},
                                      {"ID-FEE-0001", 2, "fee", 6, 9},
                                      {"ID-DEST-0001", 1, "hub", 5, 12},
                                      {"ID-FEE-0001", 2, "fee", 6, 8},
                                      {"ID-FAST-0001", 3, "cepat", 0, 5}};
  static const wsp_store_match bad[] = {{"ID-X", 1, "two\nlines", 0, 1}};
  wsp_store *s;
  wsp_err err;
  wsp_put_result r;
  int64_t id;
  struct got_spans g = {.stop_after = -1};
  (void)state;
  assert_int_equal(wsp_store_open(path, 0, &s, &err), WSP_OK);
  wsp_store_post p = post("src:a", "m1", "cepat abroad fee", "hm1", 1);
  p.matches = m;
  p.n_matches = sizeof(m) / sizeof(m[0]);
  assert_int_equal(wsp_store_put(s, &p, &r, &id, &err), WSP_OK);
  wsp_store_post q = post("src:a", "m2", "bad pattern name", "hm2", 1);
  q.matches = bad;
  assert_int_equal(wsp_store_put(s, &q, &r, NULL, &err), WSP_INVAL);
  assert_int_equal(wsp_store_matches(s, id, collect_span, &g, &err), WSP_OK);
  assert_string_equal(g.text, "ID-DEST-0001/1/abroad/5-12;ID-DEST-0001/1/hub/"
                              "5-12;ID-FAST-0001/3/cepat/0-5;ID-FEE-0001/2/"
                              "fee/6-8;ID-FEE-0001/2/fee/6-9;ID-FEE-0001/2/"
                              "no_fee/30-40;");
  /* the callback may stop early */
  memset(&g, 0, sizeof(g));
  g.stop_after = 3;
  assert_int_equal(wsp_store_matches(s, id, collect_span, &g, &err), WSP_OK);
  assert_int_equal(g.n, 3);
  wsp_store_free(s);
  assert_int_equal(count_rows("SELECT count(*) FROM matches"), 3);
  assert_int_equal(count_rows("SELECT count(*) FROM posts"), 1);

  sqlite3 *db;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db,
                                "UPDATE matches SET spans = '12 x hub'"
                                " WHERE rule_id = 'ID-FAST-0001'",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(db);
  assert_int_equal(wsp_store_open(path, 0, &s, &err), WSP_OK);
  memset(&g, 0, sizeof(g));
  g.stop_after = -1;
  assert_int_equal(wsp_store_matches(s, id, collect_span, &g, &err), WSP_STORE);
  assert_non_null(strstr(err.msg, "malformed"));
  wsp_store_free(s);
}

/* A version 4 database (a row per span) is converted by migration 5. */
static void migrates_matches_to_a_row_per_rule(void **state)
{
  static const wsp_store_match m[] = {
      {"ID-B", 1, "y", 20, 25}, {"ID-A", 4, "x", 3, 7}, {"ID-B", 1, "x", 3, 7}};
  wsp_store *s;
  wsp_err err;
  wsp_put_result r;
  int64_t id;
  struct got_spans g = {.stop_after = -1};
  (void)state;
  assert_int_equal(wsp_store_open_at(path, 4, &s, &err), WSP_OK);
  wsp_store_post p = post("src:old", "o1", "x y", "ho1", 1);
  p.matches = m;
  p.n_matches = 3;
  assert_int_equal(wsp_store_put(s, &p, &r, &id, &err), WSP_OK);
  wsp_store_free(s);
  assert_int_equal(count_rows("SELECT count(*) FROM matches"), 3);
  assert_int_equal(wsp_store_open(path, 0, &s, &err), WSP_OK);
  assert_int_equal(wsp_store_matches(s, id, collect_span, &g, &err), WSP_OK);
  assert_string_equal(g.text, "ID-A/4/x/3-7;ID-B/1/x/3-7;ID-B/1/y/20-25;");
  wsp_store_free(s);
  assert_int_equal(count_rows("SELECT count(*) FROM matches"), 2);
  assert_int_equal(count_rows("SELECT count(*) FROM sqlite_master WHERE name ="
                              " 'matches_rule'"),
                   1);
}

static void migrates_from_version_1(void **state)
{
  wsp_store *s;
  wsp_err err;
  wsp_put_result r;
  (void)state;
  assert_int_equal(wsp_store_open_at(path, 1, &s, &err), WSP_OK);
  assert_int_equal(wsp_store_version(s), 1);
  wsp_store_post p = post("file:old", "o1", "ladang ganja kamboja", "ho", 1);
  assert_int_equal(wsp_store_put(s, &p, &r, NULL, &err), WSP_OK);
  wsp_store_free(s);
  assert_int_equal(count_rows("SELECT count(*) FROM sqlite_master WHERE "
                              "name = 'posts_fts'"),
                   0);
  /* a newer waspada opens it and upgrades, keeping the data */
  assert_int_equal(wsp_store_open(path, 0, &s, &err), WSP_OK);
  assert_int_equal(wsp_store_version(s), wsp_store_schema_version());
  wsp_store_free(s);
  assert_int_equal(count_rows("SELECT count(*) FROM posts_fts WHERE "
                              "posts_fts MATCH 'ganja'"),
                   1);
}

static void refuses_newer_schema(void **state)
{
  wsp_store *s;
  wsp_err err;
  sqlite3 *db;
  char sql[64];
  (void)state;
  assert_int_equal(wsp_store_open(path, 0, &s, &err), WSP_OK);
  wsp_store_free(s);
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
           wsp_store_schema_version() + 1);
  assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  assert_int_equal(wsp_store_open(path, 0, &s, &err), WSP_SCHEMA);
  assert_null(s);
  assert_non_null(strstr(err.msg, "newer"));
}

static int collect_label(void *ud, const char *text, size_t len, int is_scam)
{
  char *out = ud;
  (void)len;
  strcat(out, is_scam ? "S:" : "N:");
  strcat(out, text);
  strcat(out, ";");
  return 0;
}

static int count_review(void *ud, const wsp_store_review *r)
{
  (*(int *)ud)++;
  assert_non_null(r->decision);
  return 0;
}

static void reviews_are_append_only(void **state)
{
  wsp_store *s;
  wsp_err err;
  wsp_put_result r;
  int64_t a, b;
  char labels[256] = "";
  int n = 0;
  (void)state;
  assert_int_equal(wsp_store_open(path, 0, &s, &err), WSP_OK);
  wsp_store_post p = post("src", "1", "alpha", "ha", 1);
  wsp_store_post q = post("src", "2", "beta", "hb", 1);
  assert_int_equal(wsp_store_put(s, &p, &r, &a, &err), WSP_OK);
  assert_int_equal(wsp_store_put(s, &q, &r, &b, &err), WSP_OK);
  assert_int_equal(wsp_store_review_add(s, a, "unsure", "ani", NULL, &err),
                   WSP_OK);
  assert_int_equal(wsp_store_review_add(s, a, "scam", "budi", "wa scam", &err),
                   WSP_OK);
  assert_int_equal(wsp_store_review_add(s, b, "scam", "ani", NULL, &err),
                   WSP_OK);
  assert_int_equal(wsp_store_review_add(s, b, "not_scam", "ani", "news", &err),
                   WSP_OK);
  assert_int_equal(wsp_store_review_add(s, b, "maybe", "ani", NULL, &err),
                   WSP_INVAL);
  assert_int_equal(wsp_store_review_add(s, 999, "scam", "ani", NULL, &err),
                   WSP_NOTFOUND);
  assert_int_equal(wsp_store_reviews(s, a, count_review, &n, &err), WSP_OK);
  assert_int_equal(n, 2);
  /* the latest decision per post wins */
  assert_int_equal(wsp_store_labelled(s, collect_label, labels, &err), WSP_OK);
  assert_string_equal(labels, "S:alpha;N:beta;");
  wsp_store_free(s);
  assert_int_equal(count_rows("SELECT count(*) FROM posts WHERE status = "
                              "'not_scam'"),
                   1);
  /* the database itself refuses to rewrite history */
  sqlite3 *db;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_not_equal(sqlite3_exec(db, "UPDATE reviews SET decision = 'scam'",
                                    NULL, NULL, NULL),
                       SQLITE_OK);
  assert_int_not_equal(
      sqlite3_exec(db, "DELETE FROM reviews", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
}

static int count_list(void *ud, const wsp_store_row *row)
{
  (*(int *)ud)++;
  assert_non_null(row->text);
  return 0;
}

static void list_filters(void **state)
{
  wsp_store *s;
  wsp_err err;
  wsp_put_result r;
  int n;
  (void)state;
  assert_int_equal(wsp_store_open(path, 0, &s, &err), WSP_OK);
  wsp_store_post p = post("src", "1", "gaji dolar kapal ikan", "h1", 1);
  wsp_store_post q = post("src", "2", "visa turis kamboja", "h2", 1);
  q.level = "low";
  q.categories = "visa_misuse";
  assert_int_equal(wsp_store_put(s, &p, &r, NULL, &err), WSP_OK);
  assert_int_equal(wsp_store_put(s, &q, &r, NULL, &err), WSP_OK);
  wsp_store_filter f = {0};
  n = 0;
  assert_int_equal(wsp_store_list(s, &f, count_list, &n, &err), WSP_OK);
  assert_int_equal(n, 2);
  f.level = "medium";
  n = 0;
  assert_int_equal(wsp_store_list(s, &f, count_list, &n, &err), WSP_OK);
  assert_int_equal(n, 1);
  f = (wsp_store_filter){.category = "visa_misuse"};
  n = 0;
  assert_int_equal(wsp_store_list(s, &f, count_list, &n, &err), WSP_OK);
  assert_int_equal(n, 1);
  f = (wsp_store_filter){.category = "visa"}; /* whole names only */
  n = 0;
  assert_int_equal(wsp_store_list(s, &f, count_list, &n, &err), WSP_OK);
  assert_int_equal(n, 0);
  f = (wsp_store_filter){.query = "kapal"};
  n = 0;
  assert_int_equal(wsp_store_list(s, &f, count_list, &n, &err), WSP_OK);
  assert_int_equal(n, 1);
  f = (wsp_store_filter){.level = "severe"};
  assert_int_equal(wsp_store_list(s, &f, count_list, &n, &err), WSP_INVAL);
  wsp_store_free(s);
}

static void read_only_and_locked_fail_cleanly(void **state)
{
  wsp_store *s, *s2;
  wsp_err err;
  wsp_put_result r;
  sqlite3 *db;
  (void)state;
  assert_int_equal(wsp_store_open(path, 0, &s, &err), WSP_OK);
  wsp_store_free(s);

  /* another process holds the write lock: a clear error, not a hang */
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL),
                   SQLITE_OK);
  assert_int_equal(wsp_store_open(path, 0, &s, &err), WSP_OK);
  assert_int_equal(wsp_store_begin(s, &err), WSP_STORE);
  assert_non_null(strstr(err.msg, "locked"));
  /* readers are not blocked by the writer (WAL) */
  assert_int_equal(wsp_store_open(path, WSP_STORE_READONLY, &s2, &err), WSP_OK);
  wsp_store_totals t;
  assert_int_equal(wsp_store_totals_get(s2, &t, &err), WSP_OK);
  wsp_store_free(s2);
  sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close(db);
  wsp_store_free(s);

  /* a read-only file: writes fail with a message, data intact */
  if (geteuid() != 0) { /* root ignores file permissions */
    chmod(path, 0444);
    assert_int_equal(wsp_store_open(path, 0, &s, &err), WSP_OK);
    wsp_store_post p = post("src", "1", "x", "hx", 1);
    assert_int_equal(wsp_store_put(s, &p, &r, NULL, &err), WSP_STORE);
    wsp_store_free(s);
    chmod(path, 0644);
  }
  /* opening read-only a database that does not exist */
  char missing[320];
  snprintf(missing, sizeof(missing), "%s/none.db", dir);
  assert_int_equal(wsp_store_open(missing, WSP_STORE_READONLY, &s, &err),
                   WSP_STORE);
  assert_non_null(strstr(err.msg, "none.db"));
}

static void not_a_database_is_refused(void **state)
{
  wsp_store *s;
  wsp_err err;
  FILE *f = fopen(path, "wb");
  (void)state;
  assert_non_null(f);
  for (int i = 0; i < 200; i++)
    fputs("this is not a database file at all\n", f);
  fclose(f);
  assert_int_equal(wsp_store_open(path, 0, &s, &err), WSP_STORE);
  assert_null(s);
  assert_true(strlen(err.msg) > 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(fresh_database_has_latest_schema, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(duplicates_and_sightings, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(rerun_stores_nothing_new, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(counters_follow_the_transaction, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(search_index_follows_the_transaction,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(matches_round_trip_a_row_per_rule, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(migrates_matches_to_a_row_per_rule, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(migrates_from_version_1, setup, teardown),
      cmocka_unit_test_setup_teardown(refuses_newer_schema, setup, teardown),
      cmocka_unit_test_setup_teardown(reviews_are_append_only, setup, teardown),
      cmocka_unit_test_setup_teardown(list_filters, setup, teardown),
      cmocka_unit_test_setup_teardown(read_only_and_locked_fail_cleanly, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(not_a_database_is_refused, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
