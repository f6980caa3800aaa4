/* pipeline/scanner.c: shared scan state and the per-thread scan of a text. */
#include "pipeline/scanner.h"

#include "core/alloc.h"
#include "core/log.h"

#include <string.h>

#define SCANNER_MAX_PATHS 64

struct wsp_scanner {
  char *paths[SCANNER_MAX_PATHS];
  size_t npaths;
  wsp_rules_opts rules_opts;
  wsp_diag_fn diag;
  void *diag_ud;
  wsp_rules_holder *holder;
  wsp_bayes_model *model;
  wsp_gazetteer *gaz;
  wsp_verdict_config vcfg;
};

struct wsp_scan_ctx {
  wsp_scanner *sc;
  wsp_rules *rules; /* reference held while the matcher uses it */
  uint64_t generation;
  wsp_matcher *matcher;
  wsp_norm norm;
  wsp_entities ents;
  wsp_tokens toks;
  wsp_verdict_hit *hits;
  size_t hits_cap;
  wsp_scan_report report;
};

static const char *const scan_keys[] = {"scan.rules",     "scan.model",
                                        "scan.gazetteer", "scan.jobs",
                                        "scan.batch",     NULL};

static wsp_rc split_paths(wsp_scanner *sc, const char *list)
{
  const char *p = list;
  while (*p) {
    const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p);
    while (p < end && *p == ' ')
      p++;
    const char *e = end;
    while (e > p && e[-1] == ' ')
      e--;
    if (e > p) {
      if (sc->npaths == SCANNER_MAX_PATHS)
        return WSP_TOOBIG;
      if (!(sc->paths[sc->npaths++] = wsp_strndup(p, (size_t)(e - p))))
        return WSP_NOMEM;
    }
    p = comma ? comma + 1 : end;
  }
  return WSP_OK;
}

wsp_rc wsp_scanner_new(const wsp_scanner_opts *o, wsp_scanner **out,
                       wsp_err *err)
{
  wsp_scanner *sc = wsp_calloc(1, sizeof(*sc));
  wsp_rules *rules = NULL;
  const char *model, *gaz;
  wsp_rc rc = WSP_NOMEM;

  *out = NULL;
  if (!sc)
    goto fail;
  rc = wsp_config_check(o->config, "scan.", scan_keys, err);
  if (rc == WSP_OK)
    rc = wsp_verdict_config_load(&sc->vcfg, o->config, err);
  if (rc != WSP_OK)
    goto fail;
  if (o->rule_paths && o->n_rule_paths) {
    for (size_t i = 0; i < o->n_rule_paths && rc == WSP_OK; i++)
      rc = split_paths(sc, o->rule_paths[i]);
  } else {
    rc = split_paths(sc, wsp_config_str(o->config, "scan.rules", "rules"));
  }
  if (rc != WSP_OK) {
    wsp_err_set(err, rc, "rule paths: %s", wsp_strerror(rc));
    goto fail;
  }
  sc->rules_opts = o->rules;
  sc->diag = o->diag;
  sc->diag_ud = o->diag_ud;
  rc = wsp_rules_build((const char *const *)sc->paths, sc->npaths,
                       &sc->rules_opts, sc->diag, sc->diag_ud, &rules, err);
  if (rc != WSP_OK)
    goto fail;
  rc = wsp_rules_holder_new(rules, &sc->holder);
  if (rc != WSP_OK) {
    wsp_rules_free(rules);
    goto fail;
  }

  model = o->model_path
              ? o->model_path
              : wsp_config_str(o->config, "scan.model", "models/default.model");
  if (strcmp(model, "none") != 0) {
    rc = wsp_bayes_load(model, &sc->model, err);
    if (rc != WSP_OK)
      goto fail;
  }
  gaz = o->gazetteer_path ? o->gazetteer_path
                          : wsp_config_str(o->config, "scan.gazetteer",
                                           "rules/gazetteer.tsv");
  if (strcmp(gaz, "none") != 0) {
    rc = wsp_gazetteer_load(gaz, &sc->gaz, err);
    if (rc != WSP_OK)
      goto fail;
  }
  *out = sc;
  return WSP_OK;
fail:
  wsp_scanner_free(sc);
  return rc;
}

void wsp_scanner_free(wsp_scanner *sc)
{
  if (!sc)
    return;
  wsp_rules_holder_free(sc->holder);
  wsp_bayes_free(sc->model);
  wsp_gazetteer_free(sc->gaz);
  for (size_t i = 0; i < sc->npaths; i++)
    wsp_free(sc->paths[i]);
  wsp_free(sc);
}

wsp_rc wsp_scanner_reload_rules(wsp_scanner *sc, wsp_err *err)
{
  return wsp_rules_holder_reload(sc->holder, (const char *const *)sc->paths,
                                 sc->npaths, &sc->rules_opts, sc->diag,
                                 sc->diag_ud, err);
}

const wsp_verdict_config *wsp_scanner_verdict_config(const wsp_scanner *sc)
{
  return &sc->vcfg;
}

const wsp_bayes_model *wsp_scanner_model(const wsp_scanner *sc)
{
  return sc->model;
}

wsp_rc wsp_scan_ctx_new(wsp_scanner *sc, wsp_scan_ctx **out)
{
  wsp_scan_ctx *ctx = wsp_calloc(1, sizeof(*ctx));

  *out = NULL;
  if (!ctx)
    return WSP_NOMEM;
  ctx->sc = sc;
  wsp_norm_init(&ctx->norm);
  wsp_entities_init(&ctx->ents);
  wsp_tokens_init(&ctx->toks);
  *out = ctx;
  return WSP_OK;
}

