/* match/compile.c: rule set life cycle, tier decision, Hyperscan database
** build and the on-disk database cache.
**
** Tiers: every active pattern is first screened with hs_expression_info; the
** rest go into one hs_compile_multi call. A pattern Hyperscan rejects (in the
** screen or in the multi compile, which names the failing expression; it is
** then demoted and the compile retried) is tried in prefilter mode ALONE in a
** forked child process that must answer within opts.prefilter_timeout_ms
** (default 2 s; the child is killed otherwise), with a total prefilter budget
** of 30 s per set, so a hostile pattern cannot stall loading. Passing patterns
** are compiled with HS_FLAG_PREFILTER into the same database; the others are
** PCRE_ONLY. Fork is used before worker threads exist or from a reload thread;
** the child only calls hs_compile and _exit (glibc keeps malloc usable after
** fork).
**
** Cache file <dir>/<016x key>.hsdb: "WSPHSDB1", key, number of patterns,
** one tier byte per active pattern, database length, checksum of tiers and
** database, serialized database. Written to a temporary file and renamed.
** Owns the compiled state of a wsp_rules; single-threaded (build time). */
#include "match/match_int.h"

#include "core/alloc.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/timeutil.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Part of the cache key: bump it whenever what goes into the databases
** changes for the same rules (tiers, literal expansion, flags). */
#define CACHE_MAGIC "WSPHSDB3"
#define PREFILTER_BUDGET_MS 30000
#define CACHE_MAX_BYTES (512u << 20)

/* ---- life cycle and metadata --------------------------------------------- */

wsp_rc wsp_rules_new(wsp_rules **out)
{
  wsp_rules *r = wsp_calloc(1, sizeof(*r));
  *out = NULL;
  if (!r)
    return WSP_NOMEM;
  atomic_init(&r->refs, 1);
  if (wsp__rules_index_new(r) != WSP_OK) {
    wsp_free(r);
    return WSP_NOMEM;
  }
  *out = r;
  return WSP_OK;
}

wsp_rules *wsp_rules_retain(wsp_rules *r)
{
  if (r)
    atomic_fetch_add(&r->refs, 1);
  return r;
}

void wsp_rules_free(wsp_rules *r)
{
  if (!r || atomic_fetch_sub(&r->refs, 1) != 1)
    return;
  for (size_t i = 0; i < r->npats; i++) {
    pcre2_code_free(r->pats[i].re);
    pcre2_code_free(atomic_load(&r->pats[i].jit));
  }
  for (size_t i = 0; i < r->nrules; i++)
    wsp__cond_cleanup(&r->rules[i].cond);
  hs_free_scratch(r->proto_scratch);
  hs_free_database(r->db);
  hs_free_database(r->litdb);
  wsp_free(r->lits);
  wsp_free(r->pcre_only);
  wsp_free(r->pats);
  wsp_free(r->rules);
  wsp__rules_index_free(r);
  wsp__arena_cleanup(&r->arena);
  wsp_free(r);
}

size_t wsp_rules_count(const wsp_rules *r)
{
  return r ? r->nrules : 0;
}

const wsp_rule_info *wsp_rules_rule(const wsp_rules *r, size_t i)
{
  return r && i < r->nrules ? &r->rules[i].info : NULL;
}

size_t wsp_rules_pattern_count(const wsp_rules *r)
{
  return r ? r->npats : 0;
}

const wsp_pattern_info *wsp_rules_pattern(const wsp_rules *r, size_t i)
{
  return r && i < r->npats ? &r->pats[i].info : NULL;
}

void wsp_rules_get_stats(const wsp_rules *r, wsp_rules_stats *st)
{
  memset(st, 0, sizeof(*st));
  if (!r)
    return;
  st->rules = r->nrules;
  st->patterns = r->npats;
  st->files = r->nfiles;
  for (size_t i = 0; i < r->nrules; i++)
    if (r->rules[i].info.status != WSP_STATUS_DEPRECATED)
      st->rules_active++;
  for (size_t i = 0; i < r->npats; i++)
    if ((unsigned)r->pats[i].info.tier < WSP_TIER__COUNT)
      st->tier[r->pats[i].info.tier]++;
  st->cache_hit = r->cache_hit;
  st->compile_ms = r->compile_ms;
}

