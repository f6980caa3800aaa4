/* match/matcher.c: the per-thread matcher, inline-test runner and reload
** holder.
**
** One scan: invalid UTF-8 is masked in a private copy (same length, so
** offsets hold); one Hyperscan pass reports each pattern at most once
** (single-match); prefilter hits are confirmed with PCRE2; PCRE_ONLY
** patterns run; rules with a hit are evaluated; for rules that fire, PCRE2
** finds the spans of their matching patterns. PCRE2 runs under match and
** depth limits, so a hostile regex costs bounded time per text.
**
** A wsp_matcher owns its scratch, PCRE2 match data and result arrays (reused
** across scans) and holds a reference to its rule set. One thread at a time.
** The holder is a mutex-protected pointer with a generation counter. */
#include "match/match_int.h"

#include "core/alloc.h"
#include "core/log.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PCRE_MATCH_LIMIT 2000000
#define PCRE_DEPTH_LIMIT 10000
#define JIT_STACK_MAX (512u << 10)

struct wsp_matcher {
  const wsp_rules *r;
  hs_scratch_t *scratch;
  pcre2_match_data *md;
  pcre2_match_context *mctx;
  pcre2_jit_stack *jit;
  uint8_t *pat_state; /* per pattern: 0 none, 1 hit, 2 rejected */
  uint32_t *hitlist;  /* patterns with pat_state != 0 */
  size_t nhit;
  uint64_t *rule_mask; /* per rule: local bits of confirmed hits */
  uint32_t *cand;      /* rules with rule_mask != 0 */
  size_t ncand;
  wsp_rule_hit *hits;
  size_t nhits, caphits;
  wsp_match_span *spans;
  size_t nspans, capspans;
  char *san;
  size_t sancap;
  char *canon; /* whitespace-canonical view for the literal database */
  size_t canoncap;
  const char *text; /* text of the last scan_hits (caller's or san) */
  size_t len;
  wsp_scan_stats stats;
};

void wsp_matcher_free(wsp_matcher *m)
{
  if (!m)
    return;
  hs_free_scratch(m->scratch);
  pcre2_match_data_free(m->md);
  pcre2_match_context_free(m->mctx);
  pcre2_jit_stack_free(m->jit);
  wsp_free(m->pat_state);
  wsp_free(m->hitlist);
  wsp_free(m->rule_mask);
  wsp_free(m->cand);
  wsp_free(m->hits);
  wsp_free(m->spans);
  wsp_free(m->san);
  wsp_free(m->canon);
  wsp_rules_free((wsp_rules *)m->r);
  wsp_free(m);
}

wsp_rc wsp_matcher_new(const wsp_rules *r, wsp_matcher **out)
{
  wsp_matcher *m;

  *out = NULL;
  if (!r || !r->compiled)
    return WSP_INVAL;
  m = wsp_calloc(1, sizeof(*m));
  if (!m)
    return WSP_NOMEM;
  m->r = wsp_rules_retain((wsp_rules *)r);
  size_t np = r->npats ? r->npats : 1, nr = r->nrules ? r->nrules : 1;
  m->pat_state = wsp_calloc(np, 1);
  m->hitlist = wsp_malloc(np * sizeof(*m->hitlist));
  m->rule_mask = wsp_calloc(nr, sizeof(*m->rule_mask));
  m->cand = wsp_malloc(nr * sizeof(*m->cand));
  m->md = pcre2_match_data_create(32, NULL);
  m->mctx = pcre2_match_context_create(NULL);
  m->jit = pcre2_jit_stack_create(32u << 10, JIT_STACK_MAX, NULL);
  if (!m->pat_state || !m->hitlist || !m->rule_mask || !m->cand || !m->md ||
      !m->mctx || !m->jit)
    goto fail;
  pcre2_jit_stack_assign(m->mctx, NULL, m->jit);
  pcre2_set_match_limit(m->mctx, PCRE_MATCH_LIMIT);
  pcre2_set_depth_limit(m->mctx, PCRE_DEPTH_LIMIT);
  if (r->proto_scratch &&
      hs_clone_scratch(r->proto_scratch, &m->scratch) != HS_SUCCESS)
    goto fail;
  *out = m;
  return WSP_OK;
fail:
  wsp_matcher_free(m);
  return WSP_NOMEM;
}

