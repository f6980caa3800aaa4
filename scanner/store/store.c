/* store/store.c: opening and migrating the database, and writing scanned
** posts with duplicate detection (see store.h). */
#include "store/store_int.h"

#include "core/alloc.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/timeutil.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#define STORE_BUSY_MS 3000
/* The writer's page cache: a batch of posts (with its FTS5 and index pages)
** must fit, or SQLite spills dirty pages to the WAL in the middle of the
** transaction and writes the same pages again and again (a 2,000-post batch
** wrote 16 WAL frames per post with the 2 MB default). An upper bound: pages
** are allocated only as they are used. */
#define STORE_CACHE_PRAGMA                                                     \
  "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY"

#define STORE_STMTS(X)                                                         \
  X(SOURCE_GET, "SELECT id FROM sources WHERE name = ?1")                      \
  X(SOURCE_ADD, "INSERT INTO sources(name, kind, created) VALUES(?1, ?2, ?3)") \
  X(SEEN_ADD, "INSERT OR IGNORE INTO seen(source_id, key) VALUES(?1, ?2)")     \
  X(COUNT_ADD,                                                                 \
    "INSERT INTO counters(source_id, day, scanned, flagged)"                   \
    " VALUES(?1, ?2, ?3, ?4) ON CONFLICT(source_id, day) DO UPDATE SET"        \
    " scanned = scanned + excluded.scanned,"                                   \
    " flagged = flagged + excluded.flagged")                                   \
  X(POST_FIND, "SELECT id FROM posts WHERE norm_hash = ?1")                    \
  X(POST_ADD,                                                                  \
    "INSERT INTO posts(source_id, ext_id, url, author, title, lang,"           \
    " published, first_seen, text, raw_sha256, norm_hash, score, bayes,"       \
    " level, categories)"                                                      \
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"     \
    " ?15)")                                                                   \
  X(SIGHT_ADD, "INSERT INTO sightings(post_id, source_id, ext_id, url, seen)"  \
               " VALUES(?1, ?2, ?3, ?4, ?5)")                                  \
  X(MATCH_ADD_V1, "INSERT INTO matches(post_id, rule_id, rule_rev, pattern,"   \
                  " start, end) VALUES(?1, ?2, ?3, ?4, ?5, ?6)")               \
  X(MATCH_ADD, "INSERT INTO matches(post_id, rule_id, rule_rev, spans)"        \
               " VALUES(?1, ?2, ?3, ?4)")                                      \
  X(ENTITY_ADD, "INSERT INTO entities(post_id, kind, value, start, end)"       \
                " VALUES(?1, ?2, ?3, ?4, ?5)")                                 \
  X(FTS_INDEX, "INSERT INTO posts_fts(rowid, text, title)"                     \
               " SELECT id, text, coalesce(title, '') FROM posts"              \
               " WHERE id >= ?1")                                              \
  X(SEEN_HAS, "SELECT 1 FROM seen WHERE key = ?2 AND source_id ="              \
              " (SELECT id FROM sources WHERE name = ?1)")                     \
  X(SP_BEGIN, "SAVEPOINT put")                                                 \
  X(SP_RELEASE, "RELEASE put")                                                 \
  X(SP_ROLLBACK, "ROLLBACK TO put")

enum {
#define STORE_X(name, sql) STMT_##name,
  STORE_STMTS(STORE_X)
#undef STORE_X
      STMT__COUNT
};

static const char *const stmt_sql[] = {
#define STORE_X(name, sql) sql,
    STORE_STMTS(STORE_X)
#undef STORE_X
};

/* Per-source daily counters added up in memory during a transaction and
** written once, just before COMMIT: one row update per source and day per
** batch instead of one per post. */
struct count {
  int64_t src;
  char day[11]; /* YYYY-MM-DD */
  int64_t scanned, flagged;
};

struct wsp_store {
  sqlite3 *db;
  sqlite3_stmt *stmt[STMT__COUNT];
  char *path; /* for messages */
  int version;
  int readonly;
  int in_txn;
  struct count *counts; /* pending in the open transaction */
  size_t n_counts, cap_counts;
  /* the first post added in the open transaction and not yet in
  ** posts_fts (schema version 4 on; 0: none); posts get increasing ids */
  int64_t fts_from;
  /* one-entry cache of the last source looked up */
  char *last_source;
  int64_t last_source_id;
};

