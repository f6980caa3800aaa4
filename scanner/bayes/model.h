/* bayes/model.h: the naive Bayes model of waspada: learn, save/load, score,
** explain.
**
** MODEL. Multinomial naive Bayes over binarised features (each distinct
** token of a post counts once; Metsis, Androutsopoulos & Paliouras 2006 found
** this a strong NB variant for spam), two classes c in {scam, ham}:
**
**   n_c       posts of class c seen in training
**   N_wc      posts of class c that contained token w
**   N_c       sum over the vocabulary V of N_wc
**   theta_wc  = (N_wc + alpha) / (N_c + alpha |V|)       (Lidstone smoothing)
**
** For a post with distinct tokens T, only tokens in V count (a token never
** seen in training carries no evidence, as with scikit-learn's vectorisers):
**
**   S = log((n_scam + 1) / (n_ham + 1)) + sum_{w in T and V} lambda_w,
**   lambda_w = log theta_w,scam - log theta_w,ham          (token weight)
**
** S is the log posterior odds under the independence assumption. Because
** overlapping tokens are far from independent (a word, its bigrams and its
** character n-grams all say the same thing), S is over-confident, and the
** token families are over-counted by different factors. So S is split by
** token family k (word, bigram, chargram, entity; the prior goes with the
** words), S = sum_k S_k, and the reported log-odds and probability are
**
**   z = b + sum_k a_k S_k,         p = 1 / (1 + exp(-z))
**
** i.e. Platt (1999) scaling generalised to one slope per family, a logistic
** regression on four naive Bayes scores. a, b are fitted by
** wsp_bayes_calibrate on out-of-fold scores of the training data (Newton's
** method, Platt's regularised targets, a small ridge on a); until then
** a_k = 1, b = 0 and z = S. The three-way call is scam when p >= hi, not
** scam when p <= lo, unsure in between; `threshold` (default 0.5) is the
** single cut used for precision/recall figures. Explanations list the
** tokens of the post with the largest |a_k lambda_w|, i.e. their share of z.
**
** wsp_bayes_prune drops tokens seen in fewer than `min_count` posts (N_c and
** |V| are recomputed, so the model stays consistent); `waspada train` prunes
** before saving, incremental learning does not.
**
** FILE FORMAT (version 1, all integers little-endian, doubles IEEE 754
** binary64 stored as their little-endian bit pattern):
**   0   8  magic "WSPBAYES"
**   8   4  version (1)         12  4  header size in bytes (160)
**   16  8  tokeniser settings: words, bigrams, entities, cgram_min,
**          cgram_max, max_token (u8 each), max_words (u16)
**   24  8  alpha   32 32 a_word, a_bigram, a_chargram, a_entity   64 8 b
**   72  8  lo      80 8  hi      88 8 threshold
**   96  8  min_count (u32) + reserved (u32, 0)
**   104 16 n_ham, n_scam (u64)      120 16 N_ham, N_scam (u64)
**   136 8  number of entries E (u64)
**   144 8  wsp_hash64(entries, 16 E, 0) - checksum of the entry block
**   152 8  wsp_hash64(header bytes 0..151, 0) - checksum of the header
**   160    E entries of 16 bytes: token hash (u64, 0 stored as 1),
**          N_w,ham (u32), N_w,scam (u32), strictly increasing by hash
** A file that is truncated, has trailing bytes, a bad magic/version, a
** checksum mismatch, unsorted entries or counts that do not add up to the
** header totals is rejected with WSP_MODEL and a reason in err. Loading
** reads the file once, builds an open-addressing table and numbers the
** tokens by post count (their ranks, used by the scorer), all in O(E).
**
** SPEED. wsp_bayes_score keeps per-thread state in the wsp_tokens it is given
** (bayes/gramcache.h): the character n-grams of words seen before with their
** weights, memoised weights of other tokens, and per-post marks by rank to
** keep the first token of each hash; so reuse one wsp_tokens per thread. The
** scores are bit for bit those of looking every distinct token up in the
** table (tests/unit/test_bayes_fast.c).
**
** THREADING. A loaded or trained model may be shared read-only by any number
** of threads scoring at once (score/explain take a const model).
** wsp_bayes_learn*, _prune and _calibrate modify it: no concurrent use. */
#ifndef WSP_BAYES_MODEL_H
#define WSP_BAYES_MODEL_H

