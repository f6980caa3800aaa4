/* store/feeds.c: the feed-state half of the `sources` table (feeds.h).
** Statements are prepared per call: these run once per feed and fetch,
** far from the per-post hot path. Every value is a bound parameter. */
#include "store/feeds.h"
#include "store/store_int.h"

#include "core/timeutil.h"

#include <sqlite3.h>

static wsp_rc fail(wsp_store *s, wsp_err *err, const char *what)
{
  return wsp_err_set(err, WSP_STORE, "%s: %s", what,
                     sqlite3_errmsg(wsp__store_db(s)));
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
  if (v)
    sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, i);
}

/* Prepare, let bind() fill parameters, step to the end. *changes gets the
** number of rows changed. */
static wsp_rc exec(wsp_store *s, const char *sql, const char *what,
                   void (*bind)(sqlite3_stmt *, const void *), const void *arg,
                   int *changes, wsp_err *err)
{
  sqlite3 *db = wsp__store_db(s);
  sqlite3_stmt *st;
  int rc;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
    return fail(s, err, what);
  if (bind)
    bind(st, arg);
  rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE)
    return fail(s, err, what);
  if (changes)
    *changes = sqlite3_changes(db);
  return WSP_OK;
}

wsp_rc wsp_store_feeds_unlist_all(wsp_store *s, wsp_err *err)
{
  return exec(s, "UPDATE sources SET listed = 0 WHERE listed != 0",
              "unlisting feeds", NULL, NULL, NULL, err);
}

static void bind_sync(sqlite3_stmt *st, const void *arg)
{
  const wsp_feed_config *c = arg;
  bind_text(st, 1, c->name);
  bind_text(st, 2, c->kind ? c->kind : "auto");
  bind_text(st, 3, c->url);
  bind_text(st, 4, c->title);
  bind_text(st, 5, c->group);
  sqlite3_bind_int(st, 6, c->enabled ? 1 : 0);
  sqlite3_bind_int64(st, 7, wsp_time_wall_ms() / 1000);
}

/* A changed list URL wins over a redirect and starts afresh (new
** validators, no failures, not disabled). */
static const char sync_sql[] =
    "INSERT INTO sources(name, kind, url, list_url, title, grp, enabled,"
    " listed, created) VALUES(?1, ?2, ?3, ?3, ?4, ?5, ?6, 1, ?7)"
    " ON CONFLICT(name) DO UPDATE SET kind = excluded.kind,"
    " title = excluded.title, grp = excluded.grp,"
    " enabled = excluded.enabled, listed = 1,"
    " url = CASE WHEN list_url IS excluded.list_url THEN url"
    "   ELSE excluded.url END,"
    " etag = CASE WHEN list_url IS excluded.list_url THEN etag END,"
    " last_modified = CASE WHEN list_url IS excluded.list_url"
    "   THEN last_modified END,"
    " cursor = CASE WHEN list_url IS excluded.list_url THEN cursor END,"
    " failures = CASE WHEN list_url IS excluded.list_url THEN failures"
    "   ELSE 0 END,"
    " paused_reason = CASE WHEN list_url IS excluded.list_url"
    "   THEN paused_reason END,"
    " disabled_reason = CASE WHEN list_url IS excluded.list_url"
    "   THEN disabled_reason END,"
    " next_poll = CASE WHEN list_url IS excluded.list_url THEN next_poll"
    "   END,"
    " list_url = excluded.list_url";

/* Run sql once per element of arr (n elements of size sz) with one
** prepared statement; *changed counts rows changed. */
static wsp_rc exec_n(wsp_store *s, const char *sql, const char *what,
                     void (*bind)(sqlite3_stmt *, const void *),
                     const void *arr, size_t sz, size_t n, size_t *changed,
                     wsp_err *err)
{
  sqlite3 *db = wsp__store_db(s);
  sqlite3_stmt *st;
  if (changed)
    *changed = 0;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
    return fail(s, err, what);
  for (size_t i = 0; i < n; i++) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    bind(st, (const char *)arr + i * sz);
    if (sqlite3_step(st) != SQLITE_DONE) {
      wsp_rc rc = fail(s, err, what);
      sqlite3_finalize(st);
      return rc;
    }
    if (changed)
      *changed += (size_t)sqlite3_changes(db);
  }
  sqlite3_finalize(st);
  return WSP_OK;
}

