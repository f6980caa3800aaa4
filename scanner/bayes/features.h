/* bayes/features.h: raw post text -> tokens -> naive Bayes, through the text
** module: normalisation (text/normalize.h), entity extraction
** (text/entities.h) and the tokeniser (bayes/tokenize.h). This is what
** `waspada train/eval` and the verdict stage call.
**
** Ownership and threading: a wsp_bayes_scratch holds one thread's reusable
** buffers (normalised text, entities, tokens); use one per thread. The
** gazetteer it borrows and the model are shared read-only. */
#ifndef WSP_BAYES_FEATURES_H
#define WSP_BAYES_FEATURES_H

#include "bayes/dataset.h"
#include "bayes/model.h"
#include "core/error.h"
#include "text/entities.h"

#include <stddef.h>

typedef struct wsp_bayes_scratch wsp_bayes_scratch;

/* gaz (borrowed, may be NULL: no country/region tokens) must outlive the
** scratch. WSP_NOMEM. */
wsp_rc wsp_bayes_scratch_new(const wsp_gazetteer *gaz, wsp_bayes_scratch **out);
void wsp_bayes_scratch_free(wsp_bayes_scratch *s); /* NULL is a no-op */

/* Normalise text[0..len), extract its entities and tokenise with o. The
** tokens stay in s (wsp_bayes_scratch_tokens) until the next call.
** WSP_TOOBIG (text over WSP_NORM_MAX_INPUT), WSP_NOMEM. */
wsp_rc wsp_bayes_featurize(wsp_bayes_scratch *s, const wsp_tok_opts *o,
                           const char *text, size_t len);

/* Tokens of the last featurised text (reordered by score/learn). */
wsp_tokens *wsp_bayes_scratch_tokens(wsp_bayes_scratch *s);

/* Featurise with m's settings and score; then wsp_bayes_explain(m,
** wsp_bayes_scratch_tokens(s), ...) gives the strongest tokens. Thread-safe
** on a shared model with one scratch per thread. */
wsp_rc wsp_bayes_score_text(const wsp_bayes_model *m, wsp_bayes_scratch *s,
                            const char *text, size_t len,
                            wsp_bayes_result *res);

/* Featurise with m's settings and learn (incremental training, e.g. from
** reviewers' decisions; save with wsp_bayes_save). Not thread-safe on m. */
wsp_rc wsp_bayes_learn_text(wsp_bayes_model *m, wsp_bayes_scratch *s,
                            const char *text, size_t len, int is_scam);

/* For callers that already hold the normalised text and entities (the
** verdict stage): tokenise into t with m's settings and score. */
wsp_rc wsp_bayes_score_norm(const wsp_bayes_model *m, const char *norm,
                            size_t len, const wsp_entities *ents, wsp_tokens *t,
                            wsp_bayes_result *res);

/* Progress hook for wsp_bayes_data_load: records read so far of path. */
typedef void (*wsp_bayes_progress_fn)(void *ud, const char *path,
                                      size_t records);

/* Read the file of spec, featurise every record with o and append it to d.
** progress (may be NULL) is called every 256 records and at the end. Errors
** as wsp_data_read ("file:line: reason" in err). */
wsp_rc wsp_bayes_data_load(const wsp_data_spec *spec, const wsp_tok_opts *o,
                           wsp_bayes_scratch *s, wsp_bayes_data *d,
                           wsp_bayes_progress_fn progress, void *ud,
                           wsp_err *err);

#endif