static int active(const wsp_rules *r, size_t p)
{
  return r->rules[r->pats[p].info.rule].info.status != WSP_STATUS_DEPRECATED;
}

/* ---- prefilter trial in a child process -------------------------------- */

/* 1 if expr compiles in prefilter mode within timeout_ms, else 0. */
static int prefilter_trial(const char *expr, unsigned flags,
                           unsigned timeout_ms, unsigned delay_ms)
{
  int fds[2];
  char ok = 0;
  pid_t pid;

  if (pipe(fds) != 0)
    return 0;
  pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    WSP_LOG(WSP_LOG_WARN, "match", "fork failed (%s); pattern made pcre_only",
            strerror(errno));
    return 0;
  }
  if (pid == 0) {
    hs_database_t *db = NULL;
    hs_compile_error_t *e = NULL;
    close(fds[0]);
    if (delay_ms)
      usleep(delay_ms * 1000u);
    char res = hs_compile(expr, flags | HS_FLAG_PREFILTER, HS_MODE_BLOCK, NULL,
                          &db, &e) == HS_SUCCESS;
    if (write(fds[1], &res, 1) != 1)
      _exit(1);
    _exit(0);
  }
  close(fds[1]);
  struct pollfd pf = {fds[0], POLLIN, 0};
  int n;
  do
    n = poll(&pf, 1, (int)timeout_ms);
  while (n < 0 && errno == EINTR);
  if (n > 0 && read(fds[0], &ok, 1) != 1)
    ok = 0;
  if (n <= 0) {
    kill(pid, SIGKILL);
    WSP_LOG(WSP_LOG_WARN, "match",
            "prefilter compile took over %u ms; pattern made pcre_only",
            timeout_ms);
  }
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
    ;
  close(fds[0]);
  return ok == 1;
}

/* ---- cache ------------------------------------------------------------- */

static uint64_t cache_key(const wsp_rules *r)
{
  hs_platform_info_t plat;
  char pver[64] = "";
  uint64_t h = wsp_hash64(CACHE_MAGIC, 8, 0);

  memset(&plat, 0, sizeof(plat));
  hs_populate_platform(&plat);
  pcre2_config(PCRE2_CONFIG_VERSION, pver);
  h = wsp_hash64_mix(h, wsp_hash64(hs_version(), strlen(hs_version()), 1));
  h = wsp_hash64_mix(h, wsp_hash64(pver, strlen(pver), 2));
  h = wsp_hash64_mix(h, plat.tune);
  h = wsp_hash64_mix(h, plat.cpu_features);
  h = wsp_hash64_mix(h, sizeof(void *));
  for (size_t i = 0; i < r->npats; i++) {
    if (!active(r, i))
      continue;
    const wsp_pattern_int *p = &r->pats[i];
    h = wsp_hash64_mix(
        h, wsp_hash64(p->info.expression, strlen(p->info.expression), 3));
    h = wsp_hash64_mix(h, ((uint64_t)p->hs_flags << 32) | p->pcre_flags);
    h = wsp_hash64_mix(h, i);
  }
  return h;
}

static int cache_dir(const wsp_rules_opts *o, char *out, size_t n)
{
  const char *e;
  if (o && o->cache_dir)
    return snprintf(out, n, "%s", o->cache_dir) < (int)n;
  if ((e = getenv("WSP_CACHE_DIR")) && *e)
    return snprintf(out, n, "%s", e) < (int)n;
  if ((e = getenv("XDG_CACHE_HOME")) && *e)
    return snprintf(out, n, "%s/waspada", e) < (int)n;
  if ((e = getenv("HOME")) && *e)
    return snprintf(out, n, "%s/.cache/waspada", e) < (int)n;
  return 0;
}

static int mkdir_p(const char *dir)
{
  char tmp[4096];
  size_t len = strlen(dir);
  if (len >= sizeof(tmp))
    return -1;
  memcpy(tmp, dir, len + 1);
  for (char *p = tmp + 1; *p; p++)
    if (*p == '/') {
      *p = 0;
      if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
        return -1;
      *p = '/';
    }
  if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
    return -1;
  return 0;
}

