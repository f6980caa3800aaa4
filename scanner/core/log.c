/* core/log.c: the installed log hook and level filter. */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>

static wsp_log_fn log_fn;
static void *log_ud;
static wsp_log_level log_max = WSP_LOG_WARN;

void wsp_log_set(wsp_log_fn fn, void *ud, wsp_log_level max_level)
{
  log_fn = fn;
  log_ud = ud;
  log_max = max_level;
}

int wsp_log_enabled(wsp_log_level level)
{
  return log_fn != NULL && level <= log_max;
}

void wsp_log_emit(wsp_log_level level, const char *module, const char *fmt, ...)
{
  char msg[1024];
  va_list ap;

  if (!wsp_log_enabled(level))
    return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  log_fn(log_ud, level, module, msg);
}

const char *wsp_log_level_name(wsp_log_level level)
{
  switch (level) {
  case WSP_LOG_ERROR:
    return "error";
  case WSP_LOG_WARN:
    return "warn";
  case WSP_LOG_INFO:
    return "info";
  case WSP_LOG_DEBUG:
    return "debug";
  }
  return "?";
}