wsp_rc wsp_store_feeds_sync_n(wsp_store *s, const wsp_feed_config *c, size_t n,
                              wsp_err *err)
{
  for (size_t i = 0; i < n; i++)
    if (!c[i].name || !c[i].url)
      return wsp_err_set(err, WSP_INVAL, "feed without name or URL");
  return exec_n(s, sync_sql, "saving feeds", bind_sync, c, sizeof(*c), n, NULL,
                err);
}

wsp_rc wsp_store_feed_sync(wsp_store *s, const wsp_feed_config *c, wsp_err *err)
{
  return wsp_store_feeds_sync_n(s, c, 1, err);
}

static void bind_name(sqlite3_stmt *st, const void *arg)
{
  bind_text(st, 1, arg);
}

wsp_rc wsp_store_feed_unlist(wsp_store *s, const char *name, wsp_err *err)
{
  int n = 0;
  wsp_rc rc = exec(s,
                   "UPDATE sources SET listed = 0, next_poll = NULL"
                   " WHERE name = ?1 AND listed = 1",
                   "removing feed", bind_name, name, &n, err);
  if (rc == WSP_OK && n == 0)
    return wsp_err_set(err, WSP_NOTFOUND, "no feed named '%s'", name);
  return rc;
}

wsp_rc wsp_store_feed_reset(wsp_store *s, const char *name, wsp_err *err)
{
  int n = 0;
  wsp_rc rc = exec(s,
                   "UPDATE sources SET disabled_reason = NULL,"
                   " paused_reason = NULL, failures = 0, next_poll = NULL"
                   " WHERE name = ?1",
                   "resetting feed", bind_name, name, &n, err);
  if (rc == WSP_OK && n == 0)
    return wsp_err_set(err, WSP_NOTFOUND, "no feed named '%s'", name);
  return rc;
}

#define ROW_COLS                                                               \
  "id, name, kind, url, list_url, title, grp, enabled, listed, etag,"          \
  " last_modified, cursor, last_fetch, next_poll, last_ok, created,"           \
  " failures, last_status, last_error, paused_reason, disabled_reason, items"

static const char *col(sqlite3_stmt *st, int i)
{
  return (const char *)sqlite3_column_text(st, i);
}

static wsp_rc each(wsp_store *s, sqlite3_stmt *st, wsp_feed_row_fn fn, void *ud,
                   int *rows, wsp_err *err)
{
  int rc;
  *rows = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    wsp_feed_row r = {
        .id = sqlite3_column_int64(st, 0),
        .name = col(st, 1),
        .kind = col(st, 2),
        .url = col(st, 3),
        .list_url = col(st, 4),
        .title = col(st, 5),
        .group = col(st, 6),
        .enabled = sqlite3_column_int(st, 7),
        .listed = sqlite3_column_int(st, 8),
        .etag = col(st, 9),
        .last_modified = col(st, 10),
        .cursor = col(st, 11),
        .last_fetch = sqlite3_column_int64(st, 12),
        .next_poll = sqlite3_column_int64(st, 13),
        .last_ok = sqlite3_column_int64(st, 14),
        .created = sqlite3_column_int64(st, 15),
        .failures = sqlite3_column_int(st, 16),
        .last_status = sqlite3_column_int(st, 17),
        .last_error = col(st, 18),
        .paused_reason = col(st, 19),
        .disabled_reason = col(st, 20),
        .items = sqlite3_column_int64(st, 21),
    };
    (*rows)++;
    if (fn(ud, &r))
      break;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    wsp_rc r = fail(s, err, "reading feeds");
    sqlite3_finalize(st);
    return r;
  }
  sqlite3_finalize(st);
  return WSP_OK;
}