const wsp_rules *wsp_matcher_rules(const wsp_matcher *m)
{
  return m ? m->r : NULL;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid.
** Rejects overlongs, surrogates and code points past U+10FFFF. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
  unsigned char c = s[0];
  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF)
    return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
      return 0;
    if (c == 0xE0 && s[1] < 0xA0)
      return 0;
    if (c == 0xED && s[1] > 0x9F)
      return 0;
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
        (s[3] & 0xC0) != 0x80)
      return 0;
    if (c == 0xF0 && s[1] < 0x90)
      return 0;
    if (c == 0xF4 && s[1] > 0x8F)
      return 0;
    return 4;
  }
  return 0;
}

/* Offset of the first invalid byte, or len if text is valid UTF-8. */
static size_t utf8_check(const unsigned char *s, size_t len)
{
  size_t i = 0;
  while (i < len) {
    if (i + 8 <= len) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (!(w & 0x8080808080808080ull)) {
        i += 8;
        continue;
      }
    }
    size_t k = utf8_seq(s + i, len - i);
    if (!k)
      return i;
    i += k;
  }
  return len;
}

/* Copy of text with every invalid byte replaced by 0x1A (same length). */
static wsp_rc sanitize(wsp_matcher *m, const char *text, size_t len,
                       size_t from)
{
  if (m->sancap < len + 1) {
    char *n = wsp_realloc(m->san, len + 1);
    if (!n)
      return WSP_NOMEM;
    m->san = n;
    m->sancap = len + 1;
  }
  memcpy(m->san, text, len);
  m->san[len] = 0;
  const unsigned char *s = (const unsigned char *)m->san;
  size_t i = from;
  while (i < len) {
    size_t k = utf8_seq(s + i, len - i);
    if (!k) {
      m->san[i] = 0x1A;
      k = 1;
    }
    i += k;
  }
  return WSP_OK;
}

static int on_hs_match(unsigned int id, unsigned long long from,
                       unsigned long long to, unsigned int flags, void *ctx)
{
  wsp_matcher *m = ctx;
  (void)from;
  (void)to;
  (void)flags;
  if (id < m->r->npats && !m->pat_state[id]) {
    m->pat_state[id] = 1;
    m->hitlist[m->nhit++] = id;
  }
  return 0;
}

typedef struct lit_ctx {
  wsp_matcher *m;
  const unsigned char *t; /* the view the literal database scans */
  size_t len;
  int rewritten; /* the view is a canonical copy, not the text */
} lit_ctx;

/* A literal ended at `to`: check its word boundaries (\b semantics). */
static int on_lit_match(unsigned int id, unsigned long long from,
                        unsigned long long to, unsigned int flags, void *ctx)
{
  lit_ctx *c = ctx;
  wsp_matcher *m = c->m;
  (void)from;
  (void)flags;
  if (id >= m->r->nlits)
    return 0;
  const wsp_lit *l = &m->r->lits[id];
  uint8_t st = m->pat_state[l->pattern];
  if (st == 1 || st == 2 || to < l->len || to > c->len)
    return 0;
  size_t end = (size_t)to, start = end - l->len;
  if (l->lb && start > 0 && wsp__is_word_byte(c->t[start - 1]))
    return 0;
  if (l->rb && end < c->len && wsp__is_word_byte(c->t[end]))
    return 0;
  /* a regex literal with a space seen in a rewritten view: candidate */
  uint8_t nst = l->ws_exact && c->rewritten ? 3 : 1;
  if (!st)
    m->hitlist[m->nhit++] = l->pattern;
  if (!st || nst == 1)
    m->pat_state[l->pattern] = nst;
  return 0;
}