#include "bayes/tokenize.h"
#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

#define WSP_BAYES_VERSION 1u
/* Score parts: one per token family (wsp_tok_kind). */
#define WSP_BAYES_PARTS WSP_TOK_KINDS
/* Largest model file accepted by wsp_bayes_load (bytes): 4M tokens, which
** take a 128 MB table in memory. */
#define WSP_BAYES_MAX_FILE (64u << 20)

typedef struct wsp_bayes_model wsp_bayes_model;

typedef struct wsp_bayes_config {
  wsp_tok_opts tok;
  double alpha;       /* Lidstone smoothing, (0, 100] (default 0.1) */
  double lo, hi;      /* three-way call bounds (default 0.3, 0.7) */
  double threshold;   /* binary cut for evaluation (default 0.5) */
  uint32_t min_count; /* wsp_bayes_prune threshold used by train (def. 1:
                         keep all; cross-validation preferred it) */
} wsp_bayes_config;

typedef enum {
  WSP_BAYES_HAM = 0,    /* not scam */
  WSP_BAYES_SCAM = 1,   /* scam */
  WSP_BAYES_UNSURE = 2, /* between lo and hi */
} wsp_bayes_call;

typedef struct wsp_bayes_counts {
  uint64_t posts[2];  /* n_ham, n_scam */
  uint64_t tokens[2]; /* N_ham, N_scam */
  uint64_t vocab;     /* |V| */
} wsp_bayes_counts;

typedef struct wsp_bayes_result {
  double p;       /* calibrated probability of scam, [0, 1] */
  double logodds; /* z = b + sum_k a_k S_k */
  double raw;     /* S = sum_k S_k (uncalibrated log odds) */
  wsp_bayes_call call;
  size_t known; /* distinct tokens of the post found in the model */
} wsp_bayes_result;

typedef struct wsp_bayes_token_weight {
  const char *token; /* printable form (not NUL-terminated), into the tokens */
  size_t len;
  double weight; /* a_k * lambda_w: > 0 for scam, < 0 against */
} wsp_bayes_token_weight;

/* Defaults of the shipped model (see above; tokeniser wsp_tok_opts_default).*/
void wsp_bayes_config_default(wsp_bayes_config *cfg);

/* Empty trainable model with settings cfg (copied). WSP_INVAL on bad
** settings, WSP_NOMEM. Free with wsp_bayes_free. */
wsp_rc wsp_bayes_new(const wsp_bayes_config *cfg, wsp_bayes_model **out);
void wsp_bayes_free(wsp_bayes_model *m); /* NULL is a no-op */

/* Settings of m (tokeniser settings included); valid while m lives. */
const wsp_bayes_config *wsp_bayes_config_of(const wsp_bayes_model *m);

/* Learn one post given as tokens (from wsp_tokenize with the model's
** settings; duplicates are removed here, t is reordered). is_scam: 0 or 1.
** Incremental: may follow wsp_bayes_load, then wsp_bayes_save again. Does
** not change a, b. WSP_NOMEM leaves m unchanged. Not thread-safe. */
wsp_rc wsp_bayes_learn(wsp_bayes_model *m, wsp_tokens *t, int is_scam);

/* Same, from already unique token hashes (any order). */
wsp_rc wsp_bayes_learn_hashes(wsp_bayes_model *m, const uint64_t *h, size_t n,
                              int is_scam);

/* Totals of m. */
void wsp_bayes_counts_get(const wsp_bayes_model *m, wsp_bayes_counts *out);

/* Per-class post counts (out[0] ham, out[1] scam) of the token whose
** printable form is tok[0..len) (e.g. "gaji", "c:_ker", "<wa>"); 0 if
** unknown. */
void wsp_bayes_token_counts(const wsp_bayes_model *m, const char *tok,
                            size_t len, uint32_t out[2]);

/* Score one post given as tokens (t is reordered and de-duplicated; its
** per-thread caches are updated). Thread-safe on a shared model. */
void wsp_bayes_score(const wsp_bayes_model *m, wsp_tokens *t,
                     wsp_bayes_result *res);