wsp_rc wsp_store_feeds_each(wsp_store *s, int listed_only, wsp_feed_row_fn fn,
                            void *ud, wsp_err *err)
{
  sqlite3_stmt *st;
  int rows;
  if (sqlite3_prepare_v2(wsp__store_db(s),
                         listed_only ? "SELECT " ROW_COLS " FROM sources"
                                       " WHERE listed = 1 ORDER BY name"
                                     : "SELECT " ROW_COLS " FROM sources"
                                       " ORDER BY name",
                         -1, &st, NULL) != SQLITE_OK)
    return fail(s, err, "reading feeds");
  return each(s, st, fn, ud, &rows, err);
}

wsp_rc wsp_store_feed_get(wsp_store *s, const char *name, wsp_feed_row_fn fn,
                          void *ud, wsp_err *err)
{
  sqlite3_stmt *st;
  int rows;
  wsp_rc rc;
  if (sqlite3_prepare_v2(wsp__store_db(s),
                         "SELECT " ROW_COLS " FROM sources WHERE name = ?1", -1,
                         &st, NULL) != SQLITE_OK)
    return fail(s, err, "reading feed");
  bind_text(st, 1, name);
  rc = each(s, st, fn, ud, &rows, err);
  if (rc == WSP_OK && rows == 0)
    return wsp_err_set(err, WSP_NOTFOUND, "no feed named '%s'", name);
  return rc;
}

static void bind_update(sqlite3_stmt *st, const void *arg)
{
  const wsp_feed_update *u = arg;
  bind_text(st, 1, u->name);
  sqlite3_bind_int64(st, 2, u->fetched);
  if (u->next_poll)
    sqlite3_bind_int64(st, 3, u->next_poll);
  sqlite3_bind_int(st, 4, u->ok ? 1 : 0);
  sqlite3_bind_int(st, 5, u->failures);
  if (u->status)
    sqlite3_bind_int(st, 6, u->status);
  bind_text(st, 7, u->error);
  bind_text(st, 8, u->paused);
  bind_text(st, 9, u->disabled);
  sqlite3_bind_int(st, 10, u->set_validators ? 1 : 0);
  bind_text(st, 11, u->etag);
  bind_text(st, 12, u->last_modified);
  bind_text(st, 13, u->cursor);
  bind_text(st, 14, u->url);
  sqlite3_bind_int64(st, 15, u->items);
}

static const char update_sql[] =
    "UPDATE sources SET last_fetch = ?2, next_poll = ?3,"
    " last_ok = CASE WHEN ?4 THEN ?2 ELSE last_ok END,"
    " failures = ?5, last_status = ?6, last_error = ?7,"
    " paused_reason = ?8,"
    " disabled_reason = coalesce(?9, disabled_reason),"
    " etag = CASE WHEN ?10 THEN ?11 ELSE etag END,"
    " last_modified = CASE WHEN ?10 THEN ?12 ELSE last_modified END,"
    " cursor = coalesce(?13, cursor),"
    " url = coalesce(?14, url),"
    " items = items + ?15"
    " WHERE name = ?1";

wsp_rc wsp_store_feed_update_n(wsp_store *s, const wsp_feed_update *u, size_t n,
                               wsp_err *err)
{
  return exec_n(s, update_sql, "saving feed state", bind_update, u, sizeof(*u),
                n, NULL, err);
}

wsp_rc wsp_store_feed_update(wsp_store *s, const wsp_feed_update *u,
                             wsp_err *err)
{
  size_t n = 0;
  wsp_rc rc = exec_n(s, update_sql, "saving feed state", bind_update, u,
                     sizeof(*u), 1, &n, err);
  if (rc == WSP_OK && n == 0)
    return wsp_err_set(err, WSP_NOTFOUND, "no feed named '%s'", u->name);
  return rc;
}
