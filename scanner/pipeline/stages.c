/* pipeline/stages.c: the scan and store stages shared by every job that
** feeds posts into the pipeline (ingest, scan): a worker scans a post into
** an owned result; the writer stores results in batched transactions. */
#include "pipeline/stages.h"

#include "core/alloc.h"
#include "core/buf.h"
#include "core/hash.h"
#include "core/timeutil.h"
#include "parse/post.h"

#include <sodium.h>
#include <string.h>

#define RESULT_ARENA_MAX (8u << 20)

/* What a worker hands the writer: the post and its verdict, with copies of
** every string (rule sets may be reloaded while results are in flight). */
struct result {
  wsp_post *post;
  int flagged;
  double score, bayes;
  const char *level; /* static string */
  char norm_hash[17];
  char raw_sha256[65];
  wsp_buf arena; /* NUL-separated strings, addressed by offset */
  size_t categories;
  struct {
    size_t rule_id, pattern;
    int rev;
    size_t start, end;
  } * matches;
  size_t n_matches;
  struct {
    size_t kind, value;
    size_t start, end;
  } * entities;
  size_t n_entities, cap_entities;
};

void wsp_stages_discard(void *item)
{
  struct result *res = item;
  if (!res)
    return;
  wsp_post_free(res->post);
  wsp_buf_cleanup(&res->arena);
  wsp_free(res->matches);
  wsp_free(res->entities);
  wsp_free(res);
}

/* Append a string (n bytes) to the arena; *off receives its offset. */
static wsp_rc arena_put(struct result *res, const char *s, size_t n,
                        size_t *off)
{
  wsp_rc rc;
  *off = res->arena.len;
  if ((rc = wsp_buf_append(&res->arena, s, n)) != WSP_OK)
    return rc;
  return wsp_buf_putc(&res->arena, '\0');
}

static const char *arena_str(const struct result *res, size_t off)
{
  return res->arena.data + off;
}

/* ---- worker ------------------------------------------------------------ */

wsp_rc wsp_stages_worker_init(void *ud, void **state, wsp_err *err)
{
  wsp_stages *in = ud;
  wsp_scan_ctx *ctx;
  wsp_rc rc = wsp_scan_ctx_new(in->sc, &ctx);
  if (rc != WSP_OK)
    return wsp_err_set(err, rc, "scan worker: %s", wsp_strerror(rc));
  *state = ctx;
  return WSP_OK;
}

void wsp_stages_worker_cleanup(void *state)
{
  wsp_scan_ctx_free(state);
}

struct entity_sink {
  struct result *res;
  wsp_rc rc;
};

static int add_entity(void *ud, const char *kind, const char *value,
                      size_t value_len, size_t start, size_t end)
{
  struct entity_sink *k = ud;
  struct result *res = k->res;

  if (res->n_entities == res->cap_entities) {
    size_t cap = res->cap_entities ? res->cap_entities * 2 : 8;
    void *p = wsp_realloc(res->entities, cap * sizeof(*res->entities));
    if (!p) {
      k->rc = WSP_NOMEM;
      return 1;
    }
    res->entities = p;
    res->cap_entities = cap;
  }
  size_t i = res->n_entities;
  if ((k->rc = arena_put(res, kind, strlen(kind), &res->entities[i].kind)) !=
          WSP_OK ||
      (k->rc = arena_put(res, value, value_len, &res->entities[i].value)) !=
          WSP_OK)
    return 1;
  res->entities[i].start = start;
  res->entities[i].end = end;
  res->n_entities++;
  return 0;
}

/* Copy what the store needs of a flagged verdict into res. */
static wsp_rc keep_explanation(struct result *res, const wsp_scan_report *r)
{
  wsp_buf cats;
  wsp_rc rc = WSP_OK;
  struct entity_sink sink = {res, WSP_OK};

  wsp_buf_init(&cats, 4096);
  for (size_t i = 0; i < r->verdict.n_cats && rc == WSP_OK; i++)
    if (r->verdict.cats[i].counted > 0)
      rc = wsp_buf_printf(&cats, "%s%s", cats.len ? "," : "",
                          r->verdict.cats[i].name);
  if (rc == WSP_OK)
    rc = arena_put(res, wsp_buf_str(&cats), cats.len, &res->categories);
  wsp_buf_cleanup(&cats);
  if (rc != WSP_OK)
    return rc;

  if (r->match.nspans) {
    res->matches = wsp_calloc(r->match.nspans, sizeof(*res->matches));
    if (!res->matches)
      return WSP_NOMEM;
  }
  for (size_t h = 0; h < r->match.nhits; h++) {
    const wsp_rule_hit *hit = &r->match.hits[h];
    const wsp_rule_info *ri = wsp_rules_rule(r->rules, hit->rule);
    for (size_t s = hit->first; s < hit->first + hit->count; s++) {
      const wsp_match_span *sp = &r->match.spans[s];
      const wsp_pattern_info *pi = wsp_rules_pattern(r->rules, sp->pattern);
      size_t i = res->n_matches++;
      if ((rc = arena_put(res, ri->id, strlen(ri->id),
                          &res->matches[i].rule_id)) != WSP_OK ||
          (rc = arena_put(res, pi->name, strlen(pi->name),
                          &res->matches[i].pattern)) != WSP_OK)
        return rc;
      res->matches[i].rev = (int)ri->rev;
      wsp_scan_span_orig(r, sp, &res->matches[i].start, &res->matches[i].end);
    }
  }
  wsp_scan_each_entity(r, add_entity, &sink);
  return sink.rc;
}

static void hex(const unsigned char *b, size_t n, char *out)
{
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[b[i] >> 4];
    out[2 * i + 1] = digits[b[i] & 15];
  }
  out[2 * n] = '\0';
}