static uint64_t checksum(const uint8_t *tiers, size_t nt, const char *db,
                         size_t dblen, const char *lit, size_t litlen)
{
  uint64_t h =
      wsp_hash64_mix(wsp_hash64(tiers, nt, 11), wsp_hash64(db, dblen, 12));
  return wsp_hash64_mix(h, wsp_hash64(lit, litlen, 13));
}

static int read_all(FILE *fp, void *p, size_t n)
{
  return fread(p, 1, n, fp) == n;
}

/* Number of Hyperscan-matched patterns of each database for the current
** tiers. */
static void hs_counts(const wsp_rules *r, size_t *nre, size_t *nlit)
{
  *nre = *nlit = 0;
  for (size_t i = 0; i < r->npats; i++) {
    const wsp_pattern_int *p = &r->pats[i];
    if (p->info.kind == WSP_PATTERN_WORDS || p->lit_derived)
      *nlit += p->info.tier == WSP_TIER_EXACT;
    else
      *nre +=
          p->info.tier == WSP_TIER_EXACT || p->info.tier == WSP_TIER_PREFILTER;
  }
}

static void reset_tiers(wsp_rules *r)
{
  for (size_t i = 0; i < r->npats; i++)
    r->pats[i].info.tier = WSP_TIER_NONE;
}

/* Try the cache. 1: loaded (tiers, r->db and r->litdb set); 0: miss or bad
** file (logged); -1: out of memory. */
static int cache_load(wsp_rules *r, const char *path, uint64_t key,
                      size_t nactive)
{
  FILE *fp = fopen(path, "rb");
  char magic[8];
  uint64_t k, np, dblen, litlen, sum;
  uint8_t *tiers = NULL;
  char *db = NULL, *lit = NULL;
  hs_database_t *hdb = NULL, *hlit = NULL;
  int ok = 0;
  const char *why = "truncated";

  if (!fp)
    return 0;
  if (!read_all(fp, magic, 8) || memcmp(magic, CACHE_MAGIC, 8) != 0) {
    why = "bad magic";
    goto done;
  }
  if (!read_all(fp, &k, 8) || !read_all(fp, &np, 8))
    goto done;
  if (k != key || np != nactive) {
    why = "stale key";
    goto done;
  }
  tiers = wsp_malloc(nactive ? nactive : 1);
  if (!tiers) {
    ok = -1;
    goto done;
  }
  if (!read_all(fp, tiers, nactive))
    goto done;
  if (!read_all(fp, &dblen, 8) || !read_all(fp, &litlen, 8) ||
      !read_all(fp, &sum, 8))
    goto done;
  if (dblen > CACHE_MAX_BYTES || litlen > CACHE_MAX_BYTES) {
    why = "bad length";
    goto done;
  }
  db = wsp_malloc(dblen ? dblen : 1);
  lit = wsp_malloc(litlen ? litlen : 1);
  if (!db || !lit) {
    ok = -1;
    goto done;
  }
  if (!read_all(fp, db, dblen) || !read_all(fp, lit, litlen))
    goto done;
  if (fgetc(fp) != EOF) {
    why = "trailing bytes";
    goto done;
  }
  if (checksum(tiers, nactive, db, dblen, lit, litlen) != sum) {
    why = "checksum mismatch";
    goto done;
  }
  for (size_t i = 0; i < nactive; i++)
    if (tiers[i] < WSP_TIER_EXACT || tiers[i] > WSP_TIER_PCRE_ONLY) {
      why = "bad tier";
      goto done;
    }
  if ((dblen && hs_deserialize_database(db, dblen, &hdb) != HS_SUCCESS) ||
      (litlen && hs_deserialize_database(lit, litlen, &hlit) != HS_SUCCESS)) {
    why = "hyperscan refused the database";
    goto done;
  }
  for (size_t i = 0, j = 0; i < r->npats; i++)
    if (active(r, i))
      r->pats[i].info.tier = (wsp_tier)tiers[j++];
  size_t nre, nlit;
  hs_counts(r, &nre, &nlit);
  if ((nre > 0) != (hdb != NULL) || (nlit > 0) != (hlit != NULL)) {
    reset_tiers(r);
    why = "databases do not fit the tiers";
    goto done;
  }
  r->db = hdb;
  r->litdb = hlit;
  hdb = hlit = NULL;
  ok = 1;
done:
  fclose(fp);
  if (ok == 0)
    WSP_LOG(WSP_LOG_WARN, "match", "ignoring cache file %s: %s; rebuilding",
            path, why);
  hs_free_database(hdb);
  hs_free_database(hlit);
  wsp_free(tiers);
  wsp_free(db);
  wsp_free(lit);
  return ok;
}

