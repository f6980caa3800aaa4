/* store/store.h: waspada's SQLite database: flagged posts for human review,
** where they were seen, why they were flagged, reviewers' decisions, feed
** state and per-source daily counters.
**
** Schema (see store/schema.c, numbered migrations; PRAGMA user_version holds
** the version): sources (feeds/files and their fetch state) · posts (flagged
** posts: original text, raw SHA-256, normalised-text hash, score, level,
** categories, status) · sightings (every appearance of a stored post) ·
** matches (rule, pattern, spans) · entities (kind, normalised value; indexed
** for network queries) · reviews (append-only; UPDATE/DELETE refused by
** triggers) · users · counters (per source and day: scanned, flagged) ·
** seen (keys of every scanned post, so a re-run stores nothing new) ·
** posts_fts (FTS5 over flagged posts).
**
** Duplicates: a post is the same as a stored one when it has the same source
** and source id, or (without a source id) the same source and normalised
** text; a flagged post whose normalised text is already stored under another
** source becomes a new sighting of the stored post.
**
** A database created by an older version is upgraded on open; one from a
** newer version is refused (WSP_SCHEMA). The database runs in WAL mode, so
** readers (review UI, reports, `waspada flagged`) never block the writer.
**
** Threading: a wsp_store is one SQLite connection and belongs to one thread
** at a time. Exactly one thread writes (the pipeline's writer); readers open
** their own wsp_store with WSP_STORE_READONLY. */
#ifndef WSP_STORE_STORE_H
#define WSP_STORE_STORE_H

#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

typedef struct wsp_store wsp_store;

#define WSP_STORE_READONLY 1 /* open an existing database for reading */

/* The schema version this build writes. */
int wsp_store_schema_version(void);

/* Open (creating if needed, unless WSP_STORE_READONLY) and migrate. Errors:
** WSP_STORE (cannot open, locked, read-only, corrupt; details in err),
** WSP_SCHEMA (database from a newer waspada), WSP_NOMEM. */
wsp_rc wsp_store_open(const char *path, int flags, wsp_store **out,
                      wsp_err *err);
/* Test hook: open and migrate only up to version `upto` (1..latest). */
wsp_rc wsp_store_open_at(const char *path, int upto, wsp_store **out,
                         wsp_err *err);
/* Close; NULL is a no-op. An open transaction is committed. */
void wsp_store_free(wsp_store *s);

/* Version of the opened database's schema. */
int wsp_store_version(const wsp_store *s);
/* Detail of the last error on this connection (sqlite3_errmsg). */
const char *wsp_store_errmsg(const wsp_store *s);

/* Batched writing: begin/commit an explicit transaction. */
wsp_rc wsp_store_begin(wsp_store *s, wsp_err *err);
wsp_rc wsp_store_commit(wsp_store *s, wsp_err *err);
wsp_rc wsp_store_rollback(wsp_store *s);

/* ---- posts ------------------------------------------------------------ */

typedef struct wsp_store_match {
  const char *rule_id;
  int rule_rev;
  const char *pattern;
  size_t start, end; /* byte span in the original text */
} wsp_store_match;

typedef struct wsp_store_entity {
  const char *kind; /* "phone", "wa", ... */
  const char *value;
  size_t start, end;
} wsp_store_entity;

/* One scanned post and its verdict, as handed to wsp_store_put. All
** pointers are borrowed for the duration of the call. */
typedef struct wsp_store_post {
  const char *source;      /* source name, e.g. "file:posts.jsonl" */
  const char *source_kind; /* "jsonl", "rss", ...; NULL: "file" */
  const char *ext_id;      /* id within the source, or NULL */
  const char *url, *author, *title, *lang; /* optional */
  int64_t published;                       /* epoch seconds, 0 if unknown */
  int64_t seen;                            /* epoch seconds of this sighting */
  const char *text;                        /* original text (UTF-8) */
  size_t text_len;
  const char *raw_sha256; /* hex SHA-256 of the raw post bytes */
  const char *norm_hash;  /* hex hash of the normalised text */
  int flagged;
  double score, bayes;    /* bayes < 0: no model */
  const char *level;      /* "none", "low", "medium", "high" */
  const char *categories; /* comma-separated, may be "" */
  const wsp_store_match *matches;
  size_t n_matches;
  const wsp_store_entity *entities;
  size_t n_entities;
} wsp_store_post;

typedef enum {
  WSP_PUT_NEW = 0,       /* first time seen (stored if flagged) */
  WSP_PUT_DUPLICATE = 1, /* already seen from this source: nothing stored */
  WSP_PUT_SIGHTING = 2   /* same text already stored: new sighting added */
} wsp_put_result;

/* Record one scanned post: daily counters, duplicate detection, and for a
** flagged post its row, matches, entities and sighting. *post_id (may be
** NULL) receives the stored post's id, or 0. */
wsp_rc wsp_store_put(wsp_store *s, const wsp_store_post *p,
                     wsp_put_result *result, int64_t *post_id, wsp_err *err);