/* Shared by the store's files: the connection, for queries.c. */
sqlite3 *wsp__store_db(wsp_store *s);
sqlite3 *wsp__store_db(wsp_store *s)
{
  return s->db;
}

static wsp_rc store_fail(wsp_store *s, wsp_err *err, const char *what)
{
  int code = s && s->db ? sqlite3_extended_errcode(s->db) : SQLITE_ERROR;
  const char *msg = s && s->db ? sqlite3_errmsg(s->db) : "cannot open";
  const char *path = s && s->path ? s->path : "database";
  if (s && s->path && strcmp(what, s->path) == 0)
    wsp_err_set(err, WSP_STORE, "%s: %s", path, msg);
  else
    wsp_err_set(err, WSP_STORE, "%s: %s: %s", path, what, msg);
  WSP_LOG(WSP_LOG_DEBUG, "store", "%s failed: %s (%d)", what, msg, code);
  return WSP_STORE;
}

const char *wsp_store_errmsg(const wsp_store *s)
{
  return s && s->db ? sqlite3_errmsg(s->db) : "no database";
}

int wsp_store_version(const wsp_store *s)
{
  return s->version;
}

static int read_user_version(sqlite3 *db)
{
  sqlite3_stmt *st;
  int v = -1;
  if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
    return -1;
  if (sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return v;
}

static wsp_rc store_migrate(wsp_store *s, int upto, wsp_err *err)
{
  int v = read_user_version(s->db);
  char bump[64];

  if (v < 0)
    return store_fail(s, err, "reading schema version");
  if (v > wsp_store_schema_version())
    return wsp_err_set(err, WSP_SCHEMA,
                       "database schema version %d is newer than this "
                       "waspada understands (%d); use a newer waspada",
                       v, wsp_store_schema_version());
  while (v < upto) {
    const char *sql = wsp__store_migration(v + 1);
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
      return store_fail(s, err, "starting migration");
    snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", v + 1);
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, bump, NULL, NULL, NULL) != SQLITE_OK) {
      wsp_rc rc = store_fail(s, err, "migrating schema");
      sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
      return rc;
    }
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
      wsp_rc rc = store_fail(s, err, "committing migration");
      sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
      return rc;
    }
    v++;
    WSP_LOG(WSP_LOG_INFO, "store", "schema migrated to version %d", v);
  }
  s->version = v;
  return WSP_OK;
}