static void cache_store(const wsp_rules *r, const char *dir, const char *path,
                        uint64_t key, size_t nactive)
{
  char tmp[4300];
  char *db = NULL, *lit = NULL;
  size_t dblen = 0, litlen = 0;
  uint8_t *tiers = wsp_malloc(nactive ? nactive : 1);
  FILE *fp = NULL;
  int ok = 0;

  if (!tiers)
    return;
  for (size_t i = 0, j = 0; i < r->npats; i++)
    if (active(r, i))
      tiers[j++] = (uint8_t)r->pats[i].info.tier;
  if (r->db && hs_serialize_database(r->db, &db, &dblen) != HS_SUCCESS)
    goto done;
  if (r->litdb && hs_serialize_database(r->litdb, &lit, &litlen) != HS_SUCCESS)
    goto done;
  if (mkdir_p(dir) != 0)
    goto done;
  if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >=
      (int)sizeof(tmp))
    goto done;
  fp = fopen(tmp, "wb");
  if (!fp)
    goto done;
  uint64_t np = nactive, dl = dblen, ll = litlen,
           sum = checksum(tiers, nactive, db, dblen, lit, litlen);
  ok = fwrite(CACHE_MAGIC, 1, 8, fp) == 8 && fwrite(&key, 8, 1, fp) == 1 &&
       fwrite(&np, 8, 1, fp) == 1 && fwrite(tiers, 1, nactive, fp) == nactive &&
       fwrite(&dl, 8, 1, fp) == 1 && fwrite(&ll, 8, 1, fp) == 1 &&
       fwrite(&sum, 8, 1, fp) == 1 &&
       (!dblen || fwrite(db, 1, dblen, fp) == dblen) &&
       (!litlen || fwrite(lit, 1, litlen, fp) == litlen);
  if (fclose(fp) != 0)
    ok = 0;
  if (ok && rename(tmp, path) != 0)
    ok = 0;
  if (!ok)
    unlink(tmp);
done:
  if (!ok)
    WSP_LOG(WSP_LOG_WARN, "match", "cannot write rule cache in %s: %s", dir,
            strerror(errno));
  free(db); /* allocated by Hyperscan's default allocator (malloc) */
  free(lit);
  wsp_free(tiers);
}

/* ---- compile ------------------------------------------------------------ */

/* The literal table: every literal of every active words: pattern, and of
** every active regex that is a finite literal set (literals.c). */
#define MAX_REGEX_LITS 256
static wsp_rc build_lits(wsp_rules *r)
{
  wsp_litstr *tmp = wsp_malloc(MAX_REGEX_LITS * sizeof(*tmp));
  size_t cap = 64;
  wsp_rc rc = WSP_NOMEM;

  r->nlits = 0;
  r->lits = wsp_malloc(cap * sizeof(*r->lits));
  if (!tmp || !r->lits)
    goto fail;
  for (size_t i = 0; i < r->npats; i++) {
    wsp_pattern_int *p = &r->pats[i];
    size_t n = 0;
    p->lit_derived = 0;
    if (!active(r, i))
      continue;
    if (p->info.kind == WSP_PATTERN_WORDS) {
      for (size_t k = 0; k < p->nwords && k < MAX_REGEX_LITS; k++) {
        size_t len = strlen(p->words[k]);
        tmp[n].s = p->words[k];
        tmp[n].lb = len && wsp__is_word_byte((unsigned char)p->words[k][0]);
        tmp[n].rb =
            len && wsp__is_word_byte((unsigned char)p->words[k][len - 1]);
        n++;
      }
      if (p->nwords > MAX_REGEX_LITS) { /* rare: the rest */
        size_t need = r->nlits + p->nwords;
        if (need > cap) {
          wsp_lit *nl = wsp_realloc(r->lits, need * sizeof(*nl));
          if (!nl)
            goto fail;
          r->lits = nl;
          cap = need;
        }
        for (size_t k = MAX_REGEX_LITS; k < p->nwords; k++) {
          size_t len = strlen(p->words[k]);
          r->lits[r->nlits++] = (wsp_lit){
              p->words[k],
              (uint32_t)i,
              (uint32_t)len,
              (uint8_t)(len &&
                        wsp__is_word_byte((unsigned char)p->words[k][0])),
              (uint8_t)(len &&
                        wsp__is_word_byte((unsigned char)p->words[k][len - 1])),
              0};
        }
      }
    } else {
      n = wsp__regex_literals(p->info.expression, &r->arena, tmp,
                              MAX_REGEX_LITS);
      p->lit_derived = n > 0;
    }
    if (r->nlits + n > cap) {
      size_t ncap = (r->nlits + n) * 2;
      wsp_lit *nl = wsp_realloc(r->lits, ncap * sizeof(*nl));
      if (!nl)
        goto fail;
      r->lits = nl;
      cap = ncap;
    }
    for (size_t k = 0; k < n; k++)
      r->lits[r->nlits++] =
          (wsp_lit){tmp[k].s,
                    (uint32_t)i,
                    (uint32_t)strlen(tmp[k].s),
                    tmp[k].lb,
                    tmp[k].rb,
                    (uint8_t)(p->lit_derived && strchr(tmp[k].s, ' '))};
  }
  rc = WSP_OK;
fail:
  wsp_free(tmp);
  return rc;
}