void wsp_scan_ctx_free(wsp_scan_ctx *ctx)
{
  if (!ctx)
    return;
  wsp_matcher_free(ctx->matcher);
  wsp_rules_free(ctx->rules);
  wsp_norm_cleanup(&ctx->norm);
  wsp_entities_cleanup(&ctx->ents);
  wsp_tokens_cleanup(&ctx->toks);
  wsp_free(ctx->hits);
  wsp_free(ctx);
}

/* Make sure the matcher belongs to the current rule set (after a reload). */
static wsp_rc ensure_matcher(wsp_scan_ctx *ctx)
{
  uint64_t gen = wsp_rules_holder_generation(ctx->sc->holder);
  wsp_matcher *m;
  wsp_rules *r;
  wsp_rc rc;

  if (ctx->matcher && gen == ctx->generation)
    return WSP_OK;
  r = wsp_rules_holder_get(ctx->sc->holder, &gen);
  if (!r)
    return WSP_INTERNAL;
  rc = wsp_matcher_new(r, &m);
  if (rc != WSP_OK) {
    wsp_rules_free(r);
    return rc;
  }
  wsp_matcher_free(ctx->matcher);
  wsp_rules_free(ctx->rules);
  ctx->matcher = m;
  ctx->rules = r;
  ctx->generation = gen;
  return WSP_OK;
}

wsp_rc wsp_scan_text(wsp_scan_ctx *ctx, const char *text, size_t len,
                     const wsp_scan_report **report)
{
  wsp_scan_report *r = &ctx->report;
  const wsp_scanner *sc = ctx->sc;
  wsp_rc rc;

  *report = NULL;
  memset(r, 0, sizeof(*r));
  if ((rc = ensure_matcher(ctx)) != WSP_OK)
    return rc;
  if ((rc = wsp_text_normalize(text, len, &ctx->norm)) != WSP_OK)
    return rc;
  if ((rc = wsp_entities_extract(text, len, &ctx->norm, sc->gaz, &ctx->ents)) !=
      WSP_OK)
    return rc;
  if ((rc = wsp_matcher_scan_hits(ctx->matcher, ctx->norm.text, ctx->norm.len,
                                  &r->match)) != WSP_OK)
    return rc;

  if (r->match.nhits > ctx->hits_cap) {
    wsp_verdict_hit *h =
        wsp_realloc(ctx->hits, r->match.nhits * sizeof(*ctx->hits));
    if (!h)
      return WSP_NOMEM;
    ctx->hits = h;
    ctx->hits_cap = r->match.nhits;
  }
  for (size_t i = 0; i < r->match.nhits; i++) {
    const wsp_rule_info *ri = wsp_rules_rule(ctx->rules, r->match.hits[i].rule);
    ctx->hits[i].category = wsp_category_name(ri->category);
    ctx->hits[i].score = ri->score;
    ctx->hits[i].weight =
        wsp_verdict_status_weight(&sc->vcfg, wsp_rule_status_name(ri->status));
  }

  double p = -1;
  if (sc->model) {
    rc = wsp_tokenize(&wsp_bayes_config_of(sc->model)->tok, ctx->norm.text,
                      ctx->norm.len, &ctx->ents, &ctx->toks);
    if (rc != WSP_OK)
      return rc;
    wsp_bayes_score(sc->model, &ctx->toks, &r->bayes);
    r->has_model = 1;
    p = r->bayes.p;
  }
  wsp_verdict_compute(&sc->vcfg, ctx->hits, r->match.nhits, p, &r->verdict);

  r->orig = text;
  r->orig_len = len;
  r->norm = &ctx->norm;
  r->entities = &ctx->ents;
  r->rules = ctx->rules;
  *report = r;
  return WSP_OK;
}

wsp_rc wsp_scan_spans(wsp_scan_ctx *ctx)
{
  wsp_rc rc;
  if (ctx->report.has_spans || !ctx->report.rules)
    return WSP_OK;
  if ((rc = wsp_matcher_spans(ctx->matcher, &ctx->report.match)) != WSP_OK)
    return rc;
  ctx->report.has_spans = 1;
  return WSP_OK;
}

void wsp_scan_span_orig(const wsp_scan_report *r, const wsp_match_span *s,
                        size_t *start, size_t *end)
{
  *start = wsp_norm_orig_start(r->norm, s->start);
  *end = s->end > s->start ? wsp_norm_orig_end(r->norm, s->end) : *start;
}

void wsp_scan_each_entity(const wsp_scan_report *r,
                          int (*fn)(void *ud, const char *kind,
                                    const char *value, size_t value_len,
                                    size_t start, size_t end),
                          void *ud)
{
  for (size_t i = 0; i < r->entities->count; i++) {
    const wsp_entity *e = &r->entities->items[i];
    if (fn(ud, wsp_entity_kind_name(e->kind), e->value, strlen(e->value),
           e->start, e->end))
      return;
  }
  for (size_t i = 0; i < r->match.nspans; i++) {
    const wsp_match_span *s = &r->match.spans[i];
    const wsp_pattern_info *pi = wsp_rules_pattern(r->rules, s->pattern);
    size_t start, end;
    if (!pi || pi->extract < 0)
      continue;
    wsp_scan_span_orig(r, s, &start, &end);
    if (fn(ud, wsp_extract_kind_name(pi->extract), r->norm->text + s->start,
           s->end - s->start, start, end))
      return;
  }
}

void wsp_scan_explain(wsp_scan_ctx *ctx, size_t k, wsp_bayes_token_weight *pos,
                      size_t *npos, wsp_bayes_token_weight *neg, size_t *nneg)
{
  *npos = *nneg = 0;
  if (!ctx->sc->model || !ctx->report.has_model)
    return;
  wsp_bayes_explain(ctx->sc->model, &ctx->toks, k, pos, npos, neg, nneg);
}
