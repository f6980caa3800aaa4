/* core/alloc.c: allocation wrappers with failure injection for tests. */
#include "core/alloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_long fail_countdown = -1; /* <0: never fail */
static atomic_long alloc_count;

static int alloc_should_fail(void)
{
  long left;

  atomic_fetch_add(&alloc_count, 1);
  left = atomic_load(&fail_countdown);
  if (left < 0)
    return 0;
  if (left == 0)
    return 1;
  atomic_fetch_sub(&fail_countdown, 1);
  return 0;
}

long wsp_alloc_fail_after(long n)
{
  long made = atomic_exchange(&alloc_count, 0);
  atomic_store(&fail_countdown, n);
  return made;
}

void *wsp_malloc(size_t n)
{
  if (alloc_should_fail())
    return NULL;
  return malloc(n ? n : 1);
}

void *wsp_calloc(size_t count, size_t size)
{
  if (alloc_should_fail())
    return NULL;
  return calloc(count ? count : 1, size ? size : 1);
}

void *wsp_realloc(void *p, size_t n)
{
  if (alloc_should_fail())
    return NULL;
  return realloc(p, n ? n : 1);
}

void wsp_free(void *p)
{
  free(p);
}

char *wsp_strndup(const char *s, size_t n)
{
  char *d = wsp_malloc(n + 1);
  if (!d)
    return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *wsp_strdup(const char *s)
{
  return wsp_strndup(s, strlen(s));
}
