/* pipeline/scanner.h: one post through every analysis stage: normalise ->
** entities -> match rules -> Bayes -> verdict. `waspada check` scans one
** text with it; the ingest and scan pipelines run one context per worker.
**
** Offsets: rules run on the normalised text; every span a caller sees through
** wsp_scan_span_orig or wsp_scan_each_entity is mapped back to byte offsets
** in the ORIGINAL text (for highlighting and evidence).
**
** Ownership and threading: a wsp_scanner holds the shared, read-only state
** (compiled rules in a reloadable holder, the Bayes model, the gazetteer,
** the verdict settings), built before threads start. Each thread makes its
** own wsp_scan_ctx (matcher, scratch buffers); a report points into its
** context and is valid until the next scan on it. */
#ifndef WSP_PIPELINE_SCANNER_H
#define WSP_PIPELINE_SCANNER_H

#include "bayes/model.h"
#include "core/config.h"
#include "core/error.h"
#include "match/rules.h"
#include "text/entities.h"
#include "text/normalize.h"
#include "verdict/verdict.h"

#include <stddef.h>

typedef struct wsp_scanner wsp_scanner;
typedef struct wsp_scan_ctx wsp_scan_ctx;

/* Where the shared state comes from. Relative paths are taken from the
** current directory. Settings file keys (section [scan]) override the
** defaults: rules (comma-separated paths, default "rules"), model (default
** "models/default.model"; "none" for no model), gazetteer (default
** "rules/gazetteer.tsv"; "none" for none). Fields set here override both. */
typedef struct wsp_scanner_opts {
  const char *const *rule_paths; /* NULL: settings or "rules" */
  size_t n_rule_paths;
  const char *model_path;     /* NULL: settings or default; "none": none */
  const char *gazetteer_path; /* NULL: settings or default; "none": none */
  const wsp_config *config;   /* may be NULL */
  wsp_rules_opts rules;       /* cache options */
  wsp_diag_fn diag;           /* rule-pack findings; may be NULL */
  void *diag_ud;
} wsp_scanner_opts;

/* Build the shared state. Errors: WSP_RULES (rule packs have errors; see
** diag), WSP_COMPILE, WSP_MODEL / WSP_IO (model), WSP_PARSE (gazetteer or
** settings), WSP_NOMEM; detail in err. */
wsp_rc wsp_scanner_new(const wsp_scanner_opts *opts, wsp_scanner **out,
                       wsp_err *err);
void wsp_scanner_free(wsp_scanner *sc);

/* Rebuild the rules from the same paths; on failure the old set stays in
** use and the error is returned. Contexts pick the new set up on their next
** scan. Thread-safe. */
wsp_rc wsp_scanner_reload_rules(wsp_scanner *sc, wsp_err *err);

/* The verdict settings and model in use (model may be NULL). */
const wsp_verdict_config *wsp_scanner_verdict_config(const wsp_scanner *sc);
const wsp_bayes_model *wsp_scanner_model(const wsp_scanner *sc);

typedef struct wsp_scan_report {
  const char *orig; /* the scanned text (borrowed from the caller) */
  size_t orig_len;
  const wsp_norm *norm;
  const wsp_entities *entities; /* from the text module */
  const wsp_rules *rules;       /* the set this scan used */
  wsp_scan_result match;        /* rules that fired; spans (in NORMALISED
                                   offsets) only after wsp_scan_spans */
  int has_spans;
  int has_model;
  wsp_bayes_result bayes;
  wsp_verdict verdict;
} wsp_scan_report;

wsp_rc wsp_scan_ctx_new(wsp_scanner *sc, wsp_scan_ctx **out);
void wsp_scan_ctx_free(wsp_scan_ctx *ctx);

/* Scan text[0..len): which rules fire, the Bayes score and the verdict.
** Match spans are not computed (they cost more than the scan on broad rule
** packs): call wsp_scan_spans for the posts that need them (flagged ones,
** `check`). *report points into ctx; text must stay valid and unchanged
** until the next scan. WSP_TOOBIG for a text past the normaliser's or
** matcher's limit, WSP_MATCH, WSP_NOMEM. */
wsp_rc wsp_scan_text(wsp_scan_ctx *ctx, const char *text, size_t len,
                     const wsp_scan_report **report);

/* Add the match spans to the last report (idempotent). */
wsp_rc wsp_scan_spans(wsp_scan_ctx *ctx);

/* Original byte span of a match span. */
void wsp_scan_span_orig(const wsp_scan_report *r, const wsp_match_span *s,
                        size_t *start, size_t *end);

/* Call fn for every entity: the text module's (value normalised by it) and,
** once wsp_scan_spans has run, the spans of patterns with `extract:` (value
** = the normalised matched text). Offsets are original. fn returning
** nonzero stops. */
void wsp_scan_each_entity(const wsp_scan_report *r,
                          int (*fn)(void *ud, const char *kind,
                                    const char *value, size_t value_len,
                                    size_t start, size_t end),
                          void *ud);

/* Strongest Bayes tokens of the last scan, for (weight > 0) and against;
** see wsp_bayes_explain. Sets counts to 0 without a model. */
void wsp_scan_explain(wsp_scan_ctx *ctx, size_t k, wsp_bayes_token_weight *pos,
                      size_t *npos, wsp_bayes_token_weight *neg, size_t *nneg);

#endif
