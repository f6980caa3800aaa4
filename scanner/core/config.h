/* core/config.h: the settings file (`waspada.conf`, or --config PATH).
**
** Format: INI-like. `[section]` headers, `key = value` lines, `#` or `;`
** comments, blank lines ignored. Keys are addressed as "section.key".
** Every module documents the keys it reads; unknown keys are reported by
** wsp_config_check so a misspelt setting is never silently ignored.
**
** Ownership and threading: a wsp_config owns its strings; it is built once
** at start-up and read-only afterwards (safe to share between threads). */
#ifndef WSP_CORE_CONFIG_H
#define WSP_CORE_CONFIG_H

#include "core/error.h"

#include <stddef.h>

typedef struct wsp_config wsp_config;

/* Empty configuration (every lookup gives the caller's default). */
wsp_rc wsp_config_new(wsp_config **out);
/* Parse path. Errors: WSP_IO (cannot read), WSP_PARSE with
** "FILE:LINE: reason" in err. */
wsp_rc wsp_config_load(const char *path, wsp_config **out, wsp_err *err);
/* Parse text[0..len); `name` is used in messages. */
wsp_rc wsp_config_parse(const char *name, const char *text, size_t len,
                        wsp_config **out, wsp_err *err);
void wsp_config_free(wsp_config *c);

/* Set or replace "section.key" (used for command-line overrides). */
wsp_rc wsp_config_set(wsp_config *c, const char *key, const char *value);

/* Value of "section.key", or def when absent. The string is owned by c. */
const char *wsp_config_str(const wsp_config *c, const char *key,
                           const char *def);
/* Numeric value; WSP_PARSE with "FILE:LINE: KEY: not a number" when the
** value is not one (or outside [min, max]). Absent: *out = def, WSP_OK. */
wsp_rc wsp_config_double(const wsp_config *c, const char *key, double def,
                         double min, double max, double *out, wsp_err *err);
wsp_rc wsp_config_int(const wsp_config *c, const char *key, long def, long min,
                      long max, long *out, wsp_err *err);

/* Among the keys starting with prefix ("verdict."), report the first one not
** in `known` (a NULL-terminated list; an entry ending in ".*" accepts every
** key under it) as WSP_PARSE "FILE:LINE: unknown setting KEY". Each module
** checks its own section, so a misspelt setting is an error, not ignored. */
wsp_rc wsp_config_check(const wsp_config *c, const char *prefix,
                        const char *const *known, wsp_err *err);

/* Call fn(ud, key, value) for every key starting with prefix, in file
** order; a nonzero return from fn stops and is returned. */
int wsp_config_each(const wsp_config *c, const char *prefix,
                    int (*fn)(void *ud, const char *key, const char *value),
                    void *ud);

#endif
