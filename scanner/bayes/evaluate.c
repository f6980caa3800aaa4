/* bayes/evaluate.c: fitting with calibration, stratified folds,
** cross-validation and classifier figures (see evaluate.h). */
#include "bayes/evaluate.h"

#include "core/alloc.h"
#include "core/log.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t splitmix64(uint64_t *s)
{
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

wsp_rc wsp_bayes_folds(const int8_t *label, size_t n, unsigned k, uint64_t seed,
                       unsigned *fold_of)
{
  /* A seeded Fisher-Yates permutation, then the posts of each class are
  ** dealt round-robin to the folds in permutation order. */
  uint64_t st = seed;
  size_t next[2] = {0, 0};
  size_t *perm;

  if (k < 2)
    return WSP_INVAL;
  if (!n)
    return WSP_OK;
  if (!(perm = wsp_malloc(n * sizeof(*perm))))
    return WSP_NOMEM;
  for (size_t i = 0; i < n; i++)
    perm[i] = i;
  for (size_t i = n - 1; i > 0; i--) {
    size_t j = (size_t)(splitmix64(&st) % (i + 1)), t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  for (size_t i = 0; i < n; i++) {
    int c = label[perm[i]] ? 1 : 0;
    fold_of[perm[i]] = (unsigned)(next[c]++ % k);
  }
  wsp_free(perm);
  return WSP_OK;
}

static wsp_rc learn_all(wsp_bayes_model *m, const wsp_bayes_data *d,
                        const size_t *idx, size_t n)
{
  wsp_rc rc;
  for (size_t i = 0; i < n; i++) {
    size_t p = idx ? idx[i] : i;
    if ((rc = wsp_bayes_learn_hashes(m, d->hashes + d->start[p],
                                     d->start[p + 1] - d->start[p],
                                     d->label[p])) != WSP_OK)
      return rc;
  }
  return WSP_OK;
}

static void parts_of(const wsp_bayes_model *m, const wsp_bayes_data *d,
                     size_t p, double *parts)
{
  wsp_bayes_parts_hashes(m, d->hashes + d->start[p],
                         d->start[p + 1] - d->start[p], parts);
}

/* Fit without calibration. */
static wsp_rc fit_plain(const wsp_bayes_data *d, const size_t *idx, size_t n,
                        const wsp_bayes_config *cfg, wsp_bayes_model **out)
{
  wsp_bayes_model *m = NULL;
  wsp_rc rc = wsp_bayes_new(cfg, &m);

  *out = NULL;
  if (rc != WSP_OK)
    return rc;
  if ((rc = learn_all(m, d, idx, n)) != WSP_OK ||
      (cfg->min_count > 1 &&
       (rc = wsp_bayes_prune(m, cfg->min_count)) != WSP_OK)) {
    wsp_bayes_free(m);
    return rc;
  }
  *out = m;
  return WSP_OK;
}

/* Out-of-fold per-family scores (n x WSP_BAYES_PARTS) of the posts
** idx[0..n) under a k-fold split. */
static wsp_rc oof_raw(const wsp_bayes_data *d, const size_t *idx, size_t n,
                      const wsp_bayes_config *cfg, unsigned k, uint64_t seed,
                      double *raw)
{
  int8_t *lab = wsp_malloc(n ? n : 1);
  unsigned *fold = wsp_malloc((n ? n : 1) * sizeof(*fold));
  size_t *train = wsp_malloc((n ? n : 1) * sizeof(*train));
  wsp_rc rc = WSP_NOMEM;

  if (!lab || !fold || !train)
    goto done;
  for (size_t i = 0; i < n; i++)
    lab[i] = d->label[idx ? idx[i] : i];
  if ((rc = wsp_bayes_folds(lab, n, k, seed, fold)) != WSP_OK)
    goto done;
  for (unsigned f = 0; f < k; f++) {
    size_t nt = 0, pos = 0;
    wsp_bayes_model *m = NULL;
    for (size_t i = 0; i < n; i++)
      if (fold[i] != f) {
        train[nt++] = idx ? idx[i] : i;
        pos += lab[i] ? 1 : 0;
      }
    if (pos == 0 || pos == nt) {
      rc = WSP_INVAL;
      goto done;
    }
    if ((rc = fit_plain(d, train, nt, cfg, &m)) != WSP_OK)
      goto done;
    for (size_t i = 0; i < n; i++)
      if (fold[i] == f)
        parts_of(m, d, idx ? idx[i] : i, raw + i * WSP_BAYES_PARTS);
    wsp_bayes_free(m);
  }
  rc = WSP_OK;
done:
  wsp_free(lab);
  wsp_free(fold);
  wsp_free(train);
  return rc;
}

wsp_rc wsp_bayes_fit(const wsp_bayes_data *d, const size_t *idx, size_t n,
                     const wsp_bayes_config *cfg, int calibrate,
                     wsp_bayes_model **out)
{
  wsp_bayes_model *m = NULL;
  double *raw = NULL;
  int *y = NULL;
  wsp_rc rc;

  *out = NULL;
  if ((rc = fit_plain(d, idx, n, cfg, &m)) != WSP_OK)
    return rc;
  size_t nscam = 0;
  for (size_t i = 0; i < n; i++)
    nscam += d->label[idx ? idx[i] : i] ? 1 : 0;
  if (calibrate &&
      (nscam < WSP_BAYES_CALIB_FOLDS || n - nscam < WSP_BAYES_CALIB_FOLDS)) {
    WSP_LOG(WSP_LOG_WARN, "bayes",
            "too few posts to calibrate (%zu scam, %zu not scam; need %u "
            "of each): probabilities are uncalibrated",
            nscam, n - nscam, WSP_BAYES_CALIB_FOLDS);
    calibrate = 0;
  }
  if (calibrate) {
    rc = WSP_NOMEM;
    raw = wsp_malloc((n ? n : 1) * WSP_BAYES_PARTS * sizeof(*raw));
    y = wsp_malloc((n ? n : 1) * sizeof(*y));
    if (!raw || !y)
      goto fail;
    if ((rc = oof_raw(d, idx, n, cfg, WSP_BAYES_CALIB_FOLDS, WSP_BAYES_SEED + 1,
                      raw)) != WSP_OK)
      goto fail;
    for (size_t i = 0; i < n; i++)
      y[i] = d->label[idx ? idx[i] : i];
    if ((rc = wsp_bayes_calibrate(m, raw, y, n)) != WSP_OK)
      goto fail;
  }
  wsp_free(raw);
  wsp_free(y);
  *out = m;
  return WSP_OK;
fail:
  wsp_free(raw);
  wsp_free(y);
  wsp_bayes_free(m);
  return rc;
}

wsp_rc wsp_bayes_cross_validate(const wsp_bayes_data *d,
                                const wsp_bayes_config *cfg, int calibrate,
                                unsigned k, uint64_t seed, double *z)
{
  size_t n = d->count;
  unsigned *fold = wsp_malloc((n ? n : 1) * sizeof(*fold));
  size_t *train = wsp_malloc((n ? n : 1) * sizeof(*train));
  wsp_rc rc = WSP_NOMEM;

  if (!fold || !train)
    goto done;
  rc = WSP_INVAL;
  if (k < 2 || n < k)
    goto done;
  if ((rc = wsp_bayes_folds(d->label, n, k, seed, fold)) != WSP_OK)
    goto done;
  for (unsigned f = 0; f < k; f++) {
    size_t nt = 0;
    wsp_bayes_model *m = NULL;
    for (size_t i = 0; i < n; i++)
      if (fold[i] != f)
        train[nt++] = i;
    if ((rc = wsp_bayes_fit(d, train, nt, cfg, calibrate, &m)) != WSP_OK)
      goto done;
    for (size_t i = 0; i < n; i++)
      if (fold[i] == f) {
        double parts[WSP_BAYES_PARTS];
        wsp_bayes_result r;
        parts_of(m, d, i, parts);
        wsp_bayes_result_from_parts(m, parts, &r);
        z[i] = r.logodds;
      }
    wsp_bayes_free(m);
  }
  rc = WSP_OK;
done:
  wsp_free(fold);
  wsp_free(train);
  return rc;
}

typedef struct scored {
  double z;
  int8_t y;
} scored;

static int cmp_scored(const void *a, const void *b)
{
  const scored *x = a, *y = b;
  return x->z < y->z ? -1 : x->z > y->z;
}

void wsp_bayes_metrics_compute(const double *z, const int8_t *y, size_t n,
                               double threshold, wsp_bayes_metrics *out)
{
  double zcut;
  memset(out, 0, sizeof(*out));
  out->n = n;
  out->threshold = threshold;
  if (threshold <= 0)
    zcut = -INFINITY;
  else if (threshold >= 1)
    zcut = INFINITY;
  else
    zcut = log(threshold / (1 - threshold));
  for (size_t i = 0; i < n; i++) {
    int pred = z[i] >= zcut;
    if (pred && y[i])
      out->tp++;
    else if (pred)
      out->fp++;
    else if (y[i])
      out->fn++;
    else
      out->tn++;
  }
  out->precision =
      out->tp + out->fp ? (double)out->tp / (double)(out->tp + out->fp) : 0;
  out->recall =
      out->tp + out->fn ? (double)out->tp / (double)(out->tp + out->fn) : 0;
  out->f1 =
      out->precision + out->recall > 0
          ? 2 * out->precision * out->recall / (out->precision + out->recall)
          : 0;
  out->accuracy = n ? (double)(out->tp + out->tn) / (double)n : 0;
  /* AUC = P(z_scam > z_ham) + P(tie)/2 via ranks */
  scored *s = wsp_malloc((n ? n : 1) * sizeof(*s));
  size_t npos = out->tp + out->fn, nneg = out->fp + out->tn;
  if (!s || !npos || !nneg) {
    wsp_free(s);
    out->auc = NAN;
    return;
  }
  for (size_t i = 0; i < n; i++) {
    s[i].z = z[i];
    s[i].y = y[i];
  }
  qsort(s, n, sizeof(*s), cmp_scored);
  double ranksum = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && s[j].z == s[i].z)
      j++;
    double rank = (double)(i + 1 + j) / 2; /* average of ranks i+1..j */
    for (size_t t = i; t < j; t++)
      if (s[t].y)
        ranksum += rank;
    i = j;
  }
  out->auc = (ranksum - (double)npos * ((double)npos + 1) / 2) /
             ((double)npos * (double)nneg);
  wsp_free(s);
}