/* Score unique token hashes (any order); thread-safe. */
void wsp_bayes_score_hashes(const wsp_bayes_model *m, const uint64_t *h,
                            size_t n, wsp_bayes_result *res);

/* The per-family scores S_k of unique token hashes (parts[0] includes the
** prior); thread-safe. */
void wsp_bayes_parts_hashes(const wsp_bayes_model *m, const uint64_t *h,
                            size_t n, double parts[WSP_BAYES_PARTS]);

/* The result (p, logodds, raw, call; known 0) of per-family scores. */
void wsp_bayes_result_from_parts(const wsp_bayes_model *m,
                                 const double parts[WSP_BAYES_PARTS],
                                 wsp_bayes_result *res);

/* Token families an explanation may list (bits of 1u << wsp_tok_kind). */
#define WSP_BAYES_EXPLAIN_ALL 0xFu
/* Words, bigrams and entities: what a reviewer can read at a glance. */
#define WSP_BAYES_EXPLAIN_READABLE                                             \
  ((1u << WSP_TOK_WORD) | (1u << WSP_TOK_BIGRAM) | (1u << WSP_TOK_ENTITY))

/* The strongest readable tokens of t (words, bigrams, entities: character
** n-grams each carry little weight and mean little to a reviewer) for
** (weight > 0) and against (weight < 0) scam: fills up to k entries of pos
** and neg (either may be NULL) in decreasing |weight|, setting *npos / *nneg
** (may be NULL). t must be unique (as left by wsp_bayes_score); token
** pointers point into t. Thread-safe. Same as wsp_bayes_explain_kinds with
** WSP_BAYES_EXPLAIN_READABLE. */
void wsp_bayes_explain(const wsp_bayes_model *m, const wsp_tokens *t, size_t k,
                       wsp_bayes_token_weight *pos, size_t *npos,
                       wsp_bayes_token_weight *neg, size_t *nneg);

/* Same, listing only the token families in kinds (bits 1u << wsp_tok_kind,
** e.g. WSP_BAYES_EXPLAIN_READABLE). */
void wsp_bayes_explain_kinds(const wsp_bayes_model *m, const wsp_tokens *t,
                             unsigned kinds, size_t k,
                             wsp_bayes_token_weight *pos, size_t *npos,
                             wsp_bayes_token_weight *neg, size_t *nneg);

/* Fit a_k, b (see above) to per-family scores parts[i * WSP_BAYES_PARTS +
** k] with labels y[i] (0/1). WSP_INVAL if n == 0 or one class only,
** WSP_INTERNAL if the fit does not converge to finite values (m unchanged).
** Not thread-safe. */
wsp_rc wsp_bayes_calibrate(wsp_bayes_model *m, const double *parts,
                           const int *y, size_t n);

/* Set every a_k to a, and b (tests, tools); read them back. */
void wsp_bayes_set_calibration(wsp_bayes_model *m, double a, double b);
void wsp_bayes_get_calibration(const wsp_bayes_model *m,
                               double a[WSP_BAYES_PARTS], double *b);

/* Drop tokens seen in fewer than min_count posts (both classes together)
** and recompute the totals. WSP_NOMEM leaves m unchanged. Not thread-safe. */
wsp_rc wsp_bayes_prune(wsp_bayes_model *m, uint32_t min_count);

/* Write m to path atomically (path.tmp, then rename). WSP_IO with the reason
** in err, WSP_NOMEM. Safe while other threads score; not with learn. */
wsp_rc wsp_bayes_save(const wsp_bayes_model *m, const char *path, wsp_err *err);

/* Load a model file (one read). WSP_IO (cannot read), WSP_MODEL (corrupt,
** truncated, wrong version; "path: reason" in err), WSP_TOOBIG, WSP_NOMEM. */
wsp_rc wsp_bayes_load(const char *path, wsp_bayes_model **out, wsp_err *err);

/* Same from a memory image of a file (borrowed). */
wsp_rc wsp_bayes_load_mem(const void *data, size_t len, wsp_bayes_model **out,
                          wsp_err *err);

/* "scam", "not_scam", "unsure". */
const char *wsp_bayes_call_name(wsp_bayes_call c);

#endif
