/* bayes/model.c: naive Bayes counts in an open-addressing hash table,
** scoring, explanation, Platt calibration and the binary model file (see
** model.h for the maths and the format). */
#include "bayes/model.h"

#include "bayes/gramcache.h"
#include "core/alloc.h"
#include "core/hash.h"

#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_SIZE 160u
#define NP WSP_BAYES_PARTS
#define LOGC 256u
#define ENTRY_SIZE 16u
#define RANK_CAP 1024u /* post counts above rank alike (rank_by_count) */
static const char magic[8] = {'W', 'S', 'P', 'B', 'A', 'Y', 'E', 'S'};

typedef struct entry {
  uint64_t key; /* token hash; 0 = empty slot */
  uint32_t c[2];
} entry;

struct wsp_bayes_model {
  wsp_bayes_config cfg;
  double a[NP], b; /* calibration, see model.h */
  uint64_t posts[2], tokens[2];
  uint64_t stamp;    /* new whenever the counts change (gramcache.h) */
  double logc[LOGC]; /* log(c + alpha) for c < LOGC; fixed with alpha */
  entry *slots;
  uint32_t *rank; /* per slot: the token's rank, see rank_by_count */
  size_t nslots;  /* power of two, 2^bits */
  unsigned bits;
  size_t used;
};

static uint64_t key_of(uint64_t h)
{
  return h ? h : 1;
}

/* Posts that contained e's token, capped at RANK_CAP. */
static size_t entry_count(const entry *e)
{
  uint64_t n = (uint64_t)e->c[0] + e->c[1];
  return n < RANK_CAP ? (size_t)n : RANK_CAP;
}

/* A stamp no model has had yet in this process (never 0). */
static uint64_t new_stamp(void)
{
  static atomic_uint_fast64_t last;
  return (uint64_t)atomic_fetch_add(&last, 1) + 1;
}

void wsp_bayes_config_default(wsp_bayes_config *cfg)
{
  memset(cfg, 0, sizeof(*cfg));
  wsp_tok_opts_default(&cfg->tok);
  cfg->alpha = 0.1;
  cfg->lo = 0.3;
  cfg->hi = 0.7;
  cfg->threshold = 0.5;
  cfg->min_count = 1;
}

static int config_ok(const wsp_bayes_config *c)
{
  return wsp_tok_opts_check(&c->tok) == WSP_OK && c->alpha > 0 &&
         c->alpha <= 100 && c->lo >= 0 && c->lo <= c->hi && c->hi <= 1 &&
         c->threshold >= 0 && c->threshold <= 1;
}

static size_t table_size(size_t want)
{
  size_t n = 1024;
  while (n < want * 2)
    n *= 2;
  return n;
}

/* Home slot of key: the hash bits just below the two kind bits, so that
** keys inserted in increasing order (a model file) fill the table in a few
** sequential sweeps instead of at random (loading is bound by cache misses
** otherwise). nslots is a power of two >= 1024. */
static size_t home(const wsp_bayes_model *m, uint64_t key)
{
  return (size_t)((key << 2) >> (64 - m->bits));
}

static void set_nslots(wsp_bayes_model *m, size_t n)
{
  m->nslots = n;
  m->bits = 0;
  while (((size_t)1 << m->bits) < n)
    m->bits++;
}

static entry *find(const wsp_bayes_model *m, uint64_t key)
{
  size_t mask = m->nslots - 1;
  for (size_t i = home(m, key);; i = (i + 1) & mask) {
    if (m->slots[i].key == key)
      return &m->slots[i];
    if (m->slots[i].key == 0)
      return NULL;
  }
}

/* Slot for key, inserting it if absent (ranked last); the table must have
** room. */
static entry *insert(wsp_bayes_model *m, uint64_t key)
{
  size_t mask = m->nslots - 1;
  for (size_t i = home(m, key);; i = (i + 1) & mask) {
    if (m->slots[i].key == key)
      return &m->slots[i];
    if (m->slots[i].key == 0) {
      m->slots[i].key = key;
      m->rank[i] = (uint32_t)m->used++;
      return &m->slots[i];
    }
  }
}

/* Ranks: the tokens of the table numbered 0 .. used - 1, so that a scorer can
** mark the tokens of a post seen in an array indexed by rank
** (gramcache.h). After a load or prune the most frequent tokens come first
** (by post count, capped), so the marks a post sets are close together;
** tokens learnt since are ranked last. */
static void rank_by_count(wsp_bayes_model *m)
{
  size_t *first = wsp_calloc(RANK_CAP + 1, sizeof(*first));

  if (!first) /* keep the insertion ranks: same scores, worse locality */
    return;
  for (size_t i = 0; i < m->nslots; i++)
    if (m->slots[i].key)
      first[RANK_CAP - entry_count(&m->slots[i])]++;
  for (size_t b = 0, acc = 0; b <= RANK_CAP; b++) {
    size_t n = first[b];
    first[b] = acc;
    acc += n;
  }
  for (size_t i = 0; i < m->nslots; i++)
    if (m->slots[i].key)
      m->rank[i] = (uint32_t)first[RANK_CAP - entry_count(&m->slots[i])]++;
  wsp_free(first);
}

