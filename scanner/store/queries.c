/* store/queries.c: reading flagged posts, their matches, entities and
** sightings; appending and reading reviews; totals. Every value is bound as
** a parameter, never formatted into SQL. */
#include "store/store_int.h"

#include "core/buf.h"
#include "core/timeutil.h"

#include <sqlite3.h>
#include <string.h>

sqlite3 *wsp__store_db(wsp_store *s);

static wsp_rc query_fail(wsp_store *s, wsp_err *err, const char *what)
{
  return wsp_err_set(err, WSP_STORE, "%s: %s", what,
                     sqlite3_errmsg(wsp__store_db(s)));
}

static const char *col_text(sqlite3_stmt *st, int i)
{
  return (const char *)sqlite3_column_text(st, i);
}

#define ROW_COLUMNS                                                            \
  "p.id, s.name, p.ext_id, p.url, p.author, p.title, p.lang, p.published,"     \
  " p.first_seen, p.text, p.raw_sha256, p.score, coalesce(p.bayes, -1),"       \
  " p.level, p.categories, p.status,"                                          \
  " (SELECT count(*) FROM sightings g WHERE g.post_id = p.id)"

static void read_row(sqlite3_stmt *st, wsp_store_row *r)
{
  r->id = sqlite3_column_int64(st, 0);
  r->source = col_text(st, 1);
  r->ext_id = col_text(st, 2);
  r->url = col_text(st, 3);
  r->author = col_text(st, 4);
  r->title = col_text(st, 5);
  r->lang = col_text(st, 6);
  r->published = sqlite3_column_int64(st, 7);
  r->first_seen = sqlite3_column_int64(st, 8);
  r->text = col_text(st, 9);
  r->text_len = (size_t)sqlite3_column_bytes(st, 9);
  r->raw_sha256 = col_text(st, 10);
  r->score = sqlite3_column_double(st, 11);
  r->bayes = sqlite3_column_double(st, 12);
  r->level = col_text(st, 13);
  r->categories = col_text(st, 14);
  r->status = col_text(st, 15);
  r->sightings = sqlite3_column_int(st, 16);
}

static int level_rank(const char *level)
{
  static const char *const names[] = {"none", "low", "medium", "high"};
  for (int i = 0; i < 4; i++)
    if (strcmp(level, names[i]) == 0)
      return i;
  return -1;
}

/* Run a prepared row query, calling fn per row. */
static wsp_rc each_row(wsp_store *s, sqlite3_stmt *st,
                       int (*fn)(void *ud, const wsp_store_row *row), void *ud,
                       int *rows, wsp_err *err)
{
  int rc;
  wsp_store_row r;

  *rows = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    read_row(st, &r);
    (*rows)++;
    if (fn(ud, &r))
      break;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return query_fail(s, err, "reading posts");
  return WSP_OK;
}

