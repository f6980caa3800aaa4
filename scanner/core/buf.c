/* core/buf.c: bounded growable byte buffer. */
#include "core/buf.h"

#include "core/alloc.h"

#include <stdio.h>
#include <string.h>

#define WSP_BUF_MIN 64

void wsp_buf_init(wsp_buf *b, size_t max)
{
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  b->max = max;
}

void wsp_buf_cleanup(wsp_buf *b)
{
  wsp_free(b->data);
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
}

void wsp_buf_reset(wsp_buf *b)
{
  b->len = 0;
  if (b->data)
    b->data[0] = '\0';
}

wsp_rc wsp_buf_reserve(wsp_buf *b, size_t n)
{
  size_t need, cap;
  char *p;

  if (n > b->max || b->len > b->max - n)
    return WSP_TOOBIG;
  need = b->len + n + 1; /* room for the terminator */
  if (need <= b->cap)
    return WSP_OK;
  cap = b->cap ? b->cap : WSP_BUF_MIN;
  while (cap < need)
    cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
  if (cap > b->max + 1)
    cap = b->max + 1;
  p = wsp_realloc(b->data, cap);
  if (!p)
    return WSP_NOMEM;
  b->data = p;
  b->cap = cap;
  return WSP_OK;
}

wsp_rc wsp_buf_append(wsp_buf *b, const void *p, size_t n)
{
  wsp_rc rc = wsp_buf_reserve(b, n);
  if (rc != WSP_OK)
    return rc;
  if (n)
    memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return WSP_OK;
}

wsp_rc wsp_buf_puts(wsp_buf *b, const char *s)
{
  return wsp_buf_append(b, s, strlen(s));
}

wsp_rc wsp_buf_putc(wsp_buf *b, char c)
{
  return wsp_buf_append(b, &c, 1);
}

wsp_rc wsp_buf_vprintf(wsp_buf *b, const char *fmt, va_list ap)
{
  va_list ap2;
  int n;
  wsp_rc rc;

  va_copy(ap2, ap);
  n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0)
    return WSP_INVAL;
  rc = wsp_buf_reserve(b, (size_t)n);
  if (rc != WSP_OK)
    return rc;
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
  return WSP_OK;
}

wsp_rc wsp_buf_printf(wsp_buf *b, const char *fmt, ...)
{
  va_list ap;
  wsp_rc rc;

  va_start(ap, fmt);
  rc = wsp_buf_vprintf(b, fmt, ap);
  va_end(ap);
  return rc;
}

const char *wsp_buf_str(const wsp_buf *b)
{
  return b->data ? b->data : "";
}

char *wsp_buf_detach(wsp_buf *b, size_t *len)
{
  char *p = b->data;
  if (len)
    *len = b->len;
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  return p;
}