/* Give m an empty table of n slots (the old one is the caller's to free);
** WSP_NOMEM leaves m unchanged. */
static wsp_rc new_table(wsp_bayes_model *m, size_t n)
{
  entry *s = wsp_calloc(n, sizeof(*s));
  uint32_t *r = wsp_calloc(n, sizeof(*r));

  if (!s || !r) {
    wsp_free(s);
    wsp_free(r);
    return WSP_NOMEM;
  }
  m->slots = s;
  m->rank = r;
  set_nslots(m, n);
  m->used = 0;
  return WSP_OK;
}

/* Make room for `more` insertions at load factor <= 1/2. */
static wsp_rc reserve(wsp_bayes_model *m, size_t more)
{
  if ((m->used + more) * 2 <= m->nslots)
    return WSP_OK;
  entry *old = m->slots;
  uint32_t *old_rank = m->rank;
  size_t oldn = m->nslots;
  if (new_table(m, table_size(m->used + more)) != WSP_OK)
    return WSP_NOMEM;
  for (size_t i = 0; i < oldn; i++)
    if (old[i].key)
      *insert(m, old[i].key) = old[i];
  wsp_free(old);
  wsp_free(old_rank);
  return WSP_OK;
}

static wsp_rc model_new(const wsp_bayes_config *cfg, size_t want,
                        wsp_bayes_model **out)
{
  wsp_bayes_model *m;
  wsp_rc rc = WSP_INVAL;

  *out = NULL;
  if (!cfg || !config_ok(cfg))
    return rc;
  rc = WSP_NOMEM;
  if (!(m = wsp_calloc(1, sizeof(*m))))
    return rc;
  m->cfg = *cfg;
  m->stamp = new_stamp();
  for (unsigned c = 0; c < LOGC; c++)
    m->logc[c] = log(c + cfg->alpha);
  for (int k = 0; k < NP; k++)
    m->a[k] = 1;
  m->b = 0;
  if (new_table(m, table_size(want)) != WSP_OK)
    goto fail;
  *out = m;
  return WSP_OK;
fail:
  wsp_bayes_free(m);
  return rc;
}

wsp_rc wsp_bayes_new(const wsp_bayes_config *cfg, wsp_bayes_model **out)
{
  return model_new(cfg, 512, out);
}

void wsp_bayes_free(wsp_bayes_model *m)
{
  if (!m)
    return;
  wsp_free(m->slots);
  wsp_free(m->rank);
  wsp_free(m);
}

const wsp_bayes_config *wsp_bayes_config_of(const wsp_bayes_model *m)
{
  return &m->cfg;
}

wsp_rc wsp_bayes_learn_hashes(wsp_bayes_model *m, const uint64_t *h, size_t n,
                              int is_scam)
{
  int c = is_scam ? 1 : 0;
  wsp_rc rc = reserve(m, n);

  if (rc != WSP_OK)
    return rc;
  m->stamp = new_stamp();
  for (size_t i = 0; i < n; i++) {
    entry *e = insert(m, key_of(h[i]));
    if (e->c[c] < UINT32_MAX) {
      e->c[c]++;
      m->tokens[c]++;
    }
  }
  m->posts[c]++;
  return WSP_OK;
}

wsp_rc wsp_bayes_learn(wsp_bayes_model *m, wsp_tokens *t, int is_scam)
{
  int c = is_scam ? 1 : 0;
  wsp_rc rc;

  wsp_tokens_unique(t);
  if ((rc = reserve(m, t->count)) != WSP_OK)
    return rc;
  m->stamp = new_stamp();
  for (size_t i = 0; i < t->count; i++) {
    entry *e = insert(m, key_of(t->items[i].hash));
    if (e->c[c] < UINT32_MAX) {
      e->c[c]++;
      m->tokens[c]++;
    }
  }
  m->posts[c]++;
  return WSP_OK;
}

void wsp_bayes_counts_get(const wsp_bayes_model *m, wsp_bayes_counts *out)
{
  out->posts[0] = m->posts[0];
  out->posts[1] = m->posts[1];
  out->tokens[0] = m->tokens[0];
  out->tokens[1] = m->tokens[1];
  out->vocab = m->used;
}