/* Before SQLite initialises: no global memory statistics (they take a
** process-wide mutex on every allocation, which the writer and the
** feed reader's lookup connection would fight over). */
static void sqlite_setup(void)
{
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static wsp_rc store_open(const char *path, int flags, int upto, wsp_store **out,
                         wsp_err *err)
{
  wsp_rc rc = WSP_NOMEM;
  wsp_store *s = wsp_calloc(1, sizeof(*s));
  int oflags = (flags & WSP_STORE_READONLY)
                   ? SQLITE_OPEN_READONLY
                   : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

  static pthread_once_t once = PTHREAD_ONCE_INIT;

  pthread_once(&once, sqlite_setup);
  *out = NULL;
  if (!s || !(s->path = wsp_strdup(path)))
    goto fail;
  if (sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) !=
      SQLITE_OK) {
    rc = store_fail(s, err, path);
    goto fail;
  }
  sqlite3_extended_result_codes(s->db, 1);
  sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
  rc = WSP_STORE;
  if (sqlite3_exec(s->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) !=
      SQLITE_OK)
    goto fail_msg;
  if (flags & WSP_STORE_READONLY) {
    s->readonly = 1;
    int v = read_user_version(s->db);
    if (v < 0)
      goto fail_msg;
    if (v != wsp_store_schema_version()) {
      rc = wsp_err_set(err, WSP_SCHEMA,
                       "%s: schema version %d, this waspada uses %d%s", path, v,
                       wsp_store_schema_version(),
                       v < wsp_store_schema_version()
                           ? " (open it once with a writing command to "
                             "upgrade it)"
                           : "");
      goto fail;
    }
    s->version = v;
  } else {
    /* WAL: readers never block the single writer; NORMAL is durable
    ** against process crashes (kill -9), which is the failure we test. */
    if (sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(s->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(s->db, STORE_CACHE_PRAGMA, NULL, NULL, NULL) != SQLITE_OK)
      goto fail_msg;
    rc = store_migrate(s, upto, err);
    if (rc != WSP_OK)
      goto fail;
  }
  *out = s;
  return WSP_OK;
fail_msg:
  rc = store_fail(s, err, path);
fail:
  wsp_store_free(s);
  return rc;
}

wsp_rc wsp_store_open(const char *path, int flags, wsp_store **out,
                      wsp_err *err)
{
  return store_open(path, flags, wsp_store_schema_version(), out, err);
}

wsp_rc wsp_store_open_at(const char *path, int upto, wsp_store **out,
                         wsp_err *err)
{
  if (upto < 1 || upto > wsp_store_schema_version())
    return WSP_INVAL;
  return store_open(path, 0, upto, out, err);
}

static wsp_rc counts_flush(wsp_store *s, wsp_err *err);
static wsp_rc fts_index_pending(wsp_store *s, wsp_err *err);

void wsp_store_free(wsp_store *s)
{
  if (!s)
    return;
  if (s->in_txn) {
    wsp_err err;
    if (wsp_store_commit(s, &err) != WSP_OK)
      WSP_LOG(WSP_LOG_ERROR, "store", "final commit failed: %s", err.msg);
  }
  for (int i = 0; i < STMT__COUNT; i++)
    sqlite3_finalize(s->stmt[i]);
  sqlite3_close(s->db);
  wsp_free(s->counts);
  wsp_free(s->last_source);
  wsp_free(s->path);
  wsp_free(s);
}

static void source_forget(wsp_store *s)
{
  wsp_free(s->last_source);
  s->last_source = NULL;
  s->last_source_id = 0;
}

wsp_rc wsp_store_begin(wsp_store *s, wsp_err *err)
{
  if (s->in_txn)
    return WSP_OK;
  /* a read-only connection gets a read transaction: one snapshot */
  if (sqlite3_exec(s->db, s->readonly ? "BEGIN" : "BEGIN IMMEDIATE", NULL, NULL,
                   NULL) != SQLITE_OK)
    return store_fail(s, err, "begin transaction");
  s->in_txn = 1;
  s->n_counts = 0;
  s->fts_from = 0;
  return WSP_OK;
}

wsp_rc wsp_store_commit(wsp_store *s, wsp_err *err)
{
  wsp_rc rc;
  if (!s->in_txn)
    return WSP_OK;
  if ((rc = counts_flush(s, err)) != WSP_OK ||
      (rc = fts_index_pending(s, err)) != WSP_OK) {
    wsp_store_rollback(s);
    return rc;
  }
  if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
    rc = store_fail(s, err, "commit");
    if (sqlite3_get_autocommit(s->db)) { /* SQLite rolled the batch back */
      s->in_txn = 0;
      s->n_counts = 0;
      s->fts_from = 0;
      source_forget(s);
    }
    return rc;
  }
  s->in_txn = 0;
  return WSP_OK;
}

wsp_rc wsp_store_rollback(wsp_store *s)
{
  if (!s->in_txn)
    return WSP_OK;
  s->in_txn = 0;
  s->n_counts = 0;
  s->fts_from = 0;
  source_forget(s); /* the source may have been added in this transaction */
  return sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK
             ? WSP_OK
             : WSP_STORE;
}

static sqlite3_stmt *stmt_get(wsp_store *s, int which)
{
  sqlite3_stmt *st = s->stmt[which];
  if (!st) {
    if (sqlite3_prepare_v3(s->db, stmt_sql[which], -1,
                           SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
      return NULL;
    s->stmt[which] = st;
  } else {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  }
  return st;
}

/* Bind a string that may be NULL (SQL NULL then). */
static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
  if (v)
    sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, i);
}

/* Run a statement expected to finish without rows. */
static int step_done(sqlite3_stmt *st)
{
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE;
}

static wsp_rc source_id(wsp_store *s, const char *name, const char *kind,
                        int64_t *id, wsp_err *err)
{
  sqlite3_stmt *st;
  int rc;

  if (s->last_source && strcmp(s->last_source, name) == 0) {
    *id = s->last_source_id;
    return WSP_OK;
  }
  if (!(st = stmt_get(s, STMT_SOURCE_GET)))
    return store_fail(s, err, "looking up source");
  bind_text(st, 1, name);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
  } else {
    sqlite3_reset(st);
    if (rc != SQLITE_DONE || !(st = stmt_get(s, STMT_SOURCE_ADD)))
      return store_fail(s, err, "looking up source");
    bind_text(st, 1, name);
    bind_text(st, 2, kind ? kind : "file");
    sqlite3_bind_int64(st, 3, wsp_time_wall_ms() / 1000);
    if (!step_done(st))
      return store_fail(s, err, "adding source");
    *id = sqlite3_last_insert_rowid(s->db);
  }
  wsp_free(s->last_source);
  s->last_source = wsp_strdup(name);
  s->last_source_id = *id;
  return WSP_OK;
}

