/* verdict/verdict.c: the verdict arithmetic and its settings. */
#include "verdict/verdict.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const level_names[] = {"none", "low", "medium", "high"};

const char *wsp_level_name(wsp_level level)
{
  return (unsigned)level < 4 ? level_names[level] : "none";
}

wsp_rc wsp_level_parse(const char *name, wsp_level *out)
{
  for (int i = 0; i < 4; i++)
    if (name && strcmp(name, level_names[i]) == 0) {
      *out = (wsp_level)i;
      return WSP_OK;
    }
  return WSP_INVAL;
}

void wsp_verdict_config_defaults(wsp_verdict_config *cfg)
{
  memset(cfg, 0, sizeof(*cfg));
  cfg->low = 2.0;
  cfg->medium = 4.0;
  cfg->high = 7.0;
  cfg->flag_level = WSP_LEVEL_MEDIUM;
  cfg->bayes_weight = 0.8;
  cfg->bayes_clamp = 4.0;
  cfg->default_cap = 6.0;
  cfg->negative_floor = -8.0;
  cfg->weight_experimental = 0.0;
  cfg->weight_test = 0.5;
  cfg->weight_stable = 1.0;
  cfg->weight_deprecated = 0.0;
}

static const char *const known_keys[] = {
    "verdict.low",
    "verdict.medium",
    "verdict.high",
    "verdict.flag_level",
    "verdict.bayes_weight",
    "verdict.bayes_clamp",
    "verdict.category_cap",
    "verdict.negative_floor",
    "verdict.weight.experimental",
    "verdict.weight.test",
    "verdict.weight.stable",
    "verdict.weight.deprecated",
    "verdict.cap.*",
    NULL,
};

static wsp_rc set_cap(wsp_verdict_config *cfg, const char *name, double cap)
{
  size_t i;
  if (strlen(name) >= WSP_VERDICT_NAME_MAX)
    return WSP_INVAL;
  for (i = 0; i < cfg->n_caps; i++)
    if (strcmp(cfg->caps[i].name, name) == 0)
      break;
  if (i == cfg->n_caps) {
    if (cfg->n_caps == WSP_VERDICT_MAX_CATS)
      return WSP_TOOBIG;
    cfg->n_caps++;
    snprintf(cfg->caps[i].name, sizeof(cfg->caps[i].name), "%s", name);
  }
  cfg->caps[i].cap = cap;
  return WSP_OK;
}

struct cap_ctx {
  wsp_verdict_config *cfg;
  const wsp_config *conf;
  wsp_err *err;
  wsp_rc rc;
};

static int load_cap(void *ud, const char *key, const char *value)
{
  struct cap_ctx *x = ud;
  double cap;
  (void)value;
  x->rc = wsp_config_double(x->conf, key, 0, -1000, 1000, &cap, x->err);
  if (x->rc == WSP_OK &&
      set_cap(x->cfg, key + strlen("verdict.cap."), cap) != WSP_OK)
    x->rc = wsp_err_set(x->err, WSP_PARSE, "%s: too many categories", key);
  return x->rc != WSP_OK;
}

wsp_rc wsp_verdict_config_load(wsp_verdict_config *cfg, const wsp_config *conf,
                               wsp_err *err)
{
  const char *lvl;
  wsp_rc rc = WSP_OK;

  wsp_verdict_config_defaults(cfg);
  if (!conf)
    return WSP_OK;
#define NUM(key, field, lo, hi)                                                \
  if (rc == WSP_OK)                                                            \
  rc = wsp_config_double(conf, "verdict." key, cfg->field, lo, hi,             \
                         &cfg->field, err)
  NUM("low", low, -1000, 1000);
  NUM("medium", medium, -1000, 1000);
  NUM("high", high, -1000, 1000);
  NUM("bayes_weight", bayes_weight, 0, 100);
  NUM("bayes_clamp", bayes_clamp, 0, 50);
  NUM("category_cap", default_cap, 0, 1000);
  NUM("negative_floor", negative_floor, -1000, 0);
  NUM("weight.experimental", weight_experimental, 0, 10);
  NUM("weight.test", weight_test, 0, 10);
  NUM("weight.stable", weight_stable, 0, 10);
  NUM("weight.deprecated", weight_deprecated, 0, 10);
#undef NUM
  if (rc != WSP_OK)
    return rc;
  if (!(cfg->low <= cfg->medium && cfg->medium <= cfg->high))
    return wsp_err_set(err, WSP_PARSE,
                       "verdict: thresholds must satisfy low <= medium <= "
                       "high");
  lvl = wsp_config_str(conf, "verdict.flag_level", NULL);
  if (lvl && wsp_level_parse(lvl, &cfg->flag_level) != WSP_OK)
    return wsp_err_set(err, WSP_PARSE,
                       "verdict.flag_level: '%s' is not none, low, medium or "
                       "high",
                       lvl);
  struct cap_ctx x = {cfg, conf, err, WSP_OK};
  wsp_config_each(conf, "verdict.cap.", load_cap, &x);
  if (x.rc != WSP_OK)
    return x.rc;
  return wsp_config_check(conf, "verdict.", known_keys, err);
}