void wsp_bayes_token_counts(const wsp_bayes_model *m, const char *tok,
                            size_t len, uint32_t out[2])
{
  const entry *e =
      find(m, key_of(wsp_tok_hash(wsp_tok_kind_of_text(tok, len), tok, len)));
  out[0] = e ? e->c[0] : 0;
  out[1] = e ? e->c[1] : 0;
}

/* log(N_c + alpha |V|) for both classes. */
static void log_denoms(const wsp_bayes_model *m, double d[2])
{
  double av = m->cfg.alpha * (double)m->used;
  d[0] = log((double)m->tokens[0] + av);
  d[1] = log((double)m->tokens[1] + av);
}

/* log(c + alpha), from the table for small counts. */
static double log_count(const wsp_bayes_model *m, uint32_t c)
{
  return c < LOGC ? m->logc[c] : log(c + m->cfg.alpha);
}

static double lambda(const wsp_bayes_model *m, const entry *e,
                     const double d[2])
{
  return (log_count(m, e->c[1]) - d[1]) - (log_count(m, e->c[0]) - d[0]);
}

static double prior(const wsp_bayes_model *m)
{
  /* add-one on post counts keeps an empty or one-class model finite */
  return log(((double)m->posts[1] + 1) / ((double)m->posts[0] + 1));
}

void wsp_bayes_parts_hashes(const wsp_bayes_model *m, const uint64_t *h,
                            size_t n, double parts[WSP_BAYES_PARTS])
{
  double d[2];

  for (int k = 0; k < NP; k++)
    parts[k] = 0;
  parts[0] = prior(m);
  log_denoms(m, d);
  for (size_t i = 0; i < n; i++) {
    const entry *e = find(m, key_of(h[i]));
    if (e)
      parts[WSP_TOK_KIND_OF(e->key)] += lambda(m, e, d);
  }
}

void wsp_bayes_result_from_parts(const wsp_bayes_model *m,
                                 const double parts[WSP_BAYES_PARTS],
                                 wsp_bayes_result *res)
{
  double z = m->b, raw = 0;

  for (int k = 0; k < NP; k++) {
    z += m->a[k] * parts[k];
    raw += parts[k];
  }
  res->raw = raw;
  res->logodds = z;
  res->known = 0;
  res->p = z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
  if (res->p >= m->cfg.hi)
    res->call = WSP_BAYES_SCAM;
  else if (res->p <= m->cfg.lo)
    res->call = WSP_BAYES_HAM;
  else
    res->call = WSP_BAYES_UNSURE;
}

void wsp_bayes_score_hashes(const wsp_bayes_model *m, const uint64_t *h,
                            size_t n, wsp_bayes_result *res)
{
  double parts[NP];
  wsp_bayes_parts_hashes(m, h, n, parts);
  wsp_bayes_result_from_parts(m, parts, res);
}

/* The straightforward scorer: de-duplicate t, then look every token up in
** the table. Used when t has no cache (tokens without character n-grams)
** or the cache cannot grow; the cached scorer below must agree with it bit
** for bit (tests/unit/test_bayes_fast.c). */
static void score_plain(const wsp_bayes_model *m, wsp_tokens *t,
                        wsp_bayes_result *res)
{
  double d[2], parts[NP] = {0};
  size_t known = 0;

  wsp_tokens_unique(t);
  parts[0] = prior(m);
  log_denoms(m, d);
  for (size_t i = 0; i < t->count; i++) {
    const entry *e = find(m, key_of(t->items[i].hash));
    if (e) {
      parts[WSP_TOK_KIND_OF(e->key)] += lambda(m, e, d);
      known++;
    }
  }
  wsp_bayes_result_from_parts(m, parts, res);
  res->known = known;
}

/* lambda_w of the token of hash h into *w (0 if unknown); returns its rank
** in m, WSP_GRAM_NONE if m does not know it. */
static uint32_t rank_weight(const wsp_bayes_model *m, uint64_t h,
                            const double d[2], double *w)
{
  const entry *f = find(m, key_of(h));
  *w = f ? lambda(m, f, d) : 0;
  return f ? m->rank[f - m->slots] : WSP_GRAM_NONE;
}

/* g, made the view of the token of hash h under m in generation gen of the
** cache if it is of another generation. */
static const wsp_gram *gram_in(const wsp_bayes_model *m, wsp_gram *g,
                               uint64_t h, uint32_t gen, const double d[2])
{
  if (g->gen != gen) {
    g->rank = rank_weight(m, h, d, &g->weight);
    g->gen = gen;
  }
  return g;
}