wsp_rc wsp_store_list(wsp_store *s, const wsp_store_filter *f,
                      int (*fn)(void *ud, const wsp_store_row *row), void *ud,
                      wsp_err *err)
{
  sqlite3_stmt *st = NULL;
  wsp_buf sql;
  wsp_rc rc;
  int rank = -1, rows;

  if (f->level && (rank = level_rank(f->level)) < 0)
    return wsp_err_set(err, WSP_INVAL, "unknown level '%s'", f->level);
  wsp_buf_init(&sql, 4096);
  rc = wsp_buf_puts(&sql, "SELECT " ROW_COLUMNS
                          " FROM posts p JOIN sources s ON s.id = p.source_id"
                          " WHERE p.first_seen >= ?1"
                          " AND (?2 < 0 OR CASE p.level WHEN 'none' THEN 0"
                          " WHEN 'low' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END"
                          " >= ?2)"
                          " AND (?3 IS NULL OR ',' || p.categories || ','"
                          " LIKE '%,' || ?3 || ',%')"
                          " AND (?4 IS NULL OR p.status = ?4)");
  if (rc == WSP_OK && f->query)
    rc = wsp_buf_puts(&sql, " AND p.id IN (SELECT rowid FROM posts_fts"
                            " WHERE posts_fts MATCH ?5)");
  if (rc == WSP_OK)
    rc = wsp_buf_puts(&sql, " ORDER BY p.score DESC, p.id LIMIT ?6");
  if (rc != WSP_OK)
    goto done;
  if (sqlite3_prepare_v2(wsp__store_db(s), wsp_buf_str(&sql), -1, &st, NULL) !=
      SQLITE_OK) {
    rc = query_fail(s, err, "listing posts");
    goto done;
  }
  sqlite3_bind_int64(st, 1, f->since);
  sqlite3_bind_int(st, 2, rank);
  if (f->category)
    sqlite3_bind_text(st, 3, f->category, -1, SQLITE_TRANSIENT);
  if (f->status)
    sqlite3_bind_text(st, 4, f->status, -1, SQLITE_TRANSIENT);
  if (f->query)
    sqlite3_bind_text(st, 5, f->query, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(st, 6, f->limit > 0 ? f->limit : 100);
  rc = each_row(s, st, fn, ud, &rows, err);
done:
  sqlite3_finalize(st);
  wsp_buf_cleanup(&sql);
  return rc;
}

wsp_rc wsp_store_get(wsp_store *s, int64_t id,
                     int (*fn)(void *ud, const wsp_store_row *row), void *ud,
                     wsp_err *err)
{
  sqlite3_stmt *st;
  wsp_rc rc;
  int rows;

  if (sqlite3_prepare_v2(wsp__store_db(s),
                         "SELECT " ROW_COLUMNS " FROM posts p"
                         " JOIN sources s ON s.id = p.source_id"
                         " WHERE p.id = ?1",
                         -1, &st, NULL) != SQLITE_OK)
    return query_fail(s, err, "reading post");
  sqlite3_bind_int64(st, 1, id);
  rc = each_row(s, st, fn, ud, &rows, err);
  sqlite3_finalize(st);
  if (rc == WSP_OK && rows == 0)
    return wsp_err_set(err, WSP_NOTFOUND, "no post with id %lld",
                       (long long)id);
  return rc;
}

wsp_rc wsp_store_matches(wsp_store *s, int64_t post_id,
                         int (*fn)(void *ud, const wsp_store_match *m),
                         void *ud, wsp_err *err)
{
  sqlite3_stmt *st;
  int rc, stop = 0;
  wsp_rc wrc = WSP_OK;

  /* a row per rule, its spans in order (store/spans.c) */
  if (sqlite3_prepare_v2(wsp__store_db(s),
                         "SELECT rule_id, rule_rev, spans"
                         " FROM matches WHERE post_id = ?1 ORDER BY rule_id",
                         -1, &st, NULL) != SQLITE_OK)
    return query_fail(s, err, "reading matches");
  sqlite3_bind_int64(st, 1, post_id);
  while (!stop && wrc == WSP_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
    wrc = wsp__spans_each(col_text(st, 0), sqlite3_column_int(st, 1),
                          col_text(st, 2), (size_t)sqlite3_column_bytes(st, 2),
                          fn, ud, &stop, err);
  sqlite3_finalize(st);
  if (wrc != WSP_OK)
    return wrc;
  return stop || rc == SQLITE_DONE ? WSP_OK
                                   : query_fail(s, err, "reading matches");
}

wsp_rc wsp_store_entities(wsp_store *s, int64_t post_id,
                          int (*fn)(void *ud, const wsp_store_entity *e),
                          void *ud, wsp_err *err)
{
  sqlite3_stmt *st;
  int rc;

  if (sqlite3_prepare_v2(wsp__store_db(s),
                         "SELECT kind, value, start, end FROM entities"
                         " WHERE post_id = ?1 ORDER BY start",
                         -1, &st, NULL) != SQLITE_OK)
    return query_fail(s, err, "reading entities");
  sqlite3_bind_int64(st, 1, post_id);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    wsp_store_entity e = {col_text(st, 0), col_text(st, 1),
                          (size_t)sqlite3_column_int64(st, 2),
                          (size_t)sqlite3_column_int64(st, 3)};
    if (fn(ud, &e))
      break;
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE
             ? WSP_OK
             : query_fail(s, err, "reading entities");
}

wsp_rc wsp_store_sightings(wsp_store *s, int64_t post_id,
                           int (*fn)(void *ud, const wsp_store_sighting *g),
                           void *ud, wsp_err *err)
{
  sqlite3_stmt *st;
  int rc;

  if (sqlite3_prepare_v2(wsp__store_db(s),
                         "SELECT s.name, g.ext_id, g.url, g.seen"
                         " FROM sightings g JOIN sources s"
                         " ON s.id = g.source_id WHERE g.post_id = ?1"
                         " ORDER BY g.seen, g.id",
                         -1, &st, NULL) != SQLITE_OK)
    return query_fail(s, err, "reading sightings");
  sqlite3_bind_int64(st, 1, post_id);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    wsp_store_sighting g = {col_text(st, 0), col_text(st, 1), col_text(st, 2),
                            sqlite3_column_int64(st, 3)};
    if (fn(ud, &g))
      break;
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE
             ? WSP_OK
             : query_fail(s, err, "reading sightings");
}

int wsp_store_decision_valid(const char *d)
{
  return d && (strcmp(d, "scam") == 0 || strcmp(d, "not_scam") == 0 ||
               strcmp(d, "unsure") == 0 || strcmp(d, "escalate") == 0);
}

wsp_rc wsp_store_review_add(wsp_store *s, int64_t post_id, const char *decision,
                            const char *reviewer, const char *note,
                            wsp_err *err)
{
  sqlite3 *db = wsp__store_db(s);
  sqlite3_stmt *st = NULL;
  wsp_rc rc = WSP_STORE;

  if (!wsp_store_decision_valid(decision))
    return wsp_err_set(err, WSP_INVAL,
                       "unknown decision '%s' (scam, not_scam, unsure, "
                       "escalate)",
                       decision ? decision : "");
  if (sqlite3_exec(db, "SAVEPOINT review", NULL, NULL, NULL) != SQLITE_OK)
    return query_fail(s, err, "adding review");
  if (sqlite3_prepare_v2(db,
                         "INSERT INTO reviews(post_id, decision, reviewer,"
                         " note, created) SELECT id, ?2, ?3, ?4, ?5 FROM"
                         " posts WHERE id = ?1",
                         -1, &st, NULL) != SQLITE_OK)
    goto fail;
  sqlite3_bind_int64(st, 1, post_id);
  sqlite3_bind_text(st, 2, decision, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, reviewer && *reviewer ? reviewer : "unknown", -1,
                    SQLITE_TRANSIENT);
  if (note)
    sqlite3_bind_text(st, 4, note, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 5, wsp_time_wall_ms() / 1000);
  if (sqlite3_step(st) != SQLITE_DONE)
    goto fail;
  if (sqlite3_changes(db) == 0) {
    rc = wsp_err_set(err, WSP_NOTFOUND, "no post with id %lld",
                     (long long)post_id);
    goto rollback;
  }
  sqlite3_finalize(st);
  st = NULL;
  if (sqlite3_prepare_v2(db, "UPDATE posts SET status = ?2 WHERE id = ?1", -1,
                         &st, NULL) != SQLITE_OK)
    goto fail;
  sqlite3_bind_int64(st, 1, post_id);
  sqlite3_bind_text(st, 2, decision, -1, SQLITE_TRANSIENT);
  if (sqlite3_step(st) != SQLITE_DONE)
    goto fail;
  sqlite3_finalize(st);
  if (sqlite3_exec(db, "RELEASE review", NULL, NULL, NULL) != SQLITE_OK)
    return query_fail(s, err, "adding review");
  return WSP_OK;
fail:
  rc = query_fail(s, err, "adding review");
rollback:
  sqlite3_finalize(st);
  sqlite3_exec(db, "ROLLBACK TO review", NULL, NULL, NULL);
  sqlite3_exec(db, "RELEASE review", NULL, NULL, NULL);
  return rc;
}

wsp_rc wsp_store_reviews(wsp_store *s, int64_t post_id,
                         int (*fn)(void *ud, const wsp_store_review *r),
                         void *ud, wsp_err *err)
{
  sqlite3_stmt *st;
  int rc;

  if (sqlite3_prepare_v2(wsp__store_db(s),
                         "SELECT id, post_id, created, decision, reviewer,"
                         " note FROM reviews WHERE post_id = ?1 ORDER BY id",
                         -1, &st, NULL) != SQLITE_OK)
    return query_fail(s, err, "reading reviews");
  sqlite3_bind_int64(st, 1, post_id);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    wsp_store_review r = {sqlite3_column_int64(st, 0),
                          sqlite3_column_int64(st, 1),
                          sqlite3_column_int64(st, 2),
                          col_text(st, 3),
                          col_text(st, 4),
                          col_text(st, 5)};
    if (fn(ud, &r))
      break;
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE
             ? WSP_OK
             : query_fail(s, err, "reading reviews");
}

wsp_rc wsp_store_labelled(wsp_store *s,
                          int (*fn)(void *ud, const char *text, size_t len,
                                    int is_scam),
                          void *ud, wsp_err *err)
{
  sqlite3_stmt *st;
  int rc;

  /* latest review per post (highest id), only firm decisions */
  if (sqlite3_prepare_v2(wsp__store_db(s),
                         "SELECT p.text, r.decision FROM reviews r"
                         " JOIN posts p ON p.id = r.post_id"
                         " WHERE r.id = (SELECT max(id) FROM reviews"
                         " WHERE post_id = r.post_id)"
                         " AND r.decision IN ('scam', 'not_scam')"
                         " ORDER BY p.id",
                         -1, &st, NULL) != SQLITE_OK)
    return query_fail(s, err, "reading reviews");
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *text = col_text(st, 0);
    size_t len = (size_t)sqlite3_column_bytes(st, 0);
    if (fn(ud, text ? text : "", len, strcmp(col_text(st, 1), "scam") == 0))
      break;
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE
             ? WSP_OK
             : query_fail(s, err, "reading reviews");
}

wsp_rc wsp_store_totals_get(wsp_store *s, wsp_store_totals *t, wsp_err *err)
{
  sqlite3_stmt *st;
  int rc;

  if (sqlite3_prepare_v2(
          wsp__store_db(s),
          "SELECT (SELECT coalesce(sum(scanned), 0) FROM counters),"
          " (SELECT coalesce(sum(flagged), 0) FROM counters),"
          " (SELECT count(*) FROM posts), (SELECT count(*) FROM sightings),"
          " (SELECT count(*) FROM reviews)",
          -1, &st, NULL) != SQLITE_OK)
    return query_fail(s, err, "reading totals");
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    t->scanned = sqlite3_column_int64(st, 0);
    t->flagged = sqlite3_column_int64(st, 1);
    t->posts = sqlite3_column_int64(st, 2);
    t->sightings = sqlite3_column_int64(st, 3);
    t->reviews = sqlite3_column_int64(st, 4);
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? WSP_OK : query_fail(s, err, "reading totals");
}

wsp_rc wsp_store_rule_stats(wsp_store *s,
                            int (*fn)(void *ud, const wsp_store_rule_stat *r),
                            void *ud, wsp_err *err)
{
  sqlite3_stmt *st;
  int rc;

  if (sqlite3_prepare_v2(
          wsp__store_db(s),
          "SELECT m.rule_id, count(*),"
          " sum(p.status = 'scam'), sum(p.status = 'not_scam'),"
          " sum(p.status IN ('unsure', 'escalate')), sum(p.status = 'new'),"
          " max(p.first_seen)"
          " FROM (SELECT DISTINCT post_id, rule_id FROM matches) m"
          " JOIN posts p ON p.id = m.post_id"
          " GROUP BY m.rule_id ORDER BY count(*) DESC, m.rule_id",
          -1, &st, NULL) != SQLITE_OK)
    return query_fail(s, err, "reading rule statistics");
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    wsp_store_rule_stat r = {
        col_text(st, 0),
        sqlite3_column_int64(st, 1),
        sqlite3_column_int64(st, 2),
        sqlite3_column_int64(st, 3),
        sqlite3_column_int64(st, 4),
        sqlite3_column_int64(st, 5),
        sqlite3_column_int64(st, 6),
    };
    if (fn(ud, &r))
      break;
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE
             ? WSP_OK
             : query_fail(s, err, "reading rule statistics");
}
