/* core/log.h: the logging hook. Modules never print; they call WSP_LOG, which
** tests the level before formatting anything and hands the finished message
** to the function the host installed with wsp_log_set (the CLI writes one
** key=value line per event with a single write(2)).
**
** Thread-safety: wsp_log_set must be called before threads start; logging
** itself is thread-safe as long as the installed function is. */
#ifndef WSP_CORE_LOG_H
#define WSP_CORE_LOG_H

typedef enum {
  WSP_LOG_ERROR = 0,
  WSP_LOG_WARN = 1,
  WSP_LOG_INFO = 2,
  WSP_LOG_DEBUG = 3
} wsp_log_level;

/* Receives a formatted message (no trailing newline); `module` is the
** short module name ("match", "store"). */
typedef void (*wsp_log_fn)(void *ud, wsp_log_level level, const char *module,
                           const char *msg);

/* Install fn (NULL: discard everything) and the most verbose level to emit. */
void wsp_log_set(wsp_log_fn fn, void *ud, wsp_log_level max_level);

/* Nonzero if a message at level would be emitted. */
int wsp_log_enabled(wsp_log_level level);

void wsp_log_emit(wsp_log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Name of a level ("error", "warn", "info", "debug"). */
const char *wsp_log_level_name(wsp_log_level level);

#define WSP_LOG(level, module, ...)                                            \
  do {                                                                         \
    if (wsp_log_enabled(level))                                                \
      wsp_log_emit(level, module, __VA_ARGS__);                                \
  } while (0)

#endif
