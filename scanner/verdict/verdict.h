/* verdict/verdict.h: combine rule hits and the Bayes probability into a
** score, a level and categories (DESIGN.md "Verdict").
**
**   score = sum over categories c of clamp(S_c) + w * clamp(logit(p))
**
** where S_c is the sum of the (status-weighted) scores of the rules of
** category c that hit, clamped to [floor, cap_c]: a positive cap keeps one
** family of keywords from dominating, the floor bounds how far warning and
** news cues (negative scores) can pull a post down. logit(p) = ln(p/(1-p))
** of the Bayes probability is clamped to [-bayes_clamp, bayes_clamp] and
** weighted by w (bayes_weight). The level is the highest threshold the score
** reaches (low, medium, high); a post is flagged at or above flag_level.
**
** The verdict module does not know rules or models: callers hand it plain
** hits (category name, score, weight), so the arithmetic is testable alone.
**
** Settings, section [verdict] of waspada.conf (defaults in brackets):
**   low [2.0], medium [4.0], high [7.0]   score thresholds of the levels
**   flag_level [medium]                   none|low|medium|high
**   bayes_weight [0.8], bayes_clamp [4.0]
**   category_cap [6.0]                    default cap of a category's sum
**   cap.CATEGORY                          cap of one category
**   negative_floor [-8.0]                 lowest sum of any category
**   weight.experimental [0], weight.test [0.5], weight.stable [1],
**   weight.deprecated [0]                 weight of a rule by its status
**
** Threading: a wsp_verdict_config is read-only after loading; computing a
** verdict touches only the caller's wsp_verdict. */
#ifndef WSP_VERDICT_VERDICT_H
#define WSP_VERDICT_VERDICT_H

#include "core/config.h"
#include "core/error.h"

#include <stddef.h>

typedef enum {
  WSP_LEVEL_NONE = 0,
  WSP_LEVEL_LOW,
  WSP_LEVEL_MEDIUM,
  WSP_LEVEL_HIGH
} wsp_level;

/* "none", "low", "medium", "high". */
const char *wsp_level_name(wsp_level level);
/* Parse a level name; WSP_INVAL if unknown. */
wsp_rc wsp_level_parse(const char *name, wsp_level *out);

#define WSP_VERDICT_MAX_CATS 32
#define WSP_VERDICT_NAME_MAX 48

typedef struct wsp_verdict_config {
  double low, medium, high;
  wsp_level flag_level;
  double bayes_weight, bayes_clamp;
  double default_cap, negative_floor;
  double weight_experimental, weight_test, weight_stable, weight_deprecated;
  struct {
    char name[WSP_VERDICT_NAME_MAX];
    double cap;
  } caps[WSP_VERDICT_MAX_CATS];
  size_t n_caps;
} wsp_verdict_config;

/* The documented defaults. */
void wsp_verdict_config_defaults(wsp_verdict_config *cfg);
/* Defaults overridden by the [verdict] section of conf (NULL: defaults).
** WSP_PARSE with "FILE:LINE: ..." on a bad value or unknown key. */
wsp_rc wsp_verdict_config_load(wsp_verdict_config *cfg, const wsp_config *conf,
                               wsp_err *err);
/* Weight of a rule with the given status name ("stable", ...); 0 if
** unknown. */
double wsp_verdict_status_weight(const wsp_verdict_config *cfg,
                                 const char *status);

typedef struct wsp_verdict_hit {
  const char *category; /* borrowed; must outlive the wsp_verdict */
  double score;         /* the rule's score */
  double weight;        /* status weight (wsp_verdict_status_weight) */
} wsp_verdict_hit;

typedef struct wsp_verdict_category {
  const char *name; /* borrowed from the hits */
  double sum;       /* weighted sum of its rules' scores */
  double counted;   /* after cap and floor: what entered the score */
} wsp_verdict_category;

typedef struct wsp_verdict {
  double score;       /* total */
  double rules_score; /* sum of the categories' counted values */
  double bayes_score; /* w * clamp(logit(p)); 0 without a model */
  double bayes;       /* p, or -1 without a model */
  wsp_level level;
  int flagged;
  /* categories that contributed, strongest first */
  wsp_verdict_category cats[WSP_VERDICT_MAX_CATS];
  size_t n_cats;
} wsp_verdict;

/* Compute the verdict of one post. p_bayes < 0 means "no model". Hits of
** more than WSP_VERDICT_MAX_CATS distinct categories: the excess categories
** are ignored (the vocabulary is much smaller). */
void wsp_verdict_compute(const wsp_verdict_config *cfg,
                         const wsp_verdict_hit *hits, size_t n_hits,
                         double p_bayes, wsp_verdict *out);

#endif
