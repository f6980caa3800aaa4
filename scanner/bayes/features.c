/* bayes/features.c: text module + tokeniser + model glue (see features.h). */
#include "bayes/features.h"

#include "core/alloc.h"
#include "text/normalize.h"

struct wsp_bayes_scratch {
  const wsp_gazetteer *gaz;
  wsp_norm norm;
  wsp_entities ents;
  wsp_tokens toks;
};

wsp_rc wsp_bayes_scratch_new(const wsp_gazetteer *gaz, wsp_bayes_scratch **out)
{
  wsp_bayes_scratch *s = wsp_calloc(1, sizeof(*s));

  *out = NULL;
  if (!s)
    return WSP_NOMEM;
  s->gaz = gaz;
  wsp_norm_init(&s->norm);
  wsp_entities_init(&s->ents);
  wsp_tokens_init(&s->toks);
  *out = s;
  return WSP_OK;
}

void wsp_bayes_scratch_free(wsp_bayes_scratch *s)
{
  if (!s)
    return;
  wsp_norm_cleanup(&s->norm);
  wsp_entities_cleanup(&s->ents);
  wsp_tokens_cleanup(&s->toks);
  wsp_free(s);
}

wsp_rc wsp_bayes_featurize(wsp_bayes_scratch *s, const wsp_tok_opts *o,
                           const char *text, size_t len)
{
  wsp_rc rc;

  s->toks.count = 0;
  if ((rc = wsp_text_normalize(text, len, &s->norm)) != WSP_OK)
    return rc;
  if (o->entities) {
    if ((rc = wsp_entities_extract(text, len, &s->norm, s->gaz, &s->ents)) !=
        WSP_OK)
      return rc;
  } else {
    s->ents.count = 0;
  }
  return wsp_tokenize(o, s->norm.text, s->norm.len, &s->ents, &s->toks);
}

wsp_tokens *wsp_bayes_scratch_tokens(wsp_bayes_scratch *s)
{
  return &s->toks;
}

wsp_rc wsp_bayes_score_text(const wsp_bayes_model *m, wsp_bayes_scratch *s,
                            const char *text, size_t len, wsp_bayes_result *res)
{
  wsp_rc rc = wsp_bayes_featurize(s, &wsp_bayes_config_of(m)->tok, text, len);
  if (rc != WSP_OK)
    return rc;
  wsp_bayes_score(m, &s->toks, res);
  return WSP_OK;
}

wsp_rc wsp_bayes_learn_text(wsp_bayes_model *m, wsp_bayes_scratch *s,
                            const char *text, size_t len, int is_scam)
{
  wsp_rc rc = wsp_bayes_featurize(s, &wsp_bayes_config_of(m)->tok, text, len);
  if (rc != WSP_OK)
    return rc;
  return wsp_bayes_learn(m, &s->toks, is_scam);
}

wsp_rc wsp_bayes_score_norm(const wsp_bayes_model *m, const char *norm,
                            size_t len, const wsp_entities *ents, wsp_tokens *t,
                            wsp_bayes_result *res)
{
  wsp_rc rc = wsp_tokenize(&wsp_bayes_config_of(m)->tok, norm, len, ents, t);
  if (rc != WSP_OK)
    return rc;
  wsp_bayes_score(m, t, res);
  return WSP_OK;
}

typedef struct load_ctx {
  const wsp_tok_opts *o;
  wsp_bayes_scratch *s;
  wsp_bayes_data *d;
  const char *path;
  wsp_bayes_progress_fn progress;
  void *ud;
  wsp_err *err;
} load_ctx;

static wsp_rc load_row(void *ud, const char *text, size_t len, int is_scam,
                       unsigned long line)
{
  load_ctx *c = ud;
  wsp_rc rc = wsp_bayes_featurize(c->s, c->o, text, len);

  if (rc == WSP_OK)
    rc = wsp_bayes_data_add(c->d, &c->s->toks, is_scam);
  if (rc != WSP_OK)
    return wsp_err_set(c->err, rc, "%s:%lu: %s", c->path, line,
                       wsp_strerror(rc));
  if (c->progress && (c->d->count & 255) == 0)
    c->progress(c->ud, c->path, c->d->count);
  return WSP_OK;
}

wsp_rc wsp_bayes_data_load(const wsp_data_spec *spec, const wsp_tok_opts *o,
                           wsp_bayes_scratch *s, wsp_bayes_data *d,
                           wsp_bayes_progress_fn progress, void *ud,
                           wsp_err *err)
{
  load_ctx c = {o, s, d, spec->path, progress, ud, err};
  size_t n = 0;
  wsp_rc rc = wsp_data_read(spec, load_row, &c, &n, err);

  if (rc == WSP_OK && progress)
    progress(ud, spec->path, d->count);
  return rc;
}