static int is_ws(unsigned char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

/* Offset of the first whitespace that is not a lone ' ' (a control
** whitespace character, or the second of two spaces ... then the first of
** them), or len. Eight bytes at a time: per-byte work only where a word holds
** a byte below 0x20 or two adjacent spaces. */
static size_t first_noncanonical(const unsigned char *s, size_t len)
{
  const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  size_t i = 0;
  uint64_t prev_top = 0; /* top byte of the previous word may be a space */

  for (; i + 8 <= len; i += 8) {
    uint64_t x, y, lt, sp;
    memcpy(&x, s + i, 8);
    lt = (x - 0x20 * ones) & ~x & highs; /* some byte < 0x20 */
    y = x ^ (0x20 * ones);
    sp = (y - ones) & ~y & highs; /* spaces (exact up to the first) */
    if (!lt && !(sp & (sp << 8)) && !(prev_top && (sp & 0x80))) {
      prev_top = sp >> 63;
      continue;
    }
    break; /* look closely from here */
  }
  if (i > 0 && s[i - 1] == ' ')
    i--; /* a run may start in the previous word */
  for (; i < len; i++) {
    unsigned char c = s[i];
    if (c > ' ')
      continue;
    if (c != ' ' ? is_ws(c) : (i + 1 < len && is_ws(s[i + 1])))
      return i;
  }
  return len;
}

/* t itself when its whitespace is already canonical (single spaces), else a
** copy in m->canon with each ASCII whitespace run as one space. */
static const char *canonical_view(wsp_matcher *m, const char *t, size_t len,
                                  size_t *out_len, wsp_rc *rc)
{
  const unsigned char *s = (const unsigned char *)t;
  size_t i = first_noncanonical(s, len);
  *rc = WSP_OK;
  *out_len = len;
  if (i == len)
    return t;
  if (m->canoncap < len + 1) {
    char *n = wsp_realloc(m->canon, len + 1);
    if (!n) {
      *rc = WSP_NOMEM;
      return NULL;
    }
    m->canon = n;
    m->canoncap = len + 1;
  }
  memcpy(m->canon, t, i);
  size_t j = i;
  while (i < len) {
    if (is_ws(s[i])) {
      m->canon[j++] = ' ';
      while (i < len && is_ws(s[i]))
        i++;
    } else
      m->canon[j++] = (char)s[i++];
  }
  m->canon[j] = 0;
  *out_len = j;
  return m->canon;
}

/* The JIT-compiled copy of p's regex, made and published on first use (the
** shared p->re is never modified, so concurrent first uses are safe: the
** loser of the race frees its copy). Falls back to p->re without memory. */
static const pcre2_code *jit_code(const wsp_pattern_int *p)
{
  wsp_pattern_int *mp = (wsp_pattern_int *)p; /* lazily filled cache */
  pcre2_code *c = atomic_load_explicit(&mp->jit, memory_order_acquire);
  if (c)
    return c;
  pcre2_code *copy = pcre2_code_copy(p->re);
  if (!copy)
    return p->re;
  (void)pcre2_jit_compile(copy, PCRE2_JIT_COMPLETE); /* interpreter if not */
  pcre2_code *expected = NULL;
  if (!atomic_compare_exchange_strong_explicit(&mp->jit, &expected, copy,
                                               memory_order_acq_rel,
                                               memory_order_acquire)) {
    pcre2_code_free(copy);
    return expected;
  }
  return copy;
}

/* 1 if p matches text from offset start; start/end of the match filled. */
static int pcre_find(wsp_matcher *m, const wsp_pattern_int *p, const char *t,
                     size_t len, size_t start, size_t *ms, size_t *me)
{
  int rc = pcre2_match(jit_code(p), (PCRE2_SPTR)t, len, start,
                       PCRE2_NO_UTF_CHECK, m->md, m->mctx);
  if (rc < 0) {
    if (rc != PCRE2_ERROR_NOMATCH)
      WSP_LOG(WSP_LOG_DEBUG, "match", "pcre2 error %d on pattern %s", rc,
              p->info.name);
    return 0;
  }
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
  *ms = ov[0];
  *me = ov[1];
  if (*me < *ms) /* \K can put the end before the start */
    *me = *ms;
  return 1;
}

static int cmp_u32(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static wsp_rc push_span(wsp_matcher *m, size_t pat, size_t s, size_t e)
{
  if (m->nspans == m->capspans) {
    size_t ncap = m->capspans ? m->capspans * 2 : 64;
    wsp_match_span *n = wsp_realloc(m->spans, ncap * sizeof(*n));
    if (!n)
      return WSP_NOMEM;
    m->spans = n;
    m->capspans = ncap;
  }
  m->spans[m->nspans++] = (wsp_match_span){pat, s, e};
  return WSP_OK;
}

static wsp_rc collect_spans(wsp_matcher *m, size_t gi, const char *t,
                            size_t len)
{
  const wsp_pattern_int *p = &m->r->pats[gi];
  size_t pos = 0, s, e;

  for (int k = 0; k < WSP_MATCH_MAX_SPANS && pos <= len; k++) {
    m->stats.pcre_spans++;
    if (!pcre_find(m, p, t, len, pos, &s, &e))
      break;
    wsp_rc rc = push_span(m, gi, s, e);
    if (rc != WSP_OK)
      return rc;
    if (e > pos)
      pos = e;
    else { /* empty match: step over one character */
      pos++;
      while (pos < len && ((unsigned char)t[pos] & 0xC0) == 0x80)
        pos++;
    }
    if (e == s && pos > len)
      break;
  }
  return WSP_OK;
}

wsp_rc wsp_matcher_scan_hits(wsp_matcher *m, const char *text, size_t len,
                             wsp_scan_result *res)
{
  const wsp_rules *r;
  const char *t = text ? text : "";
  size_t s, e;
  wsp_rc rc;

  memset(res, 0, sizeof(*res));
  if (!m)
    return WSP_INVAL;
  r = m->r;
  /* reset the previous scan's state */
  for (size_t i = 0; i < m->nhit; i++)
    m->pat_state[m->hitlist[i]] = 0;
  for (size_t i = 0; i < m->ncand; i++)
    m->rule_mask[m->cand[i]] = 0;
  m->nhit = m->ncand = m->nhits = m->nspans = 0;
  m->text = NULL;
  m->len = 0;
  memset(&m->stats, 0, sizeof(m->stats));
  if (!text)
    len = 0;
  if (len > WSP_MATCH_MAX_TEXT)
    return WSP_TOOBIG;
  size_t bad = utf8_check((const unsigned char *)t, len);
  if (bad < len) {
    if ((rc = sanitize(m, t, len, bad)) != WSP_OK)
      return rc;
    t = m->san;
    m->stats.sanitized = 1;
  }

  if (r->litdb) {
    lit_ctx lc = {m, NULL, 0, 0};
    const char *v = canonical_view(m, t, len, &lc.len, &rc);
    if (!v)
      return rc;
    lc.t = (const unsigned char *)v;
    lc.rewritten = v != t;
    if (hs_scan(r->litdb, v, (unsigned)lc.len, 0, m->scratch, on_lit_match,
                &lc) != HS_SUCCESS)
      return WSP_MATCH;
  }
  if (r->db && hs_scan(r->db, t, (unsigned)len, 0, m->scratch, on_hs_match,
                       m) != HS_SUCCESS)
    return WSP_MATCH;
  m->stats.hs_hits = m->nhit;
  for (size_t i = 0; i < m->nhit; i++) {
    const wsp_pattern_int *p = &r->pats[m->hitlist[i]];
    if (p->info.tier == WSP_TIER_PREFILTER ||
        m->pat_state[m->hitlist[i]] == 3) {
      m->stats.pcre_confirms++;
      m->pat_state[m->hitlist[i]] = 1;
      if (!pcre_find(m, p, t, len, 0, &s, &e))
        m->pat_state[m->hitlist[i]] = 2;
    }
  }
  for (size_t i = 0; i < r->npcre_only; i++) {
    uint32_t gi = r->pcre_only[i];
    m->stats.pcre_only++;
    if (pcre_find(m, &r->pats[gi], t, len, 0, &s, &e) && !m->pat_state[gi]) {
      m->pat_state[gi] = 1;
      m->hitlist[m->nhit++] = gi;
    }
  }
  for (size_t i = 0; i < m->nhit; i++) {
    uint32_t gi = m->hitlist[i];
    if (m->pat_state[gi] != 1)
      continue;
    size_t ri = r->pats[gi].info.rule;
    if (!m->rule_mask[ri])
      m->cand[m->ncand++] = (uint32_t)ri;
    m->rule_mask[ri] |= (uint64_t)1 << r->pats[gi].local;
  }
  if (m->ncand > 1)
    qsort(m->cand, m->ncand, sizeof(*m->cand), cmp_u32);
  for (size_t i = 0; i < m->ncand; i++) {
    size_t ri = m->cand[i];
    m->stats.rules_evaluated++;
    if (!wsp__cond_eval(&r->rules[ri].cond, m->rule_mask[ri]))
      continue;
    if (m->nhits == m->caphits) {
      size_t ncap = m->caphits ? m->caphits * 2 : 16;
      wsp_rule_hit *n = wsp_realloc(m->hits, ncap * sizeof(*n));
      if (!n)
        return WSP_NOMEM;
      m->hits = n;
      m->caphits = ncap;
    }
    wsp_rule_hit *h = &m->hits[m->nhits++];
    h->rule = ri;
    h->patterns = m->rule_mask[ri];
    h->first = h->count = 0;
  }
  m->text = t;
  m->len = len;
  res->hits = m->hits;
  res->nhits = m->nhits;
  res->stats = m->stats;
  return WSP_OK;
}

wsp_rc wsp_matcher_spans(wsp_matcher *m, wsp_scan_result *res)
{
  wsp_rc rc;

  if (!m || !m->text)
    return WSP_INVAL;
  m->nspans = 0;
  for (size_t i = 0; i < m->nhits; i++) {
    wsp_rule_hit *h = &m->hits[i];
    const wsp_rule_info *in = &m->r->rules[h->rule].info;
    h->first = m->nspans;
    for (size_t k = 0; k < in->npatterns; k++)
      if (h->patterns & ((uint64_t)1 << k))
        if ((rc = collect_spans(m, in->first_pattern + k, m->text, m->len)) !=
            WSP_OK)
          return rc;
    h->count = m->nspans - h->first;
  }
  res->hits = m->hits;
  res->nhits = m->nhits;
  res->spans = m->spans;
  res->nspans = m->nspans;
  res->stats = m->stats;
  return WSP_OK;
}

wsp_rc wsp_matcher_scan(wsp_matcher *m, const char *text, size_t len,
                        wsp_scan_result *res)
{
  wsp_rc rc = wsp_matcher_scan_hits(m, text, len, res);
  if (rc == WSP_OK && res->nhits)
    rc = wsp_matcher_spans(m, res);
  return rc;
}

/* ---- inline tests -------------------------------------------------------- */

static int fired(const wsp_scan_result *res, size_t rule)
{
  for (size_t i = 0; i < res->nhits; i++)
    if (res->hits[i].rule == rule)
      return 1;
  return 0;
}

wsp_rc wsp_rules_run_tests(const wsp_rules *r, wsp_matcher *m,
                           wsp_text_transform_fn transform, void *tud,
                           wsp_test_fail_fn on_fail, void *fud, size_t *passed,
                           size_t *failed)
{
  if (!r || !m || m->r != r)
    return WSP_INVAL;
  for (size_t ri = 0; ri < r->nrules; ri++) {
    const wsp_rule_info *in = &r->rules[ri].info;
    if (in->status == WSP_STATUS_DEPRECATED)
      continue;
    for (int want = 1; want >= 0; want--) {
      const char *const *v = want ? in->tests_match : in->tests_no_match;
      size_t n = want ? in->ntests_match : in->ntests_no_match;
      for (size_t k = 0; k < n; k++) {
        const char *t = v[k];
        size_t len = strlen(t);
        wsp_scan_result res;
        wsp_rc rc;
        if (transform &&
            (rc = transform(tud, v[k], strlen(v[k]), &t, &len)) != WSP_OK)
          return rc;
        if ((rc = wsp_matcher_scan_hits(m, t, len, &res)) != WSP_OK)
          return rc;
        if (fired(&res, ri) == want) {
          if (passed)
            (*passed)++;
        } else {
          if (failed)
            (*failed)++;
          if (on_fail)
            on_fail(fud, in, want, k, v[k]);
        }
      }
    }
  }
  return WSP_OK;
}

/* ---- reload holder ------------------------------------------------------- */

struct wsp_rules_holder {
  pthread_mutex_t mu;
  wsp_rules *cur;
  uint64_t gen;
};

wsp_rc wsp_rules_holder_new(wsp_rules *initial, wsp_rules_holder **out)
{
  wsp_rules_holder *h = wsp_calloc(1, sizeof(*h));
  *out = NULL;
  if (!h)
    return WSP_NOMEM;
  if (pthread_mutex_init(&h->mu, NULL) != 0) {
    wsp_free(h);
    return WSP_NOMEM;
  }
  h->cur = initial;
  h->gen = 1;
  *out = h;
  return WSP_OK;
}

void wsp_rules_holder_free(wsp_rules_holder *h)
{
  if (!h)
    return;
  wsp_rules_free(h->cur);
  pthread_mutex_destroy(&h->mu);
  wsp_free(h);
}

wsp_rules *wsp_rules_holder_get(wsp_rules_holder *h, uint64_t *generation)
{
  wsp_rules *r;
  pthread_mutex_lock(&h->mu);
  r = wsp_rules_retain(h->cur);
  if (generation)
    *generation = h->gen;
  pthread_mutex_unlock(&h->mu);
  return r;
}

uint64_t wsp_rules_holder_generation(wsp_rules_holder *h)
{
  uint64_t g;
  pthread_mutex_lock(&h->mu);
  g = h->gen;
  pthread_mutex_unlock(&h->mu);
  return g;
}

void wsp_rules_holder_swap(wsp_rules_holder *h, wsp_rules *r)
{
  wsp_rules *old;
  pthread_mutex_lock(&h->mu);
  old = h->cur;
  h->cur = r;
  h->gen++;
  pthread_mutex_unlock(&h->mu);
  wsp_rules_free(old);
}

wsp_rc wsp_rules_holder_reload(wsp_rules_holder *h, const char *const *paths,
                               size_t npaths, const wsp_rules_opts *opts,
                               wsp_diag_fn diag, void *ud, wsp_err *err)
{
  wsp_rules *r = NULL;
  wsp_rc rc = wsp_rules_build(paths, npaths, opts, diag, ud, &r, err);
  if (rc != WSP_OK) {
    WSP_LOG(WSP_LOG_WARN, "match",
            "rule reload failed (%s); keeping the "
            "current rules",
            wsp_strerror(rc));
    return rc;
  }
  wsp_rules_holder_swap(h, r);
  return WSP_OK;
}
