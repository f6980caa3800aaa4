/* cli/postview.h: printing stored posts (one-line summaries, JSON objects,
** the original text with matched spans marked) for `flagged` and
** `review`. */
#ifndef WSP_CLI_POSTVIEW_H
#define WSP_CLI_POSTVIEW_H

#include "store/store.h"

#include <stdint.h>
#include <stdio.h>

/* Print the common fields of a row as JSON object members (no braces). */
void wsp_postview_json_fields(FILE *out, const wsp_store_row *r);

/* One line: id, score, level, status, categories, sightings, snippet. */
void wsp_postview_line(FILE *out, const wsp_store_row *r);

/* text with each span [start, end) marked: overlapping spans are merged;
** on a terminal the marks are reverse video, else [[ ]]. Offsets outside the
** text are ignored. */
void wsp_postview_marked(FILE *out, const char *text, size_t len,
                         const size_t *starts, const size_t *ends, size_t n,
                         int tty);

/* Parse --since: "7d", "12h", an RFC 3339 date(-time). Returns 0 and sets
** *epoch, or -1. */
int wsp_postview_parse_since(const char *arg, int64_t now, int64_t *epoch);

#endif
