/* store/spans.c: the spans column of the matches table. A flagged post
** stores one row per rule that matched it (schema version 5), and the
** row's spans column lists every pattern span of that rule, one per line:
** "START END PATTERN", byte offsets in decimal, lines in the order of
** (start, end, pattern). A post with a dozen rules and seventy spans
** writes twelve rows, not seventy (each with two index entries).
**
** Pattern names are identifiers (match/load.c); a name with a line break
** cannot be stored and is refused. */
#include "store/store_int.h"

#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>

static int span_cmp(const void *a, const void *b)
{
  const wsp_store_match *x = *(const wsp_store_match *const *)a;
  const wsp_store_match *y = *(const wsp_store_match *const *)b;
  int c = strcmp(x->rule_id, y->rule_id);
  if (c)
    return c;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  return strcmp(x->pattern, y->pattern);
}

wsp_rc wsp__spans_group(const wsp_store_match *m, size_t n,
                        const wsp_store_match ***out, wsp_err *err)
{
  const wsp_store_match **v;
  *out = NULL;
  if (!n)
    return WSP_OK;
  for (size_t i = 0; i < n; i++)
    if (!m[i].rule_id || !m[i].pattern || strchr(m[i].pattern, '\n'))
      return wsp_err_set(err, WSP_INVAL,
                         "match without a rule or with a line break in its "
                         "pattern name");
  if (!(v = wsp_malloc(n * sizeof(*v))))
    return wsp_err_set(err, WSP_NOMEM, "matches: out of memory");
  for (size_t i = 0; i < n; i++)
    v[i] = &m[i];
  qsort(v, n, sizeof(*v), span_cmp);
  *out = v;
  return WSP_OK;
}

wsp_rc wsp__spans_encode(const wsp_store_match *const *m, size_t n,
                         wsp_buf *out)
{
  wsp_rc rc = WSP_OK;
  wsp_buf_reset(out);
  for (size_t i = 0; i < n && rc == WSP_OK; i++)
    rc = wsp_buf_printf(out, "%s%zu %zu %s", i ? "\n" : "", m[i]->start,
                        m[i]->end, m[i]->pattern);
  return rc;
}

/* One "START END PATTERN" line of s[0..len) into *m (pattern is
** NUL-terminated by the caller). Returns 0 if the line is malformed. */
static int parse_line(char *s, wsp_store_match *m)
{
  char *end;
  unsigned long long a, b;
  if (*s < '0' || *s > '9')
    return 0;
  a = strtoull(s, &end, 10);
  if (*end != ' ' || end[1] < '0' || end[1] > '9')
    return 0;
  b = strtoull(end + 1, &end, 10);
  if (*end != ' ' || !end[1] || a > b || b > SIZE_MAX)
    return 0;
  m->start = (size_t)a;
  m->end = (size_t)b;
  m->pattern = end + 1;
  return 1;
}

wsp_rc wsp__spans_each(const char *rule_id, int rule_rev, const char *spans,
                       size_t len,
                       int (*fn)(void *ud, const wsp_store_match *m), void *ud,
                       int *stop, wsp_err *err)
{
  char *copy = wsp_malloc(len + 1), *line;
  size_t at = 0;

  if (!copy)
    return wsp_err_set(err, WSP_NOMEM, "matches: out of memory");
  memcpy(copy, spans, len);
  copy[len] = '\0';
  while (at < len && !*stop) {
    wsp_store_match m = {.rule_id = rule_id, .rule_rev = rule_rev};
    char *nl = memchr(copy + at, '\n', len - at);
    line = copy + at;
    if (nl)
      *nl = '\0';
    at = nl ? (size_t)(nl - copy) + 1 : len;
    if (strlen(line) != (size_t)((nl ? nl : copy + len) - line) ||
        !parse_line(line, &m)) {
      wsp_free(copy);
      return wsp_err_set(err, WSP_STORE, "rule %s: malformed match spans",
                         rule_id);
    }
    if (fn(ud, &m))
      *stop = 1;
  }
  wsp_free(copy);
  return WSP_OK;
}
