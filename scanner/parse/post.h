/* parse/post.h: the post, the unit that flows through the pipeline, and the
** JSONL reader of the post contract (DESIGN.md "Post (JSONL input)"): one
** JSON object per line, `text` required; optional `id`, `source`, `url`,
** `author`, `published` (RFC 3339 or epoch seconds), `title`, `lang`.
**
** Ownership: a wsp_post owns all its strings; at any moment it has exactly
** one owner, and pushing it onto a queue hands it over. The feed parsers
** (RSS/Atom/JSON Feed/...) will produce the same struct.
**
** Hostile input: lines longer than WSP_POST_MAX_LINE, invalid JSON, a
** missing or non-string text, invalid UTF-8 and NUL characters are errors
** of that line only ("FILE:LINE: reason"); the reader goes on with the next
** line. Threading: a reader belongs to one thread. */
#ifndef WSP_PARSE_POST_H
#define WSP_PARSE_POST_H

#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

typedef struct wsp_post {
  char *id;     /* id within its source, or NULL */
  char *source; /* source name: the post's "source" or "file:NAME" */
  char *url, *author, *title, *lang; /* or NULL */
  int64_t published;                 /* epoch seconds; 0 unknown */
  char *text;                        /* UTF-8, NUL-terminated */
  size_t text_len;
  char *raw; /* the bytes as received (the JSONL line), for evidence */
  size_t raw_len;
  long line; /* line number in its input, 1-based */
} wsp_post;

/* NULL is a no-op. */
void wsp_post_free(wsp_post *p);

/* Nonzero if s[0..len) is valid UTF-8 (no overlongs, surrogates or code
** points past U+10FFFF). */
int wsp_utf8_valid(const char *s, size_t len);

#define WSP_POST_MAX_LINE (4u << 20) /* longest JSONL line accepted */
#define WSP_POST_MAX_TEXT (1u << 20) /* longest post text accepted */

typedef struct wsp_jsonl wsp_jsonl;

/* Open path for reading ("-" is standard input). `source` names the source
** of posts without their own "source" field (NULL: "file:BASENAME"). */
wsp_rc wsp_jsonl_open(const char *path, const char *source, wsp_jsonl **out,
                      wsp_err *err);
void wsp_jsonl_free(wsp_jsonl *r);

/* Next post. WSP_OK with *post set (caller owns it), or WSP_OK with *post
** NULL at end of input. A bad line gives WSP_PARSE, WSP_ENCODING or
** WSP_TOOBIG with "FILE:LINE: reason" in err; call again to go on. WSP_IO
** on a read error ends the input. */
wsp_rc wsp_jsonl_next(wsp_jsonl *r, wsp_post **post, wsp_err *err);

/* Line number of the last line read. */
long wsp_jsonl_line(const wsp_jsonl *r);

/* Parse one JSON object (the post contract) from line[0..len). */
wsp_rc wsp_post_from_json(const char *line, size_t len,
                          const char *default_source, wsp_post **out,
                          wsp_err *err);

#endif