/* Hyperscan expression of a literal: every byte literal, punctuation
** escaped. */
static char *lit_expr(const char *w)
{
  size_t n = strlen(w);
  char *e = wsp_malloc(n * 4 + 1), *o = e;
  if (!e)
    return NULL;
  for (const unsigned char *p = (const unsigned char *)w; *p; p++) {
    if (*p >= 0x80 || wsp__is_word_byte(*p) || *p == ' ')
      *o++ = (char)*p;
    else if (*p < 0x20 || *p == 0x7f)
      o += sprintf(o, "\\x%02x", *p);
    else {
      *o++ = '\\';
      *o++ = (char)*p;
    }
  }
  *o = 0;
  return e;
}

static wsp_rc build_litdb(wsp_rules *r, wsp_err *err)
{
  char **exprs = wsp_calloc(r->nlits + 1, sizeof(*exprs));
  unsigned *flags = wsp_malloc((r->nlits + 1) * sizeof(*flags));
  unsigned *ids = wsp_malloc((r->nlits + 1) * sizeof(*ids));
  wsp_rc rc = WSP_NOMEM;

  if (!exprs || !flags || !ids)
    goto fail;
  for (size_t attempt = 0;; attempt++) {
    unsigned n = 0;
    for (size_t li = 0; li < r->nlits; li++) {
      const wsp_pattern_int *p = &r->pats[r->lits[li].pattern];
      if (p->info.tier != WSP_TIER_EXACT)
        continue;
      wsp_free(exprs[n]);
      if (!(exprs[n] = lit_expr(r->lits[li].str)))
        goto fail;
      flags[n] = p->info.caseless ? HS_FLAG_CASELESS : 0;
      ids[n] = (unsigned)li;
      n++;
    }
    if (n == 0)
      break;
    hs_compile_error_t *ce = NULL;
    if (hs_compile_multi((const char *const *)exprs, flags, ids, n,
                         HS_MODE_BLOCK, NULL, &r->litdb, &ce) == HS_SUCCESS)
      break;
    r->litdb = NULL;
    if (ce->expression < 0 || (unsigned)ce->expression >= n ||
        attempt > r->npats) {
      rc = wsp_err_set(err, WSP_COMPILE, "hyperscan (literals): %s",
                       ce->message);
      hs_free_compile_error(ce);
      goto fail;
    }
    wsp_pattern_int *bad = &r->pats[r->lits[ids[ce->expression]].pattern];
    WSP_LOG(WSP_LOG_DEBUG, "match", "hyperscan rejected a literal of %s: %s",
            bad->info.name, ce->message);
    hs_free_compile_error(ce);
    bad->info.tier = WSP_TIER_PCRE_ONLY;
  }
  rc = WSP_OK;
fail:
  for (size_t i = 0; exprs && i < r->nlits; i++)
    wsp_free(exprs[i]);
  wsp_free(exprs);
  wsp_free(flags);
  wsp_free(ids);
  return rc;
}

