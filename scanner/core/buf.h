/* core/buf.h: bounded growable byte buffer (after curl's dynbuf).
**
** A wsp_buf is allocated by the caller (wsp_buf_init/wsp_buf_cleanup) and
** owns its heap storage. Every buffer has a hard ceiling: an append that would
** take the length past it fails with WSP_TOOBIG and leaves the contents
** unchanged, so hostile input can never grow memory without bound. The data
** is always NUL-terminated (the terminator is not counted in len).
**
** Thread-safety: none; a buffer belongs to one thread at a time. */
#ifndef WSP_CORE_BUF_H
#define WSP_CORE_BUF_H

#include "core/error.h"

#include <stdarg.h>
#include <stddef.h>

typedef struct wsp_buf {
  char *data; /* NULL until the first append */
  size_t len;
  size_t cap;
  size_t max; /* ceiling on len */
} wsp_buf;

/* Empty buffer that may hold at most max bytes. */
void wsp_buf_init(wsp_buf *b, size_t max);
/* Free the storage; the buffer is left empty and may be reused. */
void wsp_buf_cleanup(wsp_buf *b);
/* Set length to 0, keeping the storage. */
void wsp_buf_reset(wsp_buf *b);

/* Append n bytes. WSP_TOOBIG past the ceiling, WSP_NOMEM on allocation
** failure; on error the buffer is unchanged. */
wsp_rc wsp_buf_append(wsp_buf *b, const void *p, size_t n);
wsp_rc wsp_buf_puts(wsp_buf *b, const char *s);
wsp_rc wsp_buf_putc(wsp_buf *b, char c);
wsp_rc wsp_buf_printf(wsp_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
wsp_rc wsp_buf_vprintf(wsp_buf *b, const char *fmt, va_list ap);
/* Make room for n more bytes without changing len. */
wsp_rc wsp_buf_reserve(wsp_buf *b, size_t n);

/* Contents as a C string ("" when empty); valid until the next change. */
const char *wsp_buf_str(const wsp_buf *b);

/* Hand the storage to the caller (free with wsp_free; may be NULL when the
** buffer is empty) and leave the buffer empty. */
char *wsp_buf_detach(wsp_buf *b, size_t *len);

#endif
