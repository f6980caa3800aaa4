/* core/alloc.h: the allocator every module uses.
**
** Library code never aborts on out-of-memory: it returns WSP_NOMEM. All
** allocation goes through these wrappers so tests can make the N-th
** allocation fail (curl's torture mode) and check that every error path
** cleans up. wsp_free(NULL) is a no-op.
**
** Thread-safety: all functions are thread-safe; the failure injector is a
** global counter meant for single-threaded tests. */
#ifndef WSP_CORE_ALLOC_H
#define WSP_CORE_ALLOC_H

#include <stddef.h>

void *wsp_malloc(size_t n);
void *wsp_calloc(size_t count, size_t size);
void *wsp_realloc(void *p, size_t n);
void wsp_free(void *p);
/* Copy of the first n bytes of s, NUL-terminated. */
char *wsp_strndup(const char *s, size_t n);
char *wsp_strdup(const char *s);

/* Test hook: make the allocation after `n` more successful ones fail (and
** every later one, until reset). n < 0 disables injection. Returns the number
** of allocations made since the previous call. */
long wsp_alloc_fail_after(long n);

#endif