/* The view under m of the token of hash h and cache reference r, from cache
** c in generation gen: the cached n-gram at r if it still is a token of that
** hash (the entry may hold another word by now), else the memo. */
static const wsp_gram *token_gram(const wsp_bayes_model *m, wsp_gram_cache *c,
                                  uint64_t h, uint32_t r, uint32_t gen,
                                  const double d[2])
{
  size_t memo = WSP_GRAM_MEMO_BASE + (size_t)(h & (WSP_GRAM_MEMO - 1));
  size_t i = r != WSP_GRAM_NONE ? r : memo;

  if (c->toks[i].hash != h) { /* stale reference or memo miss */
    i = memo;
    if (c->toks[i].hash != h) {
      c->toks[i].hash = h;
      c->grams[i].gen = 0;
    }
  }
  return gram_in(m, &c->grams[i], h, gen, d);
}

/* Nonzero if the token of hash h (rank as from token_gram) is the first
** of its hash in the post: the rank identifies the hash of a known token,
** except for hashes 0 and 1 (both keyed 1 in the table). */
static int first_of_hash(wsp_gram_seen *s, uint64_t h, uint32_t rank)
{
  if (rank != WSP_GRAM_NONE && h > 1)
    return wsp_gram_seen_rank(s, rank);
  return wsp_gram_seen_hash(s, h);
}

/* w if keep (0 or 1), else +0.0, by masking its bits: a conditional would
** become a branch, mispredicted at every repeated token. */
static double keep_if(double w, int keep)
{
  uint64_t b;
  memcpy(&b, &w, sizeof(b));
  b &= (uint64_t)0 - (uint64_t)keep;
  memcpy(&w, &b, sizeof(w));
  return w;
}

/* score_plain in one pass, through t's cache c (seen begun, in m's
** generation). */
static void score_cached(const wsp_bayes_model *m, wsp_tokens *t,
                         wsp_gram_cache *c, wsp_bayes_result *res)
{
  double d[2], s[NP] = {prior(m), 0, 0, 0};
  size_t known = 0, n = 0, count = t->count;
  wsp_token *items = t->items;
  uint32_t *ref = t->ref, gen = c->gen;
  wsp_gram_seen seen = c->seen; /* a local copy the compiler can keep in
                                   registers: nothing below aliases it */

  log_denoms(m, d);
  /* Tokens are copied down unconditionally and kept if first of their hash,
  ** as wsp_tokens_unique does; a repeated or unknown token adds +0.0 to its
  ** family's sum, which leaves the sum bit for bit as adding only the first
  ** known tokens in order (no sum can be -0.0). */
  for (size_t i = 0; i < count; i++) {
    uint64_t h = items[i].hash;
    uint32_t r = ref[i];
    const wsp_gram *g = token_gram(m, c, h, r, gen, d);
    uint32_t rank = g->rank;
    double w = g->weight;
    int first = first_of_hash(&seen, h, rank);
    int k = first & (rank != WSP_GRAM_NONE);
    items[n] = items[i];
    ref[n] = r;
    n += (size_t)first;
    known += (size_t)k;
    w = keep_if(w, k);
    switch (WSP_TOK_KIND_OF(h)) { /* runs of one kind: well predicted */
    case WSP_TOK_WORD:
      s[0] += w;
      break;
    case WSP_TOK_BIGRAM:
      s[1] += w;
      break;
    case WSP_TOK_CGRAM:
      s[2] += w;
      break;
    default:
      s[3] += w;
      break;
    }
  }
  t->count = n;
  c->seen = seen;
  wsp_bayes_result_from_parts(m, s, res);
  res->known = known;
}

void wsp_bayes_score(const wsp_bayes_model *m, wsp_tokens *t,
                     wsp_bayes_result *res)
{
  wsp_gram_cache *c = t->cache;

  if (c && wsp_gram_seen_begin(&c->seen, m->used, t->count)) {
    wsp_gram_cache_model(c, m->stamp);
    score_cached(m, t, c, res);
  } else
    score_plain(m, t, res);
}

/* Insert w into list (size *n, capacity k) ordered by decreasing |weight|. */
static void top_insert(wsp_bayes_token_weight *list, size_t *n, size_t k,
                       const wsp_bayes_token_weight *w)
{
  size_t i = *n;
  if (i == k) {
    if (fabs(list[k - 1].weight) >= fabs(w->weight))
      return;
    i = k - 1;
  } else {
    (*n)++;
  }
  while (i > 0 && fabs(list[i - 1].weight) < fabs(w->weight)) {
    list[i] = list[i - 1];
    i--;
  }
  list[i] = *w;
}

void wsp_bayes_explain_kinds(const wsp_bayes_model *m, const wsp_tokens *t,
                             unsigned kinds, size_t k,
                             wsp_bayes_token_weight *pos, size_t *npos,
                             wsp_bayes_token_weight *neg, size_t *nneg)
{
  double d[2];
  size_t np = 0, nn = 0;

  log_denoms(m, d);
  for (size_t i = 0; k && i < t->count; i++) {
    if (!(kinds & (1u << WSP_TOK_KIND_OF(t->items[i].hash))))
      continue;
    const entry *e = find(m, key_of(t->items[i].hash));
    if (!e)
      continue;
    wsp_bayes_token_weight w;
    w.token = wsp_token_text(t, i, &w.len);
    w.weight = m->a[WSP_TOK_KIND_OF(e->key)] * lambda(m, e, d);
    if (w.weight > 0 && pos)
      top_insert(pos, &np, k, &w);
    else if (w.weight < 0 && neg)
      top_insert(neg, &nn, k, &w);
  }
  if (npos)
    *npos = np;
  if (nneg)
    *nneg = nn;
}