/* Keys of the seen table: a post's id in its source, or its text. */
static uint64_t seen_key_id(const char *ext_id)
{
  return wsp_hash64(ext_id, strlen(ext_id), 1);
}

static uint64_t seen_key_text(const char *norm_hash)
{
  return wsp_hash64(norm_hash, strlen(norm_hash), 2);
}

wsp_rc wsp_store_seen_id(wsp_store *s, const char *source, const char *ext_id,
                         int *seen, wsp_err *err)
{
  sqlite3_stmt *st = stmt_get(s, STMT_SEEN_HAS);
  int rc;

  *seen = 0;
  if (!st)
    return store_fail(s, err, "looking up a post");
  bind_text(st, 1, source);
  sqlite3_bind_int64(st, 2, (int64_t)seen_key_id(ext_id));
  rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc == SQLITE_ROW)
    *seen = 1;
  else if (rc != SQLITE_DONE)
    return store_fail(s, err, "looking up a post");
  return WSP_OK;
}

const char *wsp_store_path(const wsp_store *s)
{
  return s->path;
}

static wsp_rc add_sighting(wsp_store *s, int64_t post_id, int64_t src,
                           const wsp_store_post *p, wsp_err *err)
{
  sqlite3_stmt *st = stmt_get(s, STMT_SIGHT_ADD);
  if (!st)
    return store_fail(s, err, "adding sighting");
  sqlite3_bind_int64(st, 1, post_id);
  sqlite3_bind_int64(st, 2, src);
  bind_text(st, 3, p->ext_id);
  bind_text(st, 4, p->url);
  sqlite3_bind_int64(st, 5, p->seen);
  return step_done(st) ? WSP_OK : store_fail(s, err, "adding sighting");
}

/* Schema version 4 and older (wsp_store_open_at): a row per span. */
static wsp_rc add_matches_v1(wsp_store *s, int64_t post_id,
                             const wsp_store_post *p, wsp_err *err)
{
  for (size_t i = 0; i < p->n_matches; i++) {
    const wsp_store_match *m = &p->matches[i];
    sqlite3_stmt *st = stmt_get(s, STMT_MATCH_ADD_V1);
    if (!st)
      return store_fail(s, err, "adding match");
    sqlite3_bind_int64(st, 1, post_id);
    bind_text(st, 2, m->rule_id);
    sqlite3_bind_int(st, 3, m->rule_rev);
    bind_text(st, 4, m->pattern);
    sqlite3_bind_int64(st, 5, (int64_t)m->start);
    sqlite3_bind_int64(st, 6, (int64_t)m->end);
    if (!step_done(st))
      return store_fail(s, err, "adding match");
  }
  return WSP_OK;
}

/* A row per rule with its spans (store/spans.c). */
static wsp_rc add_matches(wsp_store *s, int64_t post_id,
                          const wsp_store_post *p, wsp_err *err)
{
  const wsp_store_match **v;
  wsp_buf spans;
  wsp_rc rc;

  if (s->version < 5)
    return add_matches_v1(s, post_id, p, err);
  if ((rc = wsp__spans_group(p->matches, p->n_matches, &v, err)) != WSP_OK)
    return rc;
  wsp_buf_init(&spans, WSP_STORE_MAX_SPANS);
  for (size_t i = 0, j; i < p->n_matches && rc == WSP_OK; i = j) {
    sqlite3_stmt *st;
    for (j = i + 1;
         j < p->n_matches && strcmp(v[j]->rule_id, v[i]->rule_id) == 0; j++)
      ;
    if ((rc = wsp__spans_encode(v + i, j - i, &spans)) != WSP_OK) {
      wsp_err_set(err, rc, "adding match: %s", wsp_strerror(rc));
      break;
    }
    if (!(st = stmt_get(s, STMT_MATCH_ADD))) {
      rc = store_fail(s, err, "adding match");
      break;
    }
    sqlite3_bind_int64(st, 1, post_id);
    bind_text(st, 2, v[i]->rule_id);
    sqlite3_bind_int(st, 3, v[i]->rule_rev);
    sqlite3_bind_text(st, 4, spans.data ? spans.data : "", (int)spans.len,
                      SQLITE_STATIC);
    if (!step_done(st))
      rc = store_fail(s, err, "adding match");
  }
  wsp_buf_cleanup(&spans);
  wsp_free(v);
  return rc;
}