/* Nonzero *seen if a post with this id was already recorded from source
** (then wsp_store_put would call it a duplicate): lets a job skip scanning
** posts it has seen, e.g. the old items a changed feed repeats. Works on a
** WSP_STORE_READONLY connection next to the writer's. */
wsp_rc wsp_store_seen_id(wsp_store *s, const char *source, const char *ext_id,
                         int *seen, wsp_err *err);

/* The path the database was opened with. */
const char *wsp_store_path(const wsp_store *s);

/* ---- reading ------------------------------------------------------------*/

typedef struct wsp_store_filter {
  int64_t since;        /* first_seen >= since (epoch s); 0: any */
  const char *level;    /* minimum level; NULL: any */
  const char *category; /* NULL: any */
  const char *status;   /* "new", "scam", ...; NULL: any */
  const char *query;    /* FTS5 query; NULL: none */
  int limit;            /* 0: 100 */
} wsp_store_filter;

typedef struct wsp_store_row {
  int64_t id;
  const char *source, *ext_id, *url, *author, *title, *lang;
  int64_t published, first_seen;
  const char *text;
  size_t text_len;
  const char *raw_sha256;
  double score, bayes;
  const char *level, *categories, *status;
  int sightings;
} wsp_store_row;

/* Call fn for each flagged post matching f, highest score first. The row is
** valid only during the call. A nonzero return from fn stops the listing. */
wsp_rc wsp_store_list(wsp_store *s, const wsp_store_filter *f,
                      int (*fn)(void *ud, const wsp_store_row *row), void *ud,
                      wsp_err *err);

/* One post by id: WSP_NOTFOUND if there is none. */
wsp_rc wsp_store_get(wsp_store *s, int64_t id,
                     int (*fn)(void *ud, const wsp_store_row *row), void *ud,
                     wsp_err *err);

/* Matches (grouped by rule, in text order), entities (in text order) and
** sightings (oldest first) of a post; each valid during the call. */
wsp_rc wsp_store_matches(wsp_store *s, int64_t post_id,
                         int (*fn)(void *ud, const wsp_store_match *m),
                         void *ud, wsp_err *err);
wsp_rc wsp_store_entities(wsp_store *s, int64_t post_id,
                          int (*fn)(void *ud, const wsp_store_entity *e),
                          void *ud, wsp_err *err);

typedef struct wsp_store_sighting {
  const char *source, *ext_id, *url;
  int64_t seen;
} wsp_store_sighting;
wsp_rc wsp_store_sightings(wsp_store *s, int64_t post_id,
                           int (*fn)(void *ud, const wsp_store_sighting *g),
                           void *ud, wsp_err *err);

/* ---- reviews ------------------------------------------------------------*/

/* Valid decisions: "scam", "not_scam", "unsure", "escalate". */
int wsp_store_decision_valid(const char *decision);

/* Append a review (the post's status becomes the decision). WSP_NOTFOUND
** if the post does not exist, WSP_INVAL for an unknown decision. */
wsp_rc wsp_store_review_add(wsp_store *s, int64_t post_id, const char *decision,
                            const char *reviewer, const char *note,
                            wsp_err *err);

typedef struct wsp_store_review {
  int64_t id, post_id, created;
  const char *decision, *reviewer, *note;
} wsp_store_review;
wsp_rc wsp_store_reviews(wsp_store *s, int64_t post_id,
                         int (*fn)(void *ud, const wsp_store_review *r),
                         void *ud, wsp_err *err);

/* The latest decision of every reviewed post whose latest decision is scam
** or not_scam, with the post's text: the training data of
** `waspada train --from-reviews`. */
wsp_rc wsp_store_labelled(wsp_store *s,
                          int (*fn)(void *ud, const char *text, size_t len,
                                    int is_scam),
                          void *ud, wsp_err *err);

/* ---- per-rule statistics -------------------------------------------------*/

typedef struct wsp_store_rule_stat {
  const char *rule_id;
  int64_t posts;     /* stored posts the rule matched */
  int64_t scam;      /* ... whose status is scam (confirmed by review) */
  int64_t not_scam;  /* ... dismissed by review */
  int64_t unsure;    /* ... unsure or escalated */
  int64_t pending;   /* ... not reviewed yet */
  int64_t last_seen; /* first_seen of its newest post (epoch s) */
} wsp_store_rule_stat;

/* Per rule, over the stored posts: how many it matched and what reviewers
** decided about them (each post counted once per rule, by its current
** status), most-hit rule first. Valid during the call. */
wsp_rc wsp_store_rule_stats(wsp_store *s,
                            int (*fn)(void *ud, const wsp_store_rule_stat *r),
                            void *ud, wsp_err *err);

/* ---- counters -----------------------------------------------------------*/

typedef struct wsp_store_totals {
  int64_t scanned, flagged, posts, sightings, reviews;
} wsp_store_totals;
wsp_rc wsp_store_totals_get(wsp_store *s, wsp_store_totals *t, wsp_err *err);

#endif
