/* core/error.c: message table for wsp_rc and the wsp_err detail buffer. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>

const char *wsp_strerror(wsp_rc rc)
{
  switch (rc) {
#define WSP_X(name, msg)                                                       \
  case WSP_##name:                                                             \
    return msg;
    WSP_ERRORS(WSP_X)
#undef WSP_X
  default:
    return "unknown error";
  }
}

const char *wsp_rc_name(wsp_rc rc)
{
  switch (rc) {
#define WSP_X(name, msg)                                                       \
  case WSP_##name:                                                             \
    return #name;
    WSP_ERRORS(WSP_X)
#undef WSP_X
  default:
    return "UNKNOWN";
  }
}

wsp_rc wsp_err_set(wsp_err *err, wsp_rc rc, const char *fmt, ...)
{
  va_list ap;

  if (!err)
    return rc;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
  va_end(ap);
  return rc;
}

void wsp_err_clear(wsp_err *err)
{
  if (err)
    err->msg[0] = '\0';
}