static wsp_rc add_post(wsp_store *s, int64_t src, const wsp_store_post *p,
                       int64_t *id, wsp_err *err)
{
  sqlite3_stmt *st = stmt_get(s, STMT_POST_ADD);
  wsp_rc rc;

  if (!st)
    return store_fail(s, err, "adding post");
  sqlite3_bind_int64(st, 1, src);
  bind_text(st, 2, p->ext_id);
  bind_text(st, 3, p->url);
  bind_text(st, 4, p->author);
  bind_text(st, 5, p->title);
  bind_text(st, 6, p->lang);
  if (p->published)
    sqlite3_bind_int64(st, 7, p->published);
  sqlite3_bind_int64(st, 8, p->seen);
  sqlite3_bind_text(st, 9, p->text, (int)p->text_len, SQLITE_TRANSIENT);
  bind_text(st, 10, p->raw_sha256);
  bind_text(st, 11, p->norm_hash);
  sqlite3_bind_double(st, 12, p->score);
  if (p->bayes >= 0)
    sqlite3_bind_double(st, 13, p->bayes);
  bind_text(st, 14, p->level);
  bind_text(st, 15, p->categories ? p->categories : "");
  if (!step_done(st))
    return store_fail(s, err, "adding post");
  *id = sqlite3_last_insert_rowid(s->db);
  if (s->version >= 4 && !s->fts_from)
    s->fts_from = *id;

  if ((rc = add_matches(s, *id, p, err)) != WSP_OK)
    return rc;
  for (size_t i = 0; i < p->n_entities; i++) {
    const wsp_store_entity *e = &p->entities[i];
    if (!(st = stmt_get(s, STMT_ENTITY_ADD)))
      return store_fail(s, err, "adding entity");
    sqlite3_bind_int64(st, 1, *id);
    bind_text(st, 2, e->kind);
    bind_text(st, 3, e->value);
    sqlite3_bind_int64(st, 4, (int64_t)e->start);
    sqlite3_bind_int64(st, 5, (int64_t)e->end);
    if (!step_done(st))
      return store_fail(s, err, "adding entity");
  }
  return add_sighting(s, *id, src, p, err);
}

static wsp_rc count_write(wsp_store *s, const struct count *c, wsp_err *err)
{
  sqlite3_stmt *st = stmt_get(s, STMT_COUNT_ADD);
  if (!st)
    return store_fail(s, err, "counting posts");
  sqlite3_bind_int64(st, 1, c->src);
  sqlite3_bind_text(st, 2, c->day, 10, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, c->scanned);
  sqlite3_bind_int64(st, 4, c->flagged);
  return step_done(st) ? WSP_OK : store_fail(s, err, "counting posts");
}

/* Index the posts added since fts_from in posts_fts: one statement, so
** FTS5 writes one segment for the whole transaction. A post rolled back
** to its savepoint frees its id for the next one, hence ">=". */
static wsp_rc fts_index_pending(wsp_store *s, wsp_err *err)
{
  sqlite3_stmt *st;
  if (!s->fts_from)
    return WSP_OK;
  if (!(st = stmt_get(s, STMT_FTS_INDEX)))
    return store_fail(s, err, "indexing posts for search");
  sqlite3_bind_int64(st, 1, s->fts_from);
  if (!step_done(st))
    return store_fail(s, err, "indexing posts for search");
  s->fts_from = 0;
  return WSP_OK;
}

static wsp_rc counts_flush(wsp_store *s, wsp_err *err)
{
  wsp_rc rc = WSP_OK;
  for (size_t i = 0; i < s->n_counts && rc == WSP_OK; i++)
    rc = count_write(s, &s->counts[i], err);
  if (rc == WSP_OK)
    s->n_counts = 0;
  return rc;
}