static wsp_rc build_db(wsp_rules *r, const wsp_rules_opts *o, wsp_err *err)
{
  unsigned timeout =
      o && o->prefilter_timeout_ms ? o->prefilter_timeout_ms : 2000;
  unsigned delay = o ? o->test_prefilter_delay : 0;
  uint64_t budget_start = wsp_time_mono_ns();
  const char **exprs = NULL;
  unsigned *flags = NULL, *ids = NULL;
  wsp_rc rc = WSP_NOMEM;

  /* screen */
  for (size_t i = 0; i < r->npats; i++) {
    wsp_pattern_int *p = &r->pats[i];
    if (!active(r, i)) {
      p->info.tier = WSP_TIER_NONE;
      continue;
    }
    if (p->info.kind == WSP_PATTERN_WORDS || p->lit_derived) {
      p->info.tier = WSP_TIER_EXACT; /* literal database */
      continue;
    }
    hs_expr_info_t *info = NULL;
    hs_compile_error_t *ce = NULL;
    if (hs_expression_info(p->info.expression, p->hs_flags, &info, &ce) ==
        HS_SUCCESS) {
      p->info.tier = WSP_TIER_EXACT;
      free(info);
    } else {
      hs_free_compile_error(ce);
      p->info.tier = WSP_TIER_PREFILTER; /* candidate, trial below */
      double spent = wsp_time_since(budget_start) * 1000.0;
      if (spent > PREFILTER_BUDGET_MS ||
          !prefilter_trial(p->info.expression, p->hs_flags, timeout, delay))
        p->info.tier = WSP_TIER_PCRE_ONLY;
    }
  }
  exprs = wsp_malloc((r->npats + 1) * sizeof(*exprs));
  flags = wsp_malloc((r->npats + 1) * sizeof(*flags));
  ids = wsp_malloc((r->npats + 1) * sizeof(*ids));
  if (!exprs || !flags || !ids)
    goto fail;
  for (size_t attempt = 0;; attempt++) {
    unsigned n = 0;
    for (size_t i = 0; i < r->npats; i++) {
      wsp_pattern_int *p = &r->pats[i];
      if (p->info.kind == WSP_PATTERN_WORDS || p->lit_derived ||
          (p->info.tier != WSP_TIER_EXACT &&
           p->info.tier != WSP_TIER_PREFILTER))
        continue;
      exprs[n] = p->info.expression;
      flags[n] = p->hs_flags |
                 (p->info.tier == WSP_TIER_PREFILTER ? HS_FLAG_PREFILTER : 0);
      ids[n] = (unsigned)i;
      n++;
    }
    if (n == 0)
      break;
    hs_compile_error_t *ce = NULL;
    if (hs_compile_multi(exprs, flags, ids, n, HS_MODE_BLOCK, NULL, &r->db,
                         &ce) == HS_SUCCESS)
      break;
    r->db = NULL;
    if (ce->expression < 0 || (unsigned)ce->expression >= n ||
        attempt > r->npats) {
      rc = wsp_err_set(err, WSP_COMPILE, "hyperscan: %s", ce->message);
      hs_free_compile_error(ce);
      goto fail;
    }
    wsp_pattern_int *bad = &r->pats[ids[ce->expression]];
    WSP_LOG(WSP_LOG_DEBUG, "match", "hyperscan rejected %s: %s", bad->info.name,
            ce->message);
    hs_free_compile_error(ce);
    if (bad->info.tier == WSP_TIER_EXACT &&
        wsp_time_since(budget_start) * 1000.0 <= PREFILTER_BUDGET_MS &&
        prefilter_trial(bad->info.expression, bad->hs_flags, timeout, delay))
      bad->info.tier = WSP_TIER_PREFILTER;
    else
      bad->info.tier = WSP_TIER_PCRE_ONLY;
  }
  rc = build_litdb(r, err);
fail:
  wsp_free(exprs);
  wsp_free(flags);
  wsp_free(ids);
  return rc;
}

