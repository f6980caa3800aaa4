/* core/error.h: the one error enum of waspada, its messages, and the
** caller-supplied detail buffer.
**
** Every fallible function returns a wsp_rc and passes results through
** out-parameters. Codes are generated with their messages from one X-macro so
** the two cannot drift apart. Never renumber or remove a code: append new
** ones at the end. Details that a code cannot carry (file:line, a library's
** own message) go into a wsp_err the caller owns; modules translate foreign
** error codes (Hyperscan, SQLite, curl) at their boundary.
**
** Thread-safety: wsp_strerror is pure; a wsp_err belongs to one thread. */
#ifndef WSP_CORE_ERROR_H
#define WSP_CORE_ERROR_H

#include <stddef.h>

#define WSP_ERRORS(X)                                                          \
  X(OK, "success")                                                             \
  X(NOMEM, "out of memory")                                                    \
  X(TOOBIG, "input exceeds configured limit")                                  \
  X(INVAL, "invalid argument")                                                 \
  X(IO, "input/output error")                                                  \
  X(NOTFOUND, "not found")                                                     \
  X(PARSE, "malformed input")                                                  \
  X(ENCODING, "invalid text encoding")                                         \
  X(CLOSED, "queue closed")                                                    \
  X(TIMEOUT, "operation timed out")                                            \
  X(RULES, "rule pack error")                                                  \
  X(COMPILE, "pattern compilation failed")                                     \
  X(MATCH, "pattern matching failed")                                          \
  X(MODEL, "model file error")                                                 \
  X(STORE, "database error")                                                   \
  X(SCHEMA, "database schema error")                                           \
  X(FETCH, "feed fetch failed")                                                \
  X(INTERRUPTED, "interrupted")                                                \
  X(INTERNAL, "internal error")

typedef enum {
#define WSP_X(name, msg) WSP_##name,
  WSP_ERRORS(WSP_X)
#undef WSP_X
      WSP__RC_COUNT /* number of codes; not an error */
} wsp_rc;

/* The message of rc; an unknown value gives "unknown error". Never NULL. */
const char *wsp_strerror(wsp_rc rc);

/* The symbolic name of rc without prefix ("NOMEM"); "UNKNOWN" if unknown. */
const char *wsp_rc_name(wsp_rc rc);

/* Detail buffer supplied by the caller. Functions taking a wsp_err *err may
** receive NULL, in which case details are dropped. */
#define WSP_ERR_MAX 512
typedef struct wsp_err {
  char msg[WSP_ERR_MAX];
} wsp_err;

/* Format a detail message into err (truncated to fit; NULL err is a no-op).
** Returns rc so a caller can write `return wsp_err_set(err, WSP_IO, ...)`. */
wsp_rc wsp_err_set(wsp_err *err, wsp_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Empty err (NULL is a no-op). */
void wsp_err_clear(wsp_err *err);

#endif