/* One post scanned (and flagged) on the day of `seen`: written at once
** outside a transaction, else added up until the commit. Posts of one
** source come in runs, so the last few entries are where a match is. */
static wsp_rc count_add(wsp_store *s, int64_t src, int64_t seen, int flagged,
                        wsp_err *err)
{
  char stamp[WSP_RFC3339_LEN];
  struct count one, *c = NULL;

  wsp_time_format_rfc3339(seen, stamp);
  memset(&one, 0, sizeof(one));
  one.src = src;
  memcpy(one.day, stamp, 10);
  one.scanned = 1;
  one.flagged = flagged ? 1 : 0;
  if (!s->in_txn)
    return count_write(s, &one, err);
  for (size_t i = s->n_counts, k = 0; i > 0 && k < 8; i--, k++)
    if (s->counts[i - 1].src == src &&
        !memcmp(s->counts[i - 1].day, one.day, 10)) {
      c = &s->counts[i - 1];
      break;
    }
  if (c) {
    c->scanned++;
    c->flagged += one.flagged;
    return WSP_OK;
  }
  if (s->n_counts == s->cap_counts) {
    size_t cap = s->cap_counts ? s->cap_counts * 2 : 64;
    struct count *n = wsp_realloc(s->counts, cap * sizeof(*n));
    if (!n)
      return wsp_err_set(err, WSP_NOMEM, "counting posts: out of memory");
    s->counts = n;
    s->cap_counts = cap;
  }
  s->counts[s->n_counts++] = one;
  return WSP_OK;
}

static wsp_rc store_put(wsp_store *s, const wsp_store_post *p,
                        wsp_put_result *result, int64_t *post_id, wsp_err *err)
{
  sqlite3_stmt *st;
  int64_t src = 0, id = 0;
  uint64_t key;
  wsp_rc rc;
  int rowrc;

  *result = WSP_PUT_NEW;
  if (post_id)
    *post_id = 0;
  if (!p->source || !p->norm_hash || !p->text || !p->level)
    return wsp_err_set(err, WSP_INVAL, "post lacks source, text or verdict");
  rc = source_id(s, p->source, p->source_kind, &src, err);
  if (rc != WSP_OK)
    return rc;

  /* Seen before from this source? Key: its id there, else its text. */
  key = p->ext_id ? seen_key_id(p->ext_id) : seen_key_text(p->norm_hash);
  if (!(st = stmt_get(s, STMT_SEEN_ADD)))
    return store_fail(s, err, "recording post");
  sqlite3_bind_int64(st, 1, src);
  sqlite3_bind_int64(st, 2, (int64_t)key);
  if (!step_done(st))
    return store_fail(s, err, "recording post");
  if (sqlite3_changes(s->db) == 0) {
    *result = WSP_PUT_DUPLICATE;
    return WSP_OK;
  }

  if (!p->flagged)
    return count_add(s, src, p->seen, 0, err);

  if (!(st = stmt_get(s, STMT_POST_FIND)))
    return store_fail(s, err, "finding post");
  bind_text(st, 1, p->norm_hash);
  rowrc = sqlite3_step(st);
  if (rowrc == SQLITE_ROW)
    id = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  if (rowrc != SQLITE_ROW && rowrc != SQLITE_DONE)
    return store_fail(s, err, "finding post");
  if (id) {
    *result = WSP_PUT_SIGHTING;
    rc = add_sighting(s, id, src, p, err);
  } else {
    rc = add_post(s, src, p, &id, err);
  }
  if (rc == WSP_OK)
    rc = count_add(s, src, p->seen, 1, err);
  if (rc == WSP_OK && post_id)
    *post_id = id;
  return rc;
}

/* Each post is all-or-nothing: a failure leaves neither counters nor half
** a post behind. A post that is not flagged writes one row (its seen key:
** one statement, atomic by itself) and its counter in memory; a flagged
** one writes many rows, inside a savepoint of the writer's batch. The
** counters of a post are added only once every row of it is written. */
wsp_rc wsp_store_put(wsp_store *s, const wsp_store_post *p,
                     wsp_put_result *result, int64_t *post_id, wsp_err *err)
{
  sqlite3_stmt *st;
  wsp_rc rc;

  *result = WSP_PUT_NEW;
  if (!p->flagged)
    return store_put(s, p, result, post_id, err);
  if (!(st = stmt_get(s, STMT_SP_BEGIN)) || !step_done(st))
    return store_fail(s, err, "savepoint");
  rc = store_put(s, p, result, post_id, err);
  if (rc == WSP_OK && !s->in_txn) /* the savepoint is the transaction */
    rc = fts_index_pending(s, err);
  if (rc != WSP_OK) {
    if ((st = stmt_get(s, STMT_SP_ROLLBACK)))
      step_done(st);
    source_forget(s);
    if (!s->in_txn)
      s->fts_from = 0;
  }
  if (!(st = stmt_get(s, STMT_SP_RELEASE)) || !step_done(st))
    return rc != WSP_OK ? rc : store_fail(s, err, "release savepoint");
  return rc;
}