wsp_rc wsp_rules_compile(wsp_rules *r, const wsp_rules_opts *o, wsp_err *err)
{
  uint64_t t0 = wsp_time_mono_ns();
  char dir[4096], path[4200];
  int use_cache = !(o && o->no_cache) && cache_dir(o, dir, sizeof(dir));
  size_t nactive = 0;
  uint64_t key = 0;
  wsp_rc rc;

  if (!r || r->compiled)
    return wsp_err_set(err, WSP_INVAL, "rule set already compiled");
  for (size_t i = 0; i < r->npats; i++)
    nactive += active(r, i);
  r->cache_hit = 0;
  if ((rc = build_lits(r)) != WSP_OK)
    goto fail;
  if (use_cache) {
    key = cache_key(r);
    snprintf(path, sizeof(path), "%s/%016llx.hsdb", dir,
             (unsigned long long)key);
    int got = cache_load(r, path, key, nactive);
    if (got < 0) {
      rc = WSP_NOMEM;
      goto fail;
    }
    r->cache_hit = got;
  }
  if (!r->cache_hit) {
    rc = build_db(r, o, err);
    if (rc != WSP_OK)
      goto fail;
    if (use_cache)
      cache_store(r, dir, path, key, nactive);
  }
  size_t npo = 0;
  for (size_t i = 0; i < r->npats; i++)
    npo += r->pats[i].info.tier == WSP_TIER_PCRE_ONLY;
  rc = WSP_NOMEM;
  r->pcre_only = wsp_malloc((npo ? npo : 1) * sizeof(*r->pcre_only));
  if (!r->pcre_only)
    goto fail;
  r->npcre_only = 0;
  for (size_t i = 0; i < r->npats; i++)
    if (r->pats[i].info.tier == WSP_TIER_PCRE_ONLY)
      r->pcre_only[r->npcre_only++] = (uint32_t)i;
  if ((r->db && hs_alloc_scratch(r->db, &r->proto_scratch) != HS_SUCCESS) ||
      (r->litdb &&
       hs_alloc_scratch(r->litdb, &r->proto_scratch) != HS_SUCCESS)) {
    rc = wsp_err_set(err, WSP_NOMEM, "hyperscan scratch allocation failed");
    goto fail;
  }
  r->compiled = 1;
  r->compile_ms = wsp_time_since(t0) * 1000.0;
  WSP_LOG(WSP_LOG_INFO, "match",
          "compiled %zu rules, %zu patterns in %.1f ms%s", r->nrules, r->npats,
          r->compile_ms, r->cache_hit ? " (cache hit)" : "");
  return WSP_OK;
fail:
  hs_free_scratch(r->proto_scratch);
  r->proto_scratch = NULL;
  hs_free_database(r->db);
  r->db = NULL;
  hs_free_database(r->litdb);
  r->litdb = NULL;
  wsp_free(r->lits);
  r->lits = NULL;
  r->nlits = 0;
  wsp_free(r->pcre_only);
  r->pcre_only = NULL;
  r->npcre_only = 0;
  reset_tiers(r);
  return rc;
}

wsp_rc wsp_rules_build(const char *const *paths, size_t npaths,
                       const wsp_rules_opts *opts, wsp_diag_fn diag, void *ud,
                       wsp_rules **out, wsp_err *err)
{
  wsp_rules *r = NULL;
  wsp_rc rc = wsp_rules_new(&r), worst = WSP_OK;

  *out = NULL;
  if (rc != WSP_OK)
    return wsp_err_set(err, rc, "cannot allocate rule set");
  for (size_t i = 0; i < npaths; i++) {
    rc = wsp_rules_add_path(r, paths[i], diag, ud);
    if (rc == WSP_NOMEM) {
      wsp_rules_free(r);
      return wsp_err_set(err, rc, "out of memory loading %s", paths[i]);
    }
    if (rc != WSP_OK && worst == WSP_OK)
      worst = rc;
  }
  if (worst != WSP_OK) {
    wsp_rules_free(r);
    return wsp_err_set(err, WSP_RULES, "rule files have errors");
  }
  rc = wsp_rules_compile(r, opts, err);
  if (rc != WSP_OK) {
    wsp_rules_free(r);
    return rc;
  }
  *out = r;
  return WSP_OK;
}
