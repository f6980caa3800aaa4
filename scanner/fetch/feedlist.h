/* fetch/feedlist.h: the list of watched feeds, read from and written to
** OPML (the format every feed reader imports and exports).
**
** OPML mapping: every <outline> with an xmlUrl is a feed; an <outline>
** without one is a folder, and the "/"-joined texts of the folders around a
** feed are its group (e.g. "Indonesia/Jawa Timur"), used as the source group
** in reports. Standard attributes: text, title, xmlUrl, htmlUrl, type,
** category. waspada's own settings live in the namespace
** WSP_FEEDLIST_NS (prefix "waspada" on output):
**   waspada:name      source name (default: text, else title, else xmlUrl);
**                     unique within the list, it names the feed's posts
**   waspada:kind      auto|rss|rdf|atom|jsonfeed|mastodon|reddit|bluesky|
**                     jsonld (parser to use; default auto)
**   waspada:interval  poll interval in seconds (0 or absent: the default)
**   waspada:userAgent User-Agent for this feed
**   waspada:headers   extra request headers, "Name: value" separated by "|"
**   waspada:enabled   true|false (default true)
** A relative xmlUrl (no scheme) is a path relative to the OPML file's
** folder and becomes a file:// URL; saving writes it back relative.
**
** Errors carry "FILE:LINE: reason". Hostile input: the file is parsed with
** libxml2 without network access or entity expansion, at most
** WSP_FEEDLIST_MAX_FEEDS feeds and WSP_FEEDLIST_MAX_DEPTH folder levels.
**
** Ownership and threading: a wsp_feedlist owns its feeds and strings; the
** wsp_feed pointers it hands out stay valid until the list changes or is
** freed. A list belongs to one thread at a time. */
#ifndef WSP_FETCH_FEEDLIST_H
#define WSP_FETCH_FEEDLIST_H

#include "core/error.h"

#include <stddef.h>

#define WSP_FEEDLIST_NS "https://waspada.example/opml"
#define WSP_FEEDLIST_MAX_FEEDS 100000
#define WSP_FEEDLIST_MAX_DEPTH 16
#define WSP_FEEDLIST_MAX_FILE (64u << 20)

typedef struct wsp_feed {
  char *name;       /* unique source name (never NULL in a list) */
  char *title;      /* display title, or NULL */
  char *url;        /* absolute URL (file:// for local paths) */
  char *html_url;   /* or NULL */
  char *type;       /* OPML type attribute ("rss"), or NULL */
  char *category;   /* or NULL */
  char *group;      /* "Indonesia/Jawa Timur", or NULL */
  char *kind;       /* "auto", "rss", ... (never NULL in a list) */
  long interval;    /* seconds; 0: default */
  char *user_agent; /* or NULL */
  char *headers;    /* "Name: value|Name: value", or NULL */
  int enabled;
  long line; /* line in the OPML file (0 if added later) */
} wsp_feed;

typedef struct wsp_feedlist wsp_feedlist;

/* Empty list; `dir` (may be NULL: the current directory) is the folder
** relative paths are resolved against. */
wsp_rc wsp_feedlist_new(const char *dir, wsp_feedlist **out);
/* Read an OPML file. Errors: WSP_IO (cannot read), WSP_PARSE (not OPML,
** bad attribute, duplicate name; "FILE:LINE: reason"), WSP_TOOBIG,
** WSP_NOMEM. */
wsp_rc wsp_feedlist_load(const char *path, wsp_feedlist **out, wsp_err *err);
/* Parse OPML from text[0..len); `name` is used in messages, `dir` resolves
** relative paths (NULL: current directory). */
wsp_rc wsp_feedlist_parse(const char *name, const char *dir, const char *text,
                          size_t len, wsp_feedlist **out, wsp_err *err);
void wsp_feedlist_free(wsp_feedlist *l); /* NULL is a no-op */

/* Write the list as OPML 2.0 to path (a temporary file renamed over it, so
** a crash never leaves half a list). Paths under the folder of `path` are
** written relative. Errors: WSP_IO. */
wsp_rc wsp_feedlist_save(const wsp_feedlist *l, const char *path, wsp_err *err);

/* Title of the list (<head><title>), or NULL; set copies it. */
const char *wsp_feedlist_title(const wsp_feedlist *l);
wsp_rc wsp_feedlist_set_title(wsp_feedlist *l, const char *title);

size_t wsp_feedlist_count(const wsp_feedlist *l);
/* The i-th feed (i < count), in list order. */
const wsp_feed *wsp_feedlist_get(const wsp_feedlist *l, size_t i);
/* The feed with this name, else the first with this URL; NULL if none. */
const wsp_feed *wsp_feedlist_find(const wsp_feedlist *l, const char *key);

/* Check a feed's fields (kind known, headers well-formed, URL scheme
** http/https/file or a path). WSP_INVAL with the reason in err. */
wsp_rc wsp_feed_validate(const wsp_feed *f, wsp_err *err);

/* Append a copy of f (strings copied; a relative path in f->url is
** resolved; NULL name defaults as in OPML; NULL kind is "auto"). Errors:
** WSP_INVAL (invalid or duplicate name; reason in err), WSP_NOMEM. */
wsp_rc wsp_feedlist_add(wsp_feedlist *l, const wsp_feed *f, wsp_err *err);
/* Remove the feed found by wsp_feedlist_find(key). WSP_NOTFOUND if none. */
wsp_rc wsp_feedlist_remove(wsp_feedlist *l, const char *key);
/* Replace the URL of the feed `name` (a permanent redirect). */
wsp_rc wsp_feedlist_set_url(wsp_feedlist *l, const char *name, const char *url);

/* Resolve a feed-list URL: a string with a scheme is returned as is; a path
** becomes file:// + the absolute path (relative to dir, or the current
** directory when dir is NULL), percent-encoded. Caller frees the result
** with wsp_free. NULL on NOMEM or if the folder cannot be resolved. */
char *wsp_feedlist_resolve(const char *dir, const char *url);

/* Kinds accepted in waspada:kind. Nonzero if `kind` is one of them. */
int wsp_feed_kind_valid(const char *kind);

#endif