double wsp_verdict_status_weight(const wsp_verdict_config *cfg,
                                 const char *status)
{
  if (!status || strcmp(status, "stable") == 0)
    return cfg->weight_stable;
  if (strcmp(status, "test") == 0)
    return cfg->weight_test;
  if (strcmp(status, "experimental") == 0)
    return cfg->weight_experimental;
  if (strcmp(status, "deprecated") == 0)
    return cfg->weight_deprecated;
  return 0.0;
}

static double category_cap(const wsp_verdict_config *cfg, const char *name)
{
  for (size_t i = 0; i < cfg->n_caps; i++)
    if (strcmp(cfg->caps[i].name, name) == 0)
      return cfg->caps[i].cap;
  return cfg->default_cap;
}

static int by_strength(const void *a, const void *b)
{
  const wsp_verdict_category *x = a, *y = b;
  double dx = fabs(x->counted), dy = fabs(y->counted);
  if (dx != dy)
    return dx < dy ? 1 : -1;
  return strcmp(x->name, y->name);
}

void wsp_verdict_compute(const wsp_verdict_config *cfg,
                         const wsp_verdict_hit *hits, size_t n_hits,
                         double p_bayes, wsp_verdict *out)
{
  memset(out, 0, sizeof(*out));
  for (size_t i = 0; i < n_hits; i++) {
    const wsp_verdict_hit *h = &hits[i];
    size_t c;
    double s = h->score * h->weight;
    if (!h->category || s == 0.0 || !isfinite(s))
      continue;
    for (c = 0; c < out->n_cats; c++)
      if (strcmp(out->cats[c].name, h->category) == 0)
        break;
    if (c == out->n_cats) {
      if (out->n_cats == WSP_VERDICT_MAX_CATS)
        continue;
      out->cats[c].name = h->category;
      out->n_cats++;
    }
    out->cats[c].sum += s;
  }
  for (size_t c = 0; c < out->n_cats; c++) {
    double v = out->cats[c].sum, cap = category_cap(cfg, out->cats[c].name);
    if (v > cap)
      v = cap;
    if (v < cfg->negative_floor)
      v = cfg->negative_floor;
    out->cats[c].counted = v;
    out->rules_score += v;
  }
  qsort(out->cats, out->n_cats, sizeof(out->cats[0]), by_strength);

  out->bayes = p_bayes;
  if (p_bayes >= 0 && p_bayes <= 1) {
    double p = p_bayes, l;
    if (p < 1e-12)
      p = 1e-12;
    if (p > 1 - 1e-12)
      p = 1 - 1e-12;
    l = log(p / (1 - p));
    if (l > cfg->bayes_clamp)
      l = cfg->bayes_clamp;
    if (l < -cfg->bayes_clamp)
      l = -cfg->bayes_clamp;
    out->bayes_score = cfg->bayes_weight * l;
  } else {
    out->bayes = -1;
  }
  out->score = out->rules_score + out->bayes_score;
  out->level = out->score >= cfg->high     ? WSP_LEVEL_HIGH
               : out->score >= cfg->medium ? WSP_LEVEL_MEDIUM
               : out->score >= cfg->low    ? WSP_LEVEL_LOW
                                           : WSP_LEVEL_NONE;
  out->flagged = out->level >= cfg->flag_level &&
                 (cfg->flag_level > WSP_LEVEL_NONE || out->score > 0);
}
