/* bayes/evaluate.h: fitting a model on featurised data (with pruning and
** Platt calibration on out-of-fold scores), stratified K-fold
** cross-validation with a fixed seed, and the figures of a binary classifier
** (precision, recall, F1 of the scam class, accuracy, ROC-AUC, confusion
** matrix).
**
** Fitting: learn every selected post, prune tokens below cfg->min_count, and,
** when calibrate is nonzero, fit Platt's a, b on the out-of-fold raw scores
** of an inner stratified WSP_BAYES_CALIB_FOLDS-fold split of the same posts
** (so calibration never sees a post's own counts). With fewer than
** WSP_BAYES_CALIB_FOLDS posts of either class calibration is skipped (a
** warning is logged; a = 1, b = 0).
**
** Threading: all functions are reentrant; the data set is read-only. */
#ifndef WSP_BAYES_EVALUATE_H
#define WSP_BAYES_EVALUATE_H

#include "bayes/dataset.h"
#include "bayes/model.h"

#include <stddef.h>
#include <stdint.h>

#define WSP_BAYES_CALIB_FOLDS 5u
#define WSP_BAYES_SEED 20261123u

typedef struct wsp_bayes_metrics {
  size_t n, tp, fp, tn, fn;
  double precision, recall, f1, accuracy, auc;
  double threshold; /* probability cut: scam when p >= threshold */
} wsp_bayes_metrics;

/* Assign each of the n posts to one of k folds so that each fold holds the
** same share of each label (+-1), deterministically from seed. WSP_INVAL if
** k < 2, WSP_NOMEM. */
wsp_rc wsp_bayes_folds(const int8_t *label, size_t n, unsigned k, uint64_t seed,
                       unsigned *fold_of);

/* Fit a model with settings cfg on the posts of d whose index is listed in
** idx[0..n) (idx NULL: all posts). See above. */
wsp_rc wsp_bayes_fit(const wsp_bayes_data *d, const size_t *idx, size_t n,
                     const wsp_bayes_config *cfg, int calibrate,
                     wsp_bayes_model **out);

/* K-fold cross-validation: for every post its log-odds (calibrated when
** calibrate is nonzero) from a model fitted on the other folds (z[i];
** p = sigmoid(z)). k >= 2, every fold must keep both classes in its
** training part (else WSP_INVAL). */
wsp_rc wsp_bayes_cross_validate(const wsp_bayes_data *d,
                                const wsp_bayes_config *cfg, int calibrate,
                                unsigned k, uint64_t seed, double *z);

/* Figures of log-odds z[i] against labels y[i]; scam when
** sigmoid(z) >= threshold. AUC by the Mann-Whitney statistic (ties 1/2). */
void wsp_bayes_metrics_compute(const double *z, const int8_t *y, size_t n,
                               double threshold, wsp_bayes_metrics *out);

#endif