wsp_rc wsp_stages_scan(void *state, wsp_post *post, void **out, wsp_err *err)
{
  wsp_scan_ctx *ctx = state;
  const wsp_scan_report *r;
  struct result *res;
  wsp_rc rc;
  unsigned char h[8], sha[crypto_hash_sha256_BYTES];

  *out = NULL;
  rc = wsp_scan_text(ctx, post->text, post->text_len, &r);
  if (rc != WSP_OK) {
    wsp_err_set(err, rc, "%s:%ld: %s", post->source, post->line,
                wsp_strerror(rc));
    wsp_post_free(post);
    return rc;
  }
  if (!(res = wsp_calloc(1, sizeof(*res)))) {
    wsp_post_free(post);
    return WSP_NOMEM;
  }
  res->post = post;
  wsp_buf_init(&res->arena, RESULT_ARENA_MAX);
  res->flagged = r->verdict.flagged;
  res->score = r->verdict.score;
  res->bayes = r->has_model ? r->bayes.p : -1;
  res->level = wsp_level_name(r->verdict.level);
  uint64_t nh = wsp_hash64(r->norm->text, r->norm->len, 0x6e6f726dU);
  for (int i = 0; i < 8; i++)
    h[i] = (unsigned char)(nh >> (56 - 8 * i));
  hex(h, 8, res->norm_hash);
  if (res->flagged && (rc = wsp_scan_spans(ctx)) != WSP_OK) {
    wsp_err_set(err, rc, "%s:%ld: %s", post->source, post->line,
                wsp_strerror(rc));
    wsp_stages_discard(res);
    return rc;
  }
  if (res->flagged) {
    crypto_hash_sha256(sha, (const unsigned char *)post->raw, post->raw_len);
    hex(sha, sizeof(sha), res->raw_sha256);
    rc = keep_explanation(res, r);
    if (rc != WSP_OK) {
      wsp_err_set(err, rc, "%s:%ld: %s", post->source, post->line,
                  wsp_strerror(rc));
      wsp_stages_discard(res);
      return rc;
    }
  }
  *out = res;
  return WSP_OK;
}

/* ---- writer ------------------------------------------------------------ */

wsp_rc wsp_stages_write(void *ud, void *item, wsp_pipeline_stats *st,
                        wsp_err *err)
{
  wsp_stages *in = ud;
  struct result *res = item;
  wsp_store_match *m = NULL;
  wsp_store_entity *e = NULL;
  wsp_put_result put;
  wsp_rc rc = WSP_NOMEM;

  if (!in->in_txn) {
    if ((rc = wsp_store_begin(in->store, err)) != WSP_OK)
      goto done;
    in->in_txn = 1;
  }
  if ((res->n_matches && !(m = wsp_calloc(res->n_matches, sizeof(*m)))) ||
      (res->n_entities && !(e = wsp_calloc(res->n_entities, sizeof(*e)))))
    goto done;
  for (size_t i = 0; i < res->n_matches; i++)
    m[i] = (wsp_store_match){arena_str(res, res->matches[i].rule_id),
                             res->matches[i].rev,
                             arena_str(res, res->matches[i].pattern),
                             res->matches[i].start, res->matches[i].end};
  for (size_t i = 0; i < res->n_entities; i++)
    e[i] = (wsp_store_entity){arena_str(res, res->entities[i].kind),
                              arena_str(res, res->entities[i].value),
                              res->entities[i].start, res->entities[i].end};
  const wsp_post *p = res->post;
  wsp_store_post sp = {
      .source = p->source,
      .source_kind = in->source_kind ? in->source_kind : "file",
      .ext_id = p->id,
      .url = p->url,
      .author = p->author,
      .title = p->title,
      .lang = p->lang,
      .published = p->published,
      .seen = wsp_time_wall_ms() / 1000,
      .text = p->text,
      .text_len = p->text_len,
      .raw_sha256 = res->flagged ? res->raw_sha256 : "",
      .norm_hash = res->norm_hash,
      .flagged = res->flagged,
      .score = res->score,
      .bayes = res->bayes,
      .level = res->level,
      .categories = res->flagged ? arena_str(res, res->categories) : "",
      .matches = m,
      .n_matches = res->n_matches,
      .entities = e,
      .n_entities = res->n_entities,
  };
  rc = wsp_store_put(in->store, &sp, &put, NULL, err);
  if (rc == WSP_OK) {
    if (put == WSP_PUT_DUPLICATE)
      atomic_fetch_add(&st->duplicates, 1);
    else if (res->flagged)
      atomic_fetch_add(&st->flagged, 1);
    if (put == WSP_PUT_NEW && res->flagged)
      atomic_fetch_add(&st->stored, 1);
    if (put == WSP_PUT_SIGHTING)
      atomic_fetch_add(&st->duplicates, 1);
  }
done:
  wsp_free(m);
  wsp_free(e);
  wsp_stages_discard(res);
  return rc;
}

wsp_rc wsp_stages_flush(void *ud, wsp_err *err)
{
  wsp_stages *in = ud;
  if (!in->in_txn)
    return WSP_OK;
  in->in_txn = 0;
  return wsp_store_commit(in->store, err);
}

void wsp_stages_fill_ops(wsp_pipeline_ops *ops)
{
  ops->worker_init = wsp_stages_worker_init;
  ops->worker_cleanup = wsp_stages_worker_cleanup;
  ops->scan = wsp_stages_scan;
  ops->write = wsp_stages_write;
  ops->flush = wsp_stages_flush;
  ops->discard = wsp_stages_discard;
}

wsp_rc wsp_stages_init(wsp_err *err)
{
  if (sodium_init() < 0)
    return wsp_err_set(err, WSP_INTERNAL, "libsodium failed to initialise");
  return WSP_OK;
}
