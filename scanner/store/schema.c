/* store/schema.c: the numbered migrations of the waspada database.
**
** Migration N takes a database at user_version N-1 to N. Never edit a
** migration that has shipped: append a new one. Each runs in its own
** transaction together with the user_version bump, so a crash in the middle
** leaves the database at the previous version. */
#include "store/store_int.h"

#include <stddef.h>

static const char *const migrations[] = {
    /* 1: core tables */
    "CREATE TABLE sources("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  kind TEXT NOT NULL DEFAULT 'file',"
    "  url TEXT, title TEXT, grp TEXT,"
    "  enabled INTEGER NOT NULL DEFAULT 1,"
    "  etag TEXT, last_modified TEXT, cursor TEXT,"
    "  last_fetch INTEGER, next_poll INTEGER,"
    "  failures INTEGER NOT NULL DEFAULT 0,"
    "  last_error TEXT, paused_reason TEXT,"
    "  created INTEGER NOT NULL);"
    "CREATE TABLE posts("
    "  id INTEGER PRIMARY KEY,"
    "  source_id INTEGER NOT NULL REFERENCES sources(id),"
    "  ext_id TEXT, url TEXT, author TEXT, title TEXT, lang TEXT,"
    "  published INTEGER, first_seen INTEGER NOT NULL,"
    "  text TEXT NOT NULL,"
    "  raw_sha256 TEXT NOT NULL,"
    "  norm_hash TEXT NOT NULL UNIQUE,"
    "  score REAL NOT NULL, bayes REAL,"
    "  level TEXT NOT NULL CHECK(level IN ('none','low','medium','high')),"
    "  categories TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL DEFAULT 'new');"
    "CREATE INDEX posts_score ON posts(score DESC);"
    "CREATE INDEX posts_first_seen ON posts(first_seen);"
    "CREATE TABLE sightings("
    "  id INTEGER PRIMARY KEY,"
    "  post_id INTEGER NOT NULL REFERENCES posts(id),"
    "  source_id INTEGER NOT NULL REFERENCES sources(id),"
    "  ext_id TEXT, url TEXT, seen INTEGER NOT NULL);"
    "CREATE INDEX sightings_post ON sightings(post_id);"
    "CREATE TABLE matches("
    "  post_id INTEGER NOT NULL REFERENCES posts(id),"
    "  rule_id TEXT NOT NULL, rule_rev INTEGER NOT NULL,"
    "  pattern TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL);"
    "CREATE INDEX matches_post ON matches(post_id);"
    "CREATE INDEX matches_rule ON matches(rule_id);"
    "CREATE TABLE entities("
    "  post_id INTEGER NOT NULL REFERENCES posts(id),"
    "  kind TEXT NOT NULL, value TEXT NOT NULL,"
    "  start INTEGER NOT NULL, end INTEGER NOT NULL);"
    "CREATE INDEX entities_value ON entities(kind, value);"
    "CREATE INDEX entities_post ON entities(post_id);"
    "CREATE TABLE users("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    "  role TEXT NOT NULL DEFAULT 'reviewer', password_hash TEXT,"
    "  created INTEGER NOT NULL);"
    "CREATE TABLE reviews("
    "  id INTEGER PRIMARY KEY,"
    "  post_id INTEGER NOT NULL REFERENCES posts(id),"
    "  decision TEXT NOT NULL"
    "    CHECK(decision IN ('scam','not_scam','unsure','escalate')),"
    "  reviewer TEXT NOT NULL, note TEXT, created INTEGER NOT NULL);"
    "CREATE INDEX reviews_post ON reviews(post_id);"
    "CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews"
    "  BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;"
    "CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews"
    "  BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;"
    "CREATE TABLE counters("
    "  source_id INTEGER NOT NULL REFERENCES sources(id),"
    "  day TEXT NOT NULL,"
    "  scanned INTEGER NOT NULL DEFAULT 0,"
    "  flagged INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY(source_id, day)) WITHOUT ROWID;"
    "CREATE TABLE seen("
    "  source_id INTEGER NOT NULL, key INTEGER NOT NULL,"
    "  PRIMARY KEY(source_id, key)) WITHOUT ROWID;",

    /* 2: full-text search over flagged posts, kept in step by triggers */
    "CREATE VIRTUAL TABLE posts_fts USING fts5("
    "  text, title, content='posts', content_rowid='id',"
    "  tokenize='unicode61 remove_diacritics 2');"
    "INSERT INTO posts_fts(rowid, text, title)"
    "  SELECT id, text, coalesce(title, '') FROM posts;"
    "CREATE TRIGGER posts_fts_ins AFTER INSERT ON posts BEGIN"
    "  INSERT INTO posts_fts(rowid, text, title)"
    "  VALUES (new.id, new.text, coalesce(new.title, '')); END;"
    "CREATE TRIGGER posts_fts_del AFTER DELETE ON posts BEGIN"
    "  INSERT INTO posts_fts(posts_fts, rowid, text, title)"
    "  VALUES ('delete', old.id, old.text, coalesce(old.title, '')); END;",

    /* 3: feed state beyond migration 1 (store/feeds.c): the URL as written
    ** in the feed list (url may differ after a permanent redirect), whether
    ** the source is in the feed list, why it was disabled (410), the last
    ** HTTP status, the last successful fetch and the posts it delivered */
    "ALTER TABLE sources ADD COLUMN list_url TEXT;"
    "ALTER TABLE sources ADD COLUMN listed INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE sources ADD COLUMN disabled_reason TEXT;"
    "ALTER TABLE sources ADD COLUMN last_status INTEGER;"
    "ALTER TABLE sources ADD COLUMN last_ok INTEGER;"
    "ALTER TABLE sources ADD COLUMN items INTEGER NOT NULL DEFAULT 0;",

    /* 4: new posts reach posts_fts at commit, one statement per transaction
    ** (store.c, fts_index_pending), not through a trigger per post: FTS5
    ** flushes its pending terms to a new segment at every statement
    ** savepoint, so the trigger wrote (and merged) a segment per post */
    "DROP TRIGGER posts_fts_ins;",

    /* 5: one matches row per post and rule, its pattern spans in one
    ** column (store/spans.c: "START END PATTERN" lines), instead of a row
    ** per span: a flagged job ad matches a dozen rules with some seventy
    ** spans, and every row cost two index entries */
    "CREATE TABLE matches_by_rule("
    "  post_id INTEGER NOT NULL REFERENCES posts(id),"
    "  rule_id TEXT NOT NULL, rule_rev INTEGER NOT NULL,"
    "  spans TEXT NOT NULL,"
    "  PRIMARY KEY(post_id, rule_id)) WITHOUT ROWID;"
    "INSERT INTO matches_by_rule(post_id, rule_id, rule_rev, spans)"
    "  SELECT post_id, rule_id, max(rule_rev),"
    "    group_concat(start || ' ' || end || ' ' || pattern, char(10))"
    "  FROM (SELECT * FROM matches ORDER BY post_id, rule_id, start, end,"
    "    pattern)"
    "  GROUP BY post_id, rule_id;"
    "DROP TABLE matches;"
    "ALTER TABLE matches_by_rule RENAME TO matches;"
    "CREATE INDEX matches_rule ON matches(rule_id);",
};

int wsp_store_schema_version(void)
{
  return (int)(sizeof(migrations) / sizeof(migrations[0]));
}

const char *wsp__store_migration(int version)
{
  if (version < 1 || version > wsp_store_schema_version())
    return NULL;
  return migrations[version - 1];
}