void wsp_bayes_explain(const wsp_bayes_model *m, const wsp_tokens *t, size_t k,
                       wsp_bayes_token_weight *pos, size_t *npos,
                       wsp_bayes_token_weight *neg, size_t *nneg)
{
  wsp_bayes_explain_kinds(m, t, WSP_BAYES_EXPLAIN_READABLE, k, pos, npos, neg,
                          nneg);
}

/* Calibration: logistic regression of Platt's regularised targets t_i on
** x_i = (S_0 .. S_3, 1) with weights w = (a_0 .. a_3, b):
**   F(w) = sum_i [log(1 + exp(z_i)) - t_i z_i] + r/2 sum_k a_k^2,
**   z_i = w . x_i, minimised by Newton's method with backtracking. */
#define NW (NP + 1)
#define RIDGE 1e-3

static double log1pexp(double z)
{
  return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

static double calib_f(const double *x, const double *t, size_t n,
                      const double *w)
{
  double f = 0;
  for (size_t i = 0; i < n; i++) {
    double z = w[NP];
    for (int k = 0; k < NP; k++)
      z += w[k] * x[i * NP + k];
    f += log1pexp(z) - t[i] * z;
  }
  for (int k = 0; k < NP; k++)
    f += RIDGE / 2 * w[k] * w[k];
  return f;
}

/* Solve H d = g (NW x NW) by Gaussian elimination with partial pivoting;
** returns 0 if singular. */
static int solve(double H[NW][NW], double *g, double *d)
{
  for (int c = 0; c < NW; c++) {
    int piv = c;
    for (int r = c + 1; r < NW; r++)
      if (fabs(H[r][c]) > fabs(H[piv][c]))
        piv = r;
    if (fabs(H[piv][c]) < 1e-300)
      return 0;
    if (piv != c) {
      for (int k = 0; k < NW; k++) {
        double tmp = H[c][k];
        H[c][k] = H[piv][k];
        H[piv][k] = tmp;
      }
      double tmp = g[c];
      g[c] = g[piv];
      g[piv] = tmp;
    }
    for (int r = c + 1; r < NW; r++) {
      double f = H[r][c] / H[c][c];
      for (int k = c; k < NW; k++)
        H[r][k] -= f * H[c][k];
      g[r] -= f * g[c];
    }
  }
  for (int r = NW - 1; r >= 0; r--) {
    double v = g[r];
    for (int k = r + 1; k < NW; k++)
      v -= H[r][k] * d[k];
    d[r] = v / H[r][r];
  }
  return 1;
}

wsp_rc wsp_bayes_calibrate(wsp_bayes_model *m, const double *parts,
                           const int *y, size_t n)
{
  double prior1 = 0, prior0 = 0, w[NW] = {0}, *t;

  for (size_t i = 0; i < n; i++) {
    if (y[i])
      prior1++;
    else
      prior0++;
  }
  if (!n || !prior1 || !prior0)
    return WSP_INVAL;
  if (!(t = wsp_malloc(n * sizeof(*t))))
    return WSP_NOMEM;
  double hi = (prior1 + 1) / (prior1 + 2), lo = 1 / (prior0 + 2);
  for (size_t i = 0; i < n; i++)
    t[i] = y[i] ? hi : lo;
  w[NP] = log((prior1 + 1) / (prior0 + 1));
  double f = calib_f(parts, t, n, w);
  for (int it = 0; it < 100; it++) {
    double H[NW][NW] = {{0}}, g[NW] = {0}, d[NW];
    for (size_t i = 0; i < n; i++) {
      double x[NW], z = w[NP];
      for (int k = 0; k < NP; k++) {
        x[k] = parts[i * NP + k];
        z += w[k] * x[k];
      }
      x[NP] = 1;
      double p = z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
      double q = p * (1 - p);
      for (int r = 0; r < NW; r++) {
        g[r] += (p - t[i]) * x[r];
        for (int c = 0; c < NW; c++)
          H[r][c] += q * x[r] * x[c];
      }
    }
    double gmax = 0;
    for (int k = 0; k < NW; k++) {
      if (k < NP) {
        g[k] += RIDGE * w[k];
        H[k][k] += RIDGE;
      } else {
        H[k][k] += 1e-12;
      }
      if (fabs(g[k]) > gmax)
        gmax = fabs(g[k]);
    }
    if (gmax < 1e-7)
      break;
    double gs[NW];
    memcpy(gs, g, sizeof(g));
    if (!solve(H, gs, d))
      break;
    double gd = 0, step = 1, nw[NW], nf = f;
    for (int k = 0; k < NW; k++)
      gd -= g[k] * d[k]; /* direction is -d */
    for (; step >= 1e-10; step /= 2) {
      for (int k = 0; k < NW; k++)
        nw[k] = w[k] - step * d[k];
      nf = calib_f(parts, t, n, nw);
      if (nf <= f + 1e-4 * step * gd)
        break;
    }
    if (step < 1e-10)
      break;
    memcpy(w, nw, sizeof(w));
    f = nf;
  }
  wsp_free(t);
  for (int k = 0; k < NW; k++)
    if (!isfinite(w[k]))
      return WSP_INTERNAL;
  for (int k = 0; k < NP; k++)
    m->a[k] = w[k];
  m->b = w[NP];
  return WSP_OK;
}

void wsp_bayes_set_calibration(wsp_bayes_model *m, double a, double b)
{
  for (int k = 0; k < NP; k++)
    m->a[k] = a;
  m->b = b;
}

void wsp_bayes_get_calibration(const wsp_bayes_model *m,
                               double a[WSP_BAYES_PARTS], double *b)
{
  for (int k = 0; k < NP; k++)
    a[k] = m->a[k];
  *b = m->b;
}

wsp_rc wsp_bayes_prune(wsp_bayes_model *m, uint32_t min_count)
{
  size_t keep = 0, j = 0;
  entry *tmp, *old = m->slots;
  uint32_t *old_rank = m->rank;

  for (size_t i = 0; i < m->nslots; i++)
    if (m->slots[i].key &&
        (uint64_t)m->slots[i].c[0] + m->slots[i].c[1] >= min_count)
      keep++;
  if (!(tmp = wsp_malloc((keep ? keep : 1) * sizeof(*tmp))))
    return WSP_NOMEM;
  for (size_t i = 0; i < m->nslots; i++)
    if (m->slots[i].key &&
        (uint64_t)m->slots[i].c[0] + m->slots[i].c[1] >= min_count)
      tmp[j++] = m->slots[i];
  size_t n = table_size(keep);
  if (n < m->nslots && new_table(m, n) == WSP_OK) {
    wsp_free(old);
    wsp_free(old_rank);
  } else { /* keep the old table, emptied */
    memset(m->slots, 0, m->nslots * sizeof(*m->slots));
    m->used = 0;
  }
  m->tokens[0] = m->tokens[1] = 0;
  m->stamp = new_stamp();
  for (size_t i = 0; i < keep; i++) {
    *insert(m, tmp[i].key) = tmp[i];
    m->tokens[0] += tmp[i].c[0];
    m->tokens[1] += tmp[i].c[1];
  }
  wsp_free(tmp);
  rank_by_count(m);
  return WSP_OK;
}

/* ---- file format ---- */

static void put_u16(unsigned char *p, uint16_t v)
{
  p[0] = (unsigned char)v;
  p[1] = (unsigned char)(v >> 8);
}
static void put_u32(unsigned char *p, uint32_t v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (unsigned char)(v >> (8 * i));
}
static void put_u64(unsigned char *p, uint64_t v)
{
  for (int i = 0; i < 8; i++)
    p[i] = (unsigned char)(v >> (8 * i));
}
static void put_f64(unsigned char *p, double d)
{
  uint64_t v;
  memcpy(&v, &d, sizeof(v));
  put_u64(p, v);
}
static uint16_t get_u16(const unsigned char *p)
{
  return (uint16_t)(p[0] | (p[1] << 8));
}
static uint32_t get_u32(const unsigned char *p)
{
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
         ((uint32_t)p[3] << 24);
}
static uint64_t get_u64(const unsigned char *p)
{
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}
static double get_f64(const unsigned char *p)
{
  uint64_t v = get_u64(p);
  double d;
  memcpy(&d, &v, sizeof(d));
  return d;
}

static int cmp_entry(const void *a, const void *b)
{
  const entry *x = a, *y = b;
  return x->key < y->key ? -1 : x->key > y->key;
}

wsp_rc wsp_bayes_save(const wsp_bayes_model *m, const char *path, wsp_err *err)
{
  unsigned char hdr[HEADER_SIZE];
  unsigned char *body = NULL;
  entry *list = NULL;
  char *tmp = NULL;
  FILE *f = NULL;
  size_t n = 0, plen = strlen(path);
  wsp_rc rc = WSP_NOMEM;

  if (!(list = wsp_malloc((m->used ? m->used : 1) * sizeof(*list))))
    goto fail;
  for (size_t i = 0; i < m->nslots; i++)
    if (m->slots[i].key)
      list[n++] = m->slots[i];
  qsort(list, n, sizeof(*list), cmp_entry);
  if (!(body = wsp_malloc(n ? n * ENTRY_SIZE : 1)))
    goto fail;
  for (size_t i = 0; i < n; i++) {
    put_u64(body + i * ENTRY_SIZE, list[i].key);
    put_u32(body + i * ENTRY_SIZE + 8, list[i].c[0]);
    put_u32(body + i * ENTRY_SIZE + 12, list[i].c[1]);
  }
  memset(hdr, 0, sizeof(hdr));
  memcpy(hdr, magic, 8);
  put_u32(hdr + 8, WSP_BAYES_VERSION);
  put_u32(hdr + 12, HEADER_SIZE);
  hdr[16] = m->cfg.tok.words;
  hdr[17] = m->cfg.tok.bigrams;
  hdr[18] = m->cfg.tok.entities;
  hdr[19] = m->cfg.tok.cgram_min;
  hdr[20] = m->cfg.tok.cgram_max;
  hdr[21] = m->cfg.tok.max_token;
  put_u16(hdr + 22, m->cfg.tok.max_words);
  put_f64(hdr + 24, m->cfg.alpha);
  for (int k = 0; k < NP; k++)
    put_f64(hdr + 32 + 8 * k, m->a[k]);
  put_f64(hdr + 64, m->b);
  put_f64(hdr + 72, m->cfg.lo);
  put_f64(hdr + 80, m->cfg.hi);
  put_f64(hdr + 88, m->cfg.threshold);
  put_u32(hdr + 96, m->cfg.min_count);
  put_u64(hdr + 104, m->posts[0]);
  put_u64(hdr + 112, m->posts[1]);
  put_u64(hdr + 120, m->tokens[0]);
  put_u64(hdr + 128, m->tokens[1]);
  put_u64(hdr + 136, n);
  put_u64(hdr + 144, wsp_hash64(body, n * ENTRY_SIZE, 0));
  put_u64(hdr + 152, wsp_hash64(hdr, 152, 0));

  if (!(tmp = wsp_malloc(plen + 5)))
    goto fail;
  memcpy(tmp, path, plen);
  memcpy(tmp + plen, ".tmp", 5);
  rc = WSP_IO;
  if (!(f = fopen(tmp, "wb"))) {
    wsp_err_set(err, rc, "%s: %s", tmp, strerror(errno));
    goto fail;
  }
  if (fwrite(hdr, 1, sizeof(hdr), f) != sizeof(hdr) ||
      (n && fwrite(body, ENTRY_SIZE, n, f) != n)) {
    wsp_err_set(err, rc, "%s: write failed: %s", tmp, strerror(errno));
    goto fail;
  }
  if (fclose(f) != 0) {
    f = NULL;
    wsp_err_set(err, rc, "%s: write failed: %s", tmp, strerror(errno));
    goto fail;
  }
  f = NULL;
  if (rename(tmp, path) != 0) {
    wsp_err_set(err, rc, "%s: %s", path, strerror(errno));
    goto fail;
  }
  rc = WSP_OK;
fail:
  if (f)
    fclose(f);
  if (rc != WSP_OK && tmp)
    remove(tmp);
  wsp_free(tmp);
  wsp_free(body);
  wsp_free(list);
  return rc;
}

wsp_rc wsp_bayes_load_mem(const void *data, size_t len, wsp_bayes_model **out,
                          wsp_err *err)
{
  const unsigned char *p = data;
  wsp_bayes_model *m = NULL;
  wsp_bayes_config cfg;
  wsp_rc rc = WSP_MODEL;
  uint64_t n, sum[2] = {0, 0}, prev = 0;

  *out = NULL;
  if (len > WSP_BAYES_MAX_FILE)
    return wsp_err_set(err, WSP_TOOBIG, "model of %zu bytes exceeds %u", len,
                       WSP_BAYES_MAX_FILE);
  if (len < HEADER_SIZE)
    return wsp_err_set(err, rc, "truncated model: %zu bytes, header needs %u",
                       len, HEADER_SIZE);
  if (memcmp(p, magic, 8) != 0)
    return wsp_err_set(err, rc, "not a waspada model (bad magic)");
  if (get_u32(p + 8) != WSP_BAYES_VERSION)
    return wsp_err_set(err, rc, "model version %u not supported (want %u)",
                       (unsigned)get_u32(p + 8), WSP_BAYES_VERSION);
  if (get_u32(p + 12) != HEADER_SIZE)
    return wsp_err_set(err, rc, "bad header size %u",
                       (unsigned)get_u32(p + 12));
  if (get_u64(p + 152) != wsp_hash64(p, 152, 0))
    return wsp_err_set(err, rc, "corrupt model header (checksum mismatch)");
  n = get_u64(p + 136);
  if (n > (len - HEADER_SIZE) / ENTRY_SIZE ||
      HEADER_SIZE + n * ENTRY_SIZE != len)
    return wsp_err_set(err, rc,
                       "model size %zu bytes does not match its %llu entries "
                       "(truncated or trailing data)",
                       len, (unsigned long long)n);
  if (get_u64(p + 144) != wsp_hash64(p + HEADER_SIZE, n * ENTRY_SIZE, 0))
    return wsp_err_set(err, rc, "corrupt model body (checksum mismatch)");
  memset(&cfg, 0, sizeof(cfg));
  cfg.tok.words = p[16];
  cfg.tok.bigrams = p[17];
  cfg.tok.entities = p[18];
  cfg.tok.cgram_min = p[19];
  cfg.tok.cgram_max = p[20];
  cfg.tok.max_token = p[21];
  cfg.tok.max_words = get_u16(p + 22);
  cfg.alpha = get_f64(p + 24);
  cfg.lo = get_f64(p + 72);
  cfg.hi = get_f64(p + 80);
  cfg.threshold = get_f64(p + 88);
  cfg.min_count = get_u32(p + 96);
  double a[NP], b = get_f64(p + 64);
  int finite = isfinite(b);
  for (int k = 0; k < NP; k++) {
    a[k] = get_f64(p + 32 + 8 * k);
    finite = finite && isfinite(a[k]);
  }
  if (!config_ok(&cfg) || !finite)
    return wsp_err_set(err, rc, "model settings out of range");
  if ((rc = model_new(&cfg, (size_t)n, &m)) != WSP_OK)
    return rc;
  rc = WSP_MODEL;
  memcpy(m->a, a, sizeof(a));
  m->b = b;
  m->posts[0] = get_u64(p + 104);
  m->posts[1] = get_u64(p + 112);
  m->tokens[0] = get_u64(p + 120);
  m->tokens[1] = get_u64(p + 128);
  for (uint64_t i = 0; i < n; i++) {
    const unsigned char *q = p + HEADER_SIZE + i * ENTRY_SIZE;
    uint64_t key = get_u64(q);
    if (key == 0 || (i && key <= prev)) {
      wsp_err_set(err, rc, "corrupt model: entry %llu out of order",
                  (unsigned long long)i);
      goto fail;
    }
    prev = key;
    entry *e = insert(m, key);
    e->c[0] = get_u32(q + 8);
    e->c[1] = get_u32(q + 12);
    sum[0] += e->c[0];
    sum[1] += e->c[1];
  }
  if (sum[0] != m->tokens[0] || sum[1] != m->tokens[1]) {
    wsp_err_set(err, rc, "corrupt model: token counts do not add up");
    goto fail;
  }
  rank_by_count(m);
  *out = m;
  return WSP_OK;
fail:
  wsp_bayes_free(m);
  return rc;
}

wsp_rc wsp_bayes_load(const char *path, wsp_bayes_model **out, wsp_err *err)
{
  FILE *f = NULL;
  unsigned char *data = NULL;
  long size;
  wsp_rc rc = WSP_IO;

  *out = NULL;
  if (!(f = fopen(path, "rb")))
    return wsp_err_set(err, rc, "%s: %s", path, strerror(errno));
  if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
      fseek(f, 0, SEEK_SET) != 0) {
    wsp_err_set(err, rc, "%s: cannot determine size", path);
    goto fail;
  }
  if ((unsigned long)size > WSP_BAYES_MAX_FILE) {
    rc = wsp_err_set(err, WSP_TOOBIG, "%s: model file too large (%ld bytes)",
                     path, size);
    goto fail;
  }
  rc = WSP_NOMEM;
  if (!(data = wsp_malloc(size ? (size_t)size : 1)))
    goto fail;
  rc = WSP_IO;
  if (size && fread(data, 1, (size_t)size, f) != (size_t)size) {
    wsp_err_set(err, rc, "%s: read failed", path);
    goto fail;
  }
  rc = wsp_bayes_load_mem(data, (size_t)size, out, err);
  if (rc == WSP_MODEL && err) {
    char msg[WSP_ERR_MAX];
    snprintf(msg, sizeof(msg), "%s", err->msg);
    wsp_err_set(err, rc, "%s: %s", path, msg);
  }
fail:
  if (f)
    fclose(f);
  wsp_free(data);
  return rc;
}

const char *wsp_bayes_call_name(wsp_bayes_call c)
{
  switch (c) {
  case WSP_BAYES_SCAM:
    return "scam";
  case WSP_BAYES_HAM:
    return "not_scam";
  default:
    return "unsure";
  }
}
