/* store/store_int.h: what the files of the store module share. */
#ifndef WSP_STORE_STORE_INT_H
#define WSP_STORE_STORE_INT_H

#include "store/store.h"

/* SQL of migration `version` (1-based), NULL past the last. */
const char *wsp__store_migration(int version);

/* The spans column of the matches table (spans.c). wsp__spans_group: the
** matches sorted by (rule, start, end, pattern) as pointers into m (free
** the array with wsp_free; NULL when n is 0), or WSP_INVAL for a match
** without a rule or with a line break in its pattern name.
** wsp__spans_encode: the spans of one rule's run into out.
** wsp__spans_each: fn for each span of one row until it returns nonzero
** (then *stop is set); WSP_STORE for a malformed column. */
#include "core/buf.h"
#define WSP_STORE_MAX_SPANS (16u << 20) /* one rule's spans column */
wsp_rc wsp__spans_group(const wsp_store_match *m, size_t n,
                        const wsp_store_match ***out, wsp_err *err);
wsp_rc wsp__spans_encode(const wsp_store_match *const *m, size_t n,
                         wsp_buf *out);
wsp_rc wsp__spans_each(const char *rule_id, int rule_rev, const char *spans,
                       size_t len,
                       int (*fn)(void *ud, const wsp_store_match *m), void *ud,
                       int *stop, wsp_err *err);

/* The connection of s (defined in store.c), for the module's other files. */
struct sqlite3;
struct sqlite3 *wsp__store_db(wsp_store *s);

#endif
