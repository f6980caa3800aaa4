/* text/entities.c: entity extraction of entities.h.
**
** Every detector reads the NORMALISED text (lower case, invisibles gone,
** look-alikes and leetspeak undone, whitespace collapsed) and reports spans
** in the ORIGINAL through the offset map. Case-sensitive parts (URL paths,
** invite codes) are copied from the original bytes. Order: links and
** e-mails first (so the digits of wa.me/62... are not reported again as a
** phone), then @handles in context, phones, money, ages, places. The list is
** sorted by start offset. Bounded: at most WSP_ENTITIES_MAX entities and
** WSP_ENTITIES_POOL_MAX bytes of values per post; the rest is dropped. */
#define _GNU_SOURCE /* memmem */
#include "text/entities.h"

#include "core/alloc.h"
#include "text/gaz_int.h"
#include "text/text_int.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WSP_ENTITIES_MAX 1024
#define WSP_ENTITIES_POOL_MAX (1u << 20)

struct ent_pool {
  char *data;
  size_t len, cap;
  size_t *off;     /* value offset per item */
  size_t *ns, *ne; /* normalised span per item */
  size_t idx_cap;
};

const char *wsp_entity_kind_name(wsp_entity_kind kind)
{
  switch (kind) {
#define WSP_X(name, str)                                                       \
  case WSP_ENT_##name:                                                         \
    return str;
    WSP_ENTITY_KINDS(WSP_X)
#undef WSP_X
  default:
    return NULL;
  }
}

void wsp_entities_init(wsp_entities *e)
{
  memset(e, 0, sizeof(*e));
}

void wsp_entities_cleanup(wsp_entities *e)
{
  struct ent_pool *p;

  if (!e)
    return;
  p = e->pool;
  if (p) {
    wsp_free(p->data);
    wsp_free(p->off);
    wsp_free(p->ns);
    wsp_free(p->ne);
    wsp_free(p);
  }
  wsp_free(e->items);
  memset(e, 0, sizeof(*e));
}

struct ctx {
  const char *o; /* original */
  size_t olen;
  const wsp_norm *n;
  const char *t; /* normalised */
  size_t len;
  wsp_entities *e;
  struct ent_pool *p;
  wsp_rc rc;
};

static int is_digit(unsigned char c)
{
  return (unsigned)(c - '0') < 10u;
}
static int is_alpha(unsigned char c)
{
  return (unsigned)(c - 'a') < 26u;
}
static int is_alnum(unsigned char c)
{
  return is_digit(c) || is_alpha(c);
}
/* byte that may belong to a word (non-ASCII letters included) */
static int is_wordb(unsigned char c)
{
  return is_alnum(c) || c >= 0x80;
}

static int word_start(const struct ctx *c, size_t i)
{
  return i == 0 || !is_wordb((unsigned char)c->t[i - 1]);
}

/* Length of lit if t[i..] starts with it, else 0. */
static size_t lit_at(const struct ctx *c, size_t i, const char *lit)
{
  size_t n;
  if (i >= c->len || c->t[i] != lit[0])
    return 0; /* cheap reject before strlen/memcmp */
  n = strlen(lit);
  return (c->len - i >= n && memcmp(c->t + i, lit, n) == 0) ? n : 0;
}

/* Like lit_at, but the literal must end at a word boundary. */
static size_t word_at(const struct ctx *c, size_t i, const char *lit)
{
  size_t n = lit_at(c, i, lit);
  if (n && i + n < c->len && is_wordb((unsigned char)c->t[i + n]) &&
      is_wordb((unsigned char)lit[n - 1]))
    return 0;
  return n;
}

/* First literal of list (NULL-terminated) that is a whole word at i; sets
** *which to its index. */
static size_t word_in(const struct ctx *c, size_t i, const char *const *list,
                      size_t *which)
{
  for (size_t k = 0; list[k]; k++) {
    size_t n = word_at(c, i, list[k]);
    if (n) {
      if (which)
        *which = k;
      return n;
    }
  }
  return 0;
}

/* Smallest position >= from where one of words (NULL-terminated, each at
** least 2 bytes) occurs, or c->len. One pass: 16 positions at a time are
** tested for the first two bytes of every word, then candidates are
** compared in full. */
static size_t find_any(const struct ctx *c, size_t from,
                       const char *const *words)
{
  const char *t = c->t;
  size_t len = c->len, p = from;

  while (p + 17 <= len) {
    v16u x0 = load16(t + p), x1 = load16(t + p + 1);
    v16s m = {0};
    for (size_t k = 0; words[k]; k++)
      m |= (v16s)((x0 == (unsigned char)words[k][0]) &
                  (x1 == (unsigned char)words[k][1]));
    while (any16(m)) {
      size_t lane = first16(m), q = p + lane;
      for (size_t k = 0; words[k]; k++)
        if (lit_at(c, q, words[k]))
          return q;
      m[lane] = 0; /* not a match: try the other lanes */
    }
    p += 16;
  }
  for (; p < len; p++)
    for (size_t k = 0; words[k]; k++)
      if (lit_at(c, p, words[k]))
        return p;
  return len;
}

static int covered(const struct ctx *c, size_t s, size_t e)
{
  for (size_t i = 0; i < c->e->count; i++)
    if (s < c->p->ne[i] && c->p->ns[i] < e)
      return 1;
  return 0;
}

static void add(struct ctx *c, wsp_entity_kind kind, size_t ns, size_t ne,
                const char *v, size_t vl)
{
  wsp_entities *e = c->e;
  struct ent_pool *p = c->p;

  if (c->rc != WSP_OK || e->count >= WSP_ENTITIES_MAX ||
      p->len + vl + 1 > WSP_ENTITIES_POOL_MAX || ne <= ns)
    return;
  if (e->count == e->cap) {
    size_t nc = e->cap ? e->cap * 2 : 16;
    wsp_entity *it = wsp_realloc(e->items, nc * sizeof(*it));
    if (!it) {
      c->rc = WSP_NOMEM;
      return;
    }
    e->items = it;
    e->cap = nc;
  }
  if (e->count == p->idx_cap) {
    size_t nc = p->idx_cap ? p->idx_cap * 2 : 16;
    size_t *a = wsp_realloc(p->off, nc * sizeof(size_t));
    if (!a) {
      c->rc = WSP_NOMEM;
      return;
    }
    p->off = a;
    a = wsp_realloc(p->ns, nc * sizeof(size_t));
    if (!a) {
      c->rc = WSP_NOMEM;
      return;
    }
    p->ns = a;
    a = wsp_realloc(p->ne, nc * sizeof(size_t));
    if (!a) {
      c->rc = WSP_NOMEM;
      return;
    }
    p->ne = a;
    p->idx_cap = nc;
  }
  if (p->len + vl + 1 > p->cap) {
    size_t nc = p->cap ? p->cap : 1024;
    char *d;
    while (nc < p->len + vl + 1)
      nc *= 2;
    d = wsp_realloc(p->data, nc);
    if (!d) {
      c->rc = WSP_NOMEM;
      return;
    }
    p->data = d;
    p->cap = nc;
  }
  memcpy(p->data + p->len, v, vl);
  p->data[p->len + vl] = '\0';
  p->off[e->count] = p->len;
  p->ns[e->count] = ns;
  p->ne[e->count] = ne;
  p->len += vl + 1;
  e->items[e->count].kind = kind;
  e->items[e->count].value = NULL;
  e->items[e->count].start = wsp_norm_orig_start(c->n, ns);
  e->items[e->count].end = wsp_norm_orig_end(c->n, ne);
  e->count++;
}

/* Copy the original bytes behind normalised [s, e) into out (cap bytes):
** printable ASCII only; if the original holds anything else there (fancy
** letters, invisible characters) the normalised text is used instead.
** Returns the length. */
static size_t orig_or_norm(const struct ctx *c, size_t s, size_t e, char *out,
                           size_t cap, int lower)
{
  size_t os = wsp_norm_orig_start(c->n, s), oe = wsp_norm_orig_end(c->n, e);
  size_t n = 0;
  int clean = oe >= os && oe - os == e - s;

  for (size_t i = os; clean && i < oe; i++) {
    unsigned char b = (unsigned char)c->o[i];
    if (b <= 0x20 || b >= 0x7F)
      clean = 0;
  }
  if (clean) {
    for (size_t i = os; i < oe && n + 1 < cap; i++) {
      char b = c->o[i];
      out[n++] = (char)(lower && b >= 'A' && b <= 'Z' ? b + 32 : b);
    }
  } else {
    for (size_t i = s; i < e && n + 1 < cap; i++)
      out[n++] = c->t[i];
  }
  out[n] = '\0';
  return n;
}

/* ---- links, e-mail ---------------------------------------------------- */

static const char *const tlds[] = {
    "com",  "net",     "org",  "id",    "co",     "me",    "ly",    "io",
    "xyz",  "info",    "top",  "site",  "online", "link",  "app",   "cc",
    "biz",  "us",      "uk",   "my",    "sg",     "kh",    "th",    "vn",
    "ph",   "tw",      "hk",   "jp",    "kr",     "cn",    "ru",    "ae",
    "sa",   "tk",      "ml",   "ga",    "cf",     "gq",    "gl",    "gle",
    "ee",   "to",      "ws",   "click", "live",   "store", "shop",  "vip",
    "club", "fun",     "icu",  "buzz",  "work",   "asia",  "pro",   "tv",
    "gg",   "page",    "dev",  "ai",    "blog",   "news",  "lol",   "win",
    "bet",  "sbs",     "cfd",  "cyou",  "bond",   "today", "world", "space",
    "tech", "website", "life", "mobi",  "cloud",  "email", "group", "team",
    "gov",  "edu",     "la",   "mm",    "in",     NULL};

static int url_char(unsigned char b)
{
  return is_alnum(b) || (b && strchr("-._~:/?#[]@!$&'()*+,;=%", b) != NULL);
}

/* Parse host labels at i: [a-z0-9-]+ ('.' [a-z0-9-]+)+. Returns the end,
** sets *labels and *last (start of the last label); i if none. */
static size_t parse_host(const struct ctx *c, size_t i, int *labels,
                         size_t *last)
{
  size_t p = i, end = i;
  int nl = 0;

  while (p < c->len && nl < 16) {
    size_t q = p;
    while (q < c->len && (is_alnum((unsigned char)c->t[q]) || c->t[q] == '-') &&
           q - p < 63)
      q++;
    if (q == p)
      break;
    nl++;
    *last = p;
    end = q;
    if (q + 1 < c->len && c->t[q] == '.' &&
        is_alnum((unsigned char)c->t[q + 1]))
      p = q + 1;
    else
      break;
  }
  *labels = nl;
  return nl >= 2 ? end : i;
}

static int tld_ok(const struct ctx *c, size_t s, size_t e)
{
  for (size_t k = 0; tlds[k]; k++)
    if (strlen(tlds[k]) == e - s && memcmp(c->t + s, tlds[k], e - s) == 0)
      return 1;
  return 0;
}

/* Digits of a WhatsApp number at t[i..) ("62812...", "0812...", "+62...")
** as E.164 into out; 0 if not a plausible number. */
static size_t e164_from(const char *d, size_t nd, char *out)
{
  size_t k = 0;

  if (nd < 8 || nd > 15)
    return 0;
  if (d[0] == '0') {
    if (nd < 9)
      return 0;
    memcpy(out, "+62", 3);
    memcpy(out + 3, d + 1, nd - 1);
    k = nd + 2;
  } else {
    out[0] = '+';
    memcpy(out + 1, d, nd);
    k = nd + 1;
  }
  out[k] = '\0';
  return k;
}

static void link_at(struct ctx *c, size_t i, size_t *next)
{
  size_t p = i, hs, he, last = 0, pe, ps;
  int labels = 0, scheme = 0, www = 0;
  char val[512], path[400];
  size_t vl;

  *next = i + 1;
  if (lit_at(c, p, "https://"))
    p += 8, scheme = 1;
  else if (lit_at(c, p, "http://"))
    p += 7, scheme = 1;
  if (lit_at(c, p, "www."))
    www = 1;
  hs = p;
  he = parse_host(c, p, &labels, &last);
  if (he == p)
    return;
  if (he < c->len && c->t[he] == '@')
    return; /* local part of an e-mail */
  if (!scheme && !www && !tld_ok(c, last, he))
    return;
  /* a host made of digits only ("15.000.000") is a number */
  {
    int alpha = 0;
    for (size_t k = hs; k < he; k++)
      alpha |= is_alpha((unsigned char)c->t[k]);
    if (!alpha)
      return;
  }
  pe = he;
  if (pe < c->len && c->t[pe] && strchr("/?#:", c->t[pe]))
    while (pe < c->len && url_char((unsigned char)c->t[pe]) && pe - he < 2048)
      pe++;
  while (pe > he && c->t[pe - 1] && strchr(".,;:!?)'\"]", c->t[pe - 1]))
    pe--;
  *next = pe;
  if (covered(c, i, pe))
    return;
  ps = he;
  orig_or_norm(c, ps, pe, path, sizeof(path), 0);
  /* classify by host */
#define HOST_IS(lit)                                                           \
  (he - hs == strlen(lit) && memcmp(c->t + hs, lit, he - hs) == 0)
  if (HOST_IS("wa.me") || HOST_IS("api.whatsapp.com") ||
      HOST_IS("whatsapp.com") || HOST_IS("web.whatsapp.com") ||
      HOST_IS("www.whatsapp.com") || HOST_IS("wa.link") ||
      HOST_IS("chat.whatsapp.com") || HOST_IS("www.wa.me")) {
    char d[24];
    size_t nd = 0;
    const char *q = path;
    if (HOST_IS("wa.me") || HOST_IS("www.wa.me")) {
      if (*q == '/')
        q++;
    } else {
      const char *ph = strstr(path, "phone=");
      q = ph ? ph + 6 : "";
    }
    if (*q == '+')
      q++;
    while (is_digit((unsigned char)*q) && nd < sizeof(d))
      d[nd++] = *q++;
    if (nd > 0 && (vl = e164_from(d, nd, val)) > 0) {
      add(c, WSP_ENT_WA, i, pe, val, vl);
      return;
    }
    vl = (size_t)snprintf(val, sizeof(val), "%.*s%s", (int)(he - hs), c->t + hs,
                          path);
    add(c, WSP_ENT_WA, i, pe, val, vl < sizeof(val) ? vl : sizeof(val) - 1);
    return;
  }
  if (HOST_IS("t.me") || HOST_IS("telegram.me") || HOST_IS("telegram.dog") ||
      HOST_IS("www.t.me")) {
    const char *q = path;
    if (*q == '/')
      q++;
    if (*q == '+' || strncmp(q, "joinchat", 8) == 0 || *q == '\0') {
      vl = (size_t)snprintf(val, sizeof(val), "t.me/%s", q);
    } else {
      size_t k = 0;
      val[k++] = '@';
      while (k + 1 < 64 &&
             (is_alnum((unsigned char)(*q | 0x20)) || *q == '_')) {
        char ch = *q++;
        val[k++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
      }
      val[k] = '\0';
      vl = k;
    }
    add(c, WSP_ENT_TELEGRAM, i, pe, val,
        vl < sizeof(val) ? vl : sizeof(val) - 1);
    return;
  }
#undef HOST_IS
  vl = (size_t)snprintf(
      val, sizeof(val), "%s%.*s%s",
      scheme ? (lit_at(c, i, "https://") ? "https://" : "http://") : "",
      (int)(he - hs), c->t + hs, path);
  add(c, WSP_ENT_URL, i, pe, val, vl < sizeof(val) ? vl : sizeof(val) - 1);
}

static const char *const mail_providers[] = {
    "gmail",  "yahoo",      "hotmail", "outlook", "ymail",
    "icloud", "protonmail", "proton",  "live",    "aol",
    "mail",   "rocketmail", "yandex",  NULL};

/* Domain after an e-mail separator: labels joined by ".", " dot ", "(dot)",
** "[dot]" or " . ". Writes "label.label" into out; returns the end or 0. */
static size_t mail_domain(const struct ctx *c, size_t p, char *out, size_t cap,
                          int *first_is_provider)
{
  static const char *const dots[] = {".",   " dot ",   "(dot)",   "[dot]",
                                     " . ", " (dot) ", " [dot] ", NULL};
  size_t k = 0, nl = 0, end = 0, last_s = 0;

  *first_is_provider = 0;
  while (nl < 8) {
    size_t q = p, d = 0;
    while (q < c->len && (is_alnum((unsigned char)c->t[q]) || c->t[q] == '-') &&
           q - p < 63)
      q++;
    if (q == p)
      break;
    if (nl == 0) {
      for (size_t m = 0; mail_providers[m]; m++)
        if (strlen(mail_providers[m]) == q - p &&
            memcmp(c->t + p, mail_providers[m], q - p) == 0)
          *first_is_provider = 1;
    } else if (k + 1 < cap) {
      out[k++] = '.';
    }
    for (size_t j = p; j < q && k + 1 < cap; j++)
      out[k++] = c->t[j];
    nl++;
    end = q;
    last_s = p;
    for (size_t m = 0; dots[m]; m++)
      if ((d = lit_at(c, q, dots[m])) != 0 && q + d < c->len &&
          is_alnum((unsigned char)c->t[q + d]))
        break;
      else
        d = 0;
    if (!d)
      break;
    p = q + d;
  }
  out[k] = '\0';
  if (nl < 2)
    return 0;
  /* last label alphabetic, >= 2 letters */
  if (end - last_s < 2)
    return 0;
  for (size_t j = last_s; j < end; j++)
    if (!is_alpha((unsigned char)c->t[j]))
      return 0;
  return end;
}

static void emails(struct ctx *c)
{
  static const char *const ats[] = {"@",      " @ ",    "(at)", "[at]",
                                    " (at) ", " [at] ", " at ", NULL};
  /* spelt-out separators are rare: without them, only '@' matters */
  static const char *const seps[] = {"(at)", "[at]", " at ", " @ ", NULL};
  int spelt = find_any(c, 0, seps) < c->len;
  for (size_t i = 0; i < c->len; i++) {
    size_t a = 0, which = 0, ls, dend;
    char dom[256], val[400];
    int prov;

    if (!spelt) {
      const char *at = memchr(c->t + i, '@', c->len - i);
      if (!at)
        break;
      i = (size_t)(at - c->t);
    }

    if (c->t[i] != '@' && c->t[i] != '(' && c->t[i] != '[' &&
        !(c->t[i] == ' ' && i + 1 < c->len &&
          (c->t[i + 1] == '@' || c->t[i + 1] == '(' || c->t[i + 1] == '[' ||
           c->t[i + 1] == 'a')))
      continue;
    for (size_t k = 0; ats[k]; k++)
      if ((a = lit_at(c, i, ats[k])) != 0) {
        which = k;
        break;
      }
    if (!a || i == 0 || !is_alnum((unsigned char)c->t[i - 1]))
      continue;
    ls = i;
    while (ls > 0 && i - ls < 64 &&
           (is_alnum((unsigned char)c->t[ls - 1]) || c->t[ls - 1] == '.' ||
            c->t[ls - 1] == '_' || c->t[ls - 1] == '-' || c->t[ls - 1] == '+'))
      ls--;
    while (ls < i && !is_alnum((unsigned char)c->t[ls]))
      ls++;
    dend = mail_domain(c, i + a, dom, sizeof(dom), &prov);
    if (!dend)
      continue;
    if (which != 0 && !prov)
      continue; /* "kerja at home dot ..." is not an address */
    if (covered(c, ls, dend))
      continue;
    {
      size_t vl = (size_t)snprintf(val, sizeof(val), "%.*s@%s", (int)(i - ls),
                                   c->t + ls, dom);
      add(c, WSP_ENT_EMAIL, ls, dend, val,
          vl < sizeof(val) ? vl : sizeof(val) - 1);
    }
    i = dend;
  }
}

static int link_byte(unsigned char b)
{
  return is_alnum(b) || b == '-' || b == '.' || b == ':' || b == '/' ||
         b == '_' || b == '~';
}

static void links(struct ctx *c)
{
  size_t cur = 0; /* nothing before cur is looked at again */

  while (cur < c->len) {
    size_t d = cur + strcspn(c->t + cur, ".:"), i, next;
    if (d >= c->len)
      break;
    /* back to the start of the token holding the dot */
    i = d;
    while (i > cur && link_byte((unsigned char)c->t[i - 1]))
      i--;
    while (i < d && !is_alnum((unsigned char)c->t[i]))
      i++;
    if (i == d || !word_start(c, i) ||
        (i > 0 && (c->t[i - 1] == '@' || c->t[i - 1] == '.'))) {
      cur = d + 1;
      continue;
    }
    link_at(c, i, &next);
    cur = next > d ? next : d + 1;
  }
}

/* ---- @handles after a platform word ---------------------------------- */

static void handles(struct ctx *c)
{
  static const char *const tg[] = {"telegram", "tele",   "tg", "tlg",
                                   "telgram",  "telegr", NULL};
  static const char *const other[] = {
      "ig", "instagram", "insta",  "dm",   "tiktok", "twitter",
      "fb", "facebook",  "follow", "akun", NULL};
  for (size_t i = 0; i < c->len; i++) {
    size_t s, e, w, kw = SIZE_MAX;
    int is_tg = 0;
    char val[80];
    const char *at = memchr(c->t + i, '@', c->len - i);

    if (!at)
      break;
    i = (size_t)(at - c->t);

    if (c->t[i] != '@' || (i > 0 && is_alnum((unsigned char)c->t[i - 1])))
      continue;
    e = i + 1;
    while (
        e < c->len && e - i < 40 &&
        (is_alnum((unsigned char)c->t[e]) || c->t[e] == '_' || c->t[e] == '.'))
      e++;
    while (e > i + 1 && c->t[e - 1] == '.')
      e--;
    if (e - i < 4 || covered(c, i, e))
      continue;
    /* platform word within the previous 24 bytes of the same line */
    s = i;
    for (w = i; w > 0 && i - w < 24 && c->t[w - 1] != '\n'; w--) {
      size_t k;
      if (!word_start(c, w - 1))
        continue;
      if (word_in(c, w - 1, tg, &k)) {
        is_tg = 1;
        kw = w - 1;
        break;
      }
      if (word_in(c, w - 1, other, &k)) {
        kw = w - 1;
        break;
      }
    }
    if (kw == SIZE_MAX)
      continue;
    {
      size_t vl = 1;
      val[0] = '@';
      vl += orig_or_norm(c, i + 1, e, val + 1, sizeof(val) - 1, 1);
      add(c, is_tg ? WSP_ENT_TELEGRAM : WSP_ENT_HANDLE, s, e, val, vl);
    }
    i = e;
  }
}

/* ---- phones ------------------------------------------------------------ */

static const char *const digit_words[] = {
    "nol",   "kosong",  "satu",     "dua",   "tiga", "empat", "lima",  "enam",
    "tujuh", "delapan", "sembilan", "zero",  "one",  "two",   "three", "four",
    "five",  "six",     "seven",    "eight", "nine", NULL};

static int digit_word_at(const struct ctx *c, size_t i, size_t *n)
{
  size_t k;
  if (!word_start(c, i))
    return -1;
  if ((*n = word_in(c, i, digit_words, &k)) == 0)
    return -1;
  /* index -> digit: nol kosong satu ... sembilan zero one ... nine */
  if (k <= 1)
    return 0;
  if (k <= 10)
    return (int)(k - 1);
  return (int)(k - 11);
}

#define PHONE_MAX_DIGITS 18

static size_t phone_valid(const char *d, size_t nd, int plus, char *out)
{
  if (plus) {
    if (nd >= 2 && d[0] == '6' && d[1] == '2') {
      if (nd - 2 < 8 || nd - 2 > 12)
        return 0;
    } else if (nd < 8 || nd > 15) {
      return 0;
    }
    out[0] = '+';
    memcpy(out + 1, d, nd);
    out[nd + 1] = '\0';
    return nd + 1;
  }
  if (nd >= 11 && d[0] == '6' && d[1] == '2' && d[2] == '8') {
    if (nd - 2 > 12)
      return 0;
    out[0] = '+';
    memcpy(out + 1, d, nd);
    out[nd + 1] = '\0';
    return nd + 1;
  }
  if (d[0] == '0') {
    if (nd < 2)
      return 0;
    if (d[1] == '8') {
      if (nd < 10 || nd > 13)
        return 0;
    } else if (d[1] >= '2' && d[1] <= '9') {
      if (nd < 9 || nd > 12)
        return 0;
    } else {
      return 0;
    }
    memcpy(out, "+62", 3);
    memcpy(out + 3, d + 1, nd - 1);
    out[nd + 2] = '\0';
    return nd + 2;
  }
  return 0;
}

/* The digit at t[p], or a letter standing in for one inside a number
** ("08l2-3456-789o"): o for 0, l or i for 1, after a digit and before a
** digit or the end of the group. 0 otherwise. */
static char digit_like(const struct ctx *c, size_t p)
{
  unsigned char b = (unsigned char)c->t[p], nx;
  if (is_digit(b))
    return (char)b;
  if ((b != 'o' && b != 'l' && b != 'i') || p == 0 ||
      !is_digit((unsigned char)c->t[p - 1]))
    return 0;
  nx = p + 1 < c->len ? (unsigned char)c->t[p + 1] : 0;
  if (is_alpha(nx))
    return 0;
  return b == 'o' ? '0' : '1';
}

static void phones(struct ctx *c)
{
  static const char *const spelt0[] = {"nol", "kosong", "zero", NULL};
  size_t spelt = find_any(c, 0, spelt0);

  for (size_t i = 0; i < c->len; i++) {
    unsigned char b;
    size_t dg = i + strcspn(c->t + i, "0123456789+");
    if (spelt < i)
      spelt = find_any(c, i, spelt0);
    i = dg < spelt ? dg : spelt;
    if (i >= c->len)
      break;
    b = (unsigned char)c->t[i];
    char d[PHONE_MAX_DIGITS + 1], val[32];
    size_t dend[PHONE_MAX_DIGITS + 1];
    int gb[PHONE_MAX_DIGITS + 1]; /* group ends after digit k */
    size_t nd = 0, p = i, wl;
    int plus = 0, dw, toolong = 0;

    if (!(is_digit(b) ||
          (b == '+' && i + 1 < c->len &&
           is_digit((unsigned char)c->t[i + 1])) ||
          (is_alpha(b) && word_start(c, i))))
      continue;
    if (i > 0 && (is_digit((unsigned char)c->t[i - 1]) ||
                  (is_digit(b) && (c->t[i - 1] == '.' || c->t[i - 1] == ','))))
      continue;
    if (is_alpha(b) &&
        ((b != 'n' && b != 'k' && b != 'z') || digit_word_at(c, i, &wl) != 0))
      continue; /* spelt numbers must start with nol/kosong/zero */
    if (b == '+') {
      plus = 1;
      p++;
    }
    for (;;) {
      size_t q, seps = 0;
      if (p < c->len && is_digit((unsigned char)c->t[p])) {
        char dc;
        while (p < c->len && (dc = digit_like(c, p)) != 0) {
          if (nd >= PHONE_MAX_DIGITS) {
            toolong = 1; /* try the prefixes collected so far */
            break;
          }
          d[nd] = dc;
          gb[nd] = 0;
          dend[nd++] = ++p;
        }
        if (toolong)
          break;
        if (p < c->len && is_alpha((unsigned char)c->t[p]))
          break; /* "0812abc": glued to a word */
        gb[nd - 1] = 1;
      } else if (p < c->len && (dw = digit_word_at(c, p, &wl)) >= 0) {
        if (nd >= PHONE_MAX_DIGITS)
          break;
        d[nd] = (char)('0' + dw);
        gb[nd] = 1;
        p += wl;
        dend[nd++] = p;
      } else {
        break;
      }
      q = p;
      while (q < c->len && seps < 3 && c->t[q] && strchr(" -.()/", c->t[q]))
        q++, seps++;
      if (q >= c->len || q == p)
        break;
      if (!is_digit((unsigned char)c->t[q]) && digit_word_at(c, q, &wl) < 0)
        break;
      p = q;
    }
    (void)toolong;
    if (nd < 8) {
      /* skip the rest of this digit run */
      while (i + 1 < c->len && is_digit((unsigned char)c->t[i + 1]))
        i++;
      continue;
    }
    for (size_t k = nd; k >= 8; k--) {
      size_t vl;
      if (!gb[k - 1])
        continue;
      {
        /* a lone trailing digit after grouped digits ("0812 3456 7890 2
        ** orang") is not part of the number */
        size_t g = k - 1, pg;
        while (g > 0 && !gb[g - 1])
          g--;
        pg = g;
        while (pg > 0 && (pg == g || !gb[pg - 1]))
          pg--;
        if (k - g == 1 && g > 0 && g - pg >= 3)
          continue;
      }
      if ((vl = phone_valid(d, k, plus, val)) == 0)
        continue;
      if (!covered(c, i, dend[k - 1]))
        add(c, WSP_ENT_PHONE, i > 0 && c->t[i - 1] == '(' ? i - 1 : i,
            dend[k - 1], val, vl);
      i = dend[k - 1] - 1;
      break;
    }
    while (i + 1 < c->len && is_digit((unsigned char)c->t[i + 1]))
      i++;
  }
}

/* ---- money ------------------------------------------------------------- */

struct cur {
  const char *lit, *iso;
  size_t len; /* strlen(lit) */
};
static const struct cur cur_prefix[] = {
    {"rp.", "IDR", sizeof("rp.") - 1},
    {"rp", "IDR", sizeof("rp") - 1},
    {"idr", "IDR", sizeof("idr") - 1},
    {"us$", "USD", sizeof("us$") - 1},
    {"usd", "USD", sizeof("usd") - 1},
    {"$", "USD", sizeof("$") - 1},
    {"rm", "MYR", sizeof("rm") - 1},
    {"myr", "MYR", sizeof("myr") - 1},
    {"sgd", "SGD", sizeof("sgd") - 1},
    {"s$", "SGD", sizeof("s$") - 1},
    {"nt$", "TWD", sizeof("nt$") - 1},
    {"ntd", "TWD", sizeof("ntd") - 1},
    {"twd", "TWD", sizeof("twd") - 1},
    {"hk$", "HKD", sizeof("hk$") - 1},
    {"hkd", "HKD", sizeof("hkd") - 1},
    {"aed", "AED", sizeof("aed") - 1},
    {"sar", "SAR", sizeof("sar") - 1},
    {"eur", "EUR", sizeof("eur") - 1},
    {"\xe2\x82\xac", "EUR", sizeof("\xe2\x82\xac") - 1},
    {"\xc2\xa3", "GBP", sizeof("\xc2\xa3") - 1},
    {"gbp", "GBP", sizeof("gbp") - 1},
    {"\xc2\xa5", "JPY", sizeof("\xc2\xa5") - 1},
    {"jpy", "JPY", sizeof("jpy") - 1},
    {"krw", "KRW", sizeof("krw") - 1},
    {"\xe2\x82\xa9", "KRW", sizeof("\xe2\x82\xa9") - 1},
    {"thb", "THB", sizeof("thb") - 1},
    {"\xe0\xb8\xbf", "THB", sizeof("\xe0\xb8\xbf") - 1},
    {NULL, NULL, 0}};
static const struct cur cur_suffix[] = {
    {"usd", "USD", sizeof("usd") - 1},
    {"dollars", "USD", sizeof("dollars") - 1},
    {"dollar", "USD", sizeof("dollar") - 1},
    {"dolar", "USD", sizeof("dolar") - 1},
    {"idr", "IDR", sizeof("idr") - 1},
    {"rupiah", "IDR", sizeof("rupiah") - 1},
    {"ringgit", "MYR", sizeof("ringgit") - 1},
    {"rm", "MYR", sizeof("rm") - 1},
    {"myr", "MYR", sizeof("myr") - 1},
    {"dirham", "AED", sizeof("dirham") - 1},
    {"dirhams", "AED", sizeof("dirhams") - 1},
    {"aed", "AED", sizeof("aed") - 1},
    {"riyal", "SAR", sizeof("riyal") - 1},
    {"real", "SAR", sizeof("real") - 1},
    {"sar", "SAR", sizeof("sar") - 1},
    {"sgd", "SGD", sizeof("sgd") - 1},
    {"twd", "TWD", sizeof("twd") - 1},
    {"ntd", "TWD", sizeof("ntd") - 1},
    {"nt", "TWD", sizeof("nt") - 1},
    {"hkd", "HKD", sizeof("hkd") - 1},
    {"yen", "JPY", sizeof("yen") - 1},
    {"won", "KRW", sizeof("won") - 1},
    {"baht", "THB", sizeof("baht") - 1},
    {"euro", "EUR", sizeof("euro") - 1},
    {"eur", "EUR", sizeof("eur") - 1},
    {"peso", "PHP", sizeof("peso") - 1},
    {"php", "PHP", sizeof("php") - 1},
    {"rupee", "INR", sizeof("rupee") - 1},
    {NULL, NULL, 0}};
static const struct {
  const char *lit;
  double mult;
  int idr; /* implies rupiah when no currency is given */
} multipliers[] = {{"juta", 1e6, 1},   {"jt", 1e6, 1},      {"jta", 1e6, 1},
                   {"ribu", 1e3, 1},   {"rb", 1e3, 1},      {"miliar", 1e9, 1},
                   {"milyar", 1e9, 1}, {"million", 1e6, 0}, {"k", 1e3, 0},
                   {NULL, 0, 0}};
static const struct {
  const char *lit, *period;
} periods[] = {{"/bulan", "month"},
               {"/bln", "month"},
               {"/month", "month"},
               {"/mo", "month"},
               {"/hari", "day"},
               {"/day", "day"},
               {"/jam", "hour"},
               {"/hour", "hour"},
               {"/hr", "hour"},
               {"/minggu", "week"},
               {"/week", "week"},
               {"/tahun", "year"},
               {"/thn", "year"},
               {"/year", "year"},
               {"/th", "year"},
               {" per bulan", "month"},
               {" perbulan", "month"},
               {" sebulan", "month"},
               {" a month", "month"},
               {" per month", "month"},
               {" monthly", "month"},
               {" per bln", "month"},
               {" per hari", "day"},
               {" perhari", "day"},
               {" sehari", "day"},
               {" per day", "day"},
               {" a day", "day"},
               {" per jam", "hour"},
               {" perjam", "hour"},
               {" per hour", "hour"},
               {" an hour", "hour"},
               {" per minggu", "week"},
               {" per week", "week"},
               {" per tahun", "year"},
               {" setahun", "year"},
               {" per year", "year"},
               {" a year", "year"},
               {" /bulan", "month"},
               {" /bln", "month"},
               {" /month", "month"},
               {" /hari", "day"},
               {" /day", "day"},
               {NULL, NULL}};

/* Parse an amount "15.000.000", "3,500", "1,5", "2.5", "1.500.000,00" at p.
** Returns the end (p if none) and the value. */
static size_t parse_amount(const struct ctx *c, size_t p, double *val)
{
  size_t grp[16], ng = 0, q = p;
  char sep[16];
  char digits[40];
  size_t nd = 0;

  if (p >= c->len || !is_digit((unsigned char)c->t[p]))
    return p;
  for (;;) {
    size_t s = q;
    while (q < c->len && is_digit((unsigned char)c->t[q]) && nd < 30)
      digits[nd++] = c->t[q++];
    if (q < c->len && is_digit((unsigned char)c->t[q]))
      return p; /* absurdly long */
    grp[ng++] = q - s;
    if (ng < 16 && q + 1 < c->len && (c->t[q] == '.' || c->t[q] == ',') &&
        is_digit((unsigned char)c->t[q + 1])) {
      sep[ng - 1] = c->t[q];
      q++;
      continue;
    }
    break;
  }
  digits[nd] = '\0';
  if (ng == 1) {
    *val = strtod(digits, NULL);
    return q;
  }
  {
    int all3 = 1, head3 = 1;
    for (size_t g = 1; g < ng; g++)
      if (grp[g] != 3)
        all3 = 0;
    for (size_t g = 1; g + 1 < ng; g++)
      if (grp[g] != 3 || sep[g - 1] != sep[0])
        head3 = 0;
    if (all3 && (ng > 2 || grp[0] <= 3)) {
      int same = 1;
      for (size_t g = 1; g + 1 < ng; g++)
        same &= sep[g] == sep[0];
      if (same || ng == 2) {
        *val = strtod(digits, NULL);
        return q;
      }
    }
    if (head3 && grp[ng - 1] <= 2 && (ng == 2 || sep[ng - 2] != sep[0])) {
      /* last separator is the decimal point */
      size_t frac = grp[ng - 1];
      double v = strtod(digits, NULL);
      for (size_t k = 0; k < frac; k++)
        v /= 10.0;
      *val = v;
      return q;
    }
    if (ng == 2 && grp[1] != 3) {
      double v = strtod(digits, NULL);
      for (size_t k = 0; k < grp[1]; k++)
        v /= 10.0;
      *val = v;
      return q;
    }
  }
  *val = strtod(digits, NULL);
  return q;
}

static size_t skip_space(const struct ctx *c, size_t p)
{
  return p < c->len && c->t[p] == ' ' ? p + 1 : p;
}

/* currency literal at p (prefix list): returns its length and sets *iso */
static size_t cur_at(const struct ctx *c, size_t p, const struct cur *list,
                     const char **iso, int need_word_end)
{
  for (size_t k = 0; list[k].lit; k++) {
    size_t n =
        need_word_end ? word_at(c, p, list[k].lit) : lit_at(c, p, list[k].lit);
    if (n) {
      *iso = list[k].iso;
      return n;
    }
  }
  return 0;
}

static size_t mult_at(const struct ctx *c, size_t p, double *m, int *idr)
{
  for (size_t k = 0; multipliers[k].lit; k++) {
    size_t n = word_at(c, p, multipliers[k].lit);
    if (n) {
      *m = multipliers[k].mult;
      *idr = multipliers[k].idr;
      return n;
    }
  }
  return 0;
}

static const char *const range_seps[] = {
    " - ",  "-", " s/d ", " sd ",         " sampai ",       " hingga ",
    " to ", "~", " ~ ",   "\xe2\x80\x93", " \xe2\x80\x93 ", NULL};

/* Money at start i (a currency prefix or the first digit); returns the
** end of the match or 0. */
static size_t money_at(struct ctx *c, size_t i)
{
  const char *iso = NULL, *period = NULL;
  size_t p = i, s = i, n, e;
  double v1 = 0, v2 = -1, m1 = 0, m2 = 0;
  int idr1 = 0, idr2 = 0;
  char val[128];

  if ((n = cur_at(c, p, cur_prefix, &iso, 0)) != 0) {
    size_t q = p + n;
    if (q < c->len && c->t[q] == '.')
      q++;
    q = skip_space(c, q);
    if (q >= c->len || !is_digit((unsigned char)c->t[q])) {
      iso = NULL;
    } else {
      p = q;
    }
  }
  if (!is_digit((unsigned char)c->t[p]))
    return 0;
  if (!iso && i > 0 && (c->t[i - 1] == '.' || c->t[i - 1] == ','))
    return 0;
  e = parse_amount(c, p, &v1);
  if (e == p)
    return 0;
  /* multiplier glued or after one space */
  {
    size_t q = skip_space(c, e);
    if ((n = mult_at(c, q, &m1, &idr1)) != 0)
      e = q + n;
    else if ((n = mult_at(c, e, &m1, &idr1)) != 0)
      e = e + n;
  }
  /* range */
  for (size_t k = 0; range_seps[k]; k++) {
    size_t r = lit_at(c, e, range_seps[k]), q, e2;
    const char *iso2 = NULL;
    if (!r)
      continue;
    q = e + r;
    if ((n = cur_at(c, q, cur_prefix, &iso2, 0)) != 0) {
      q += n;
      if (q < c->len && c->t[q] == '.')
        q++;
      q = skip_space(c, q);
    }
    e2 = parse_amount(c, q, &v2);
    if (e2 == q) {
      v2 = -1;
      continue;
    }
    e = e2;
    {
      size_t q2 = skip_space(c, e);
      if ((n = mult_at(c, q2, &m2, &idr2)) != 0)
        e = q2 + n;
      else if ((n = mult_at(c, e, &m2, &idr2)) != 0)
        e += n;
    }
    if (!iso && iso2)
      iso = iso2;
    break;
  }
  if (!iso) {
    const char *iso3 = NULL;
    size_t q = skip_space(c, e);
    if ((n = cur_at(c, q, cur_suffix, &iso3, 1)) != 0 && word_start(c, q)) {
      iso = iso3;
      e = q + n;
    }
  }
  if (!m1 && m2)
    m1 = m2, idr1 = idr2;
  if (!m2 && m1 && v2 >= 0)
    m2 = m1;
  if (!iso) {
    if (m1 && idr1)
      iso = "IDR";
    else
      return 0;
  }
  if (!m1)
    m1 = 1;
  if (!m2)
    m2 = 1;
  for (size_t k = 0; periods[k].lit; k++) {
    size_t r = lit_at(c, e, periods[k].lit);
    if (r && (e + r >= c->len || !is_alnum((unsigned char)c->t[e + r]))) {
      period = periods[k].period;
      e += r;
      break;
    }
  }
  {
    double a1 = floor(v1 * m1 + 0.5), a2 = v2 >= 0 ? floor(v2 * m2 + 0.5) : -1;
    size_t vl;
    if (a1 <= 0 || a1 > 1e15 || a2 > 1e15)
      return 0;
    if (a2 >= 0)
      vl = (size_t)snprintf(val, sizeof(val), "%.0f-%.0f %s%s%s", a1, a2, iso,
                            period ? "/" : "", period ? period : "");
    else
      vl = (size_t)snprintf(val, sizeof(val), "%.0f %s%s%s", a1, iso,
                            period ? "/" : "", period ? period : "");
    if (!covered(c, s, e))
      add(c, WSP_ENT_MONEY, s, e, val, vl < sizeof(val) ? vl : sizeof(val) - 1);
  }
  return e > i ? e : 0;
}

/* Start of a money candidate whose first digit is at d: the currency
** prefix just before it ("rp ", "rp. ", "$", "us$") or d itself. */
static size_t money_start(const struct ctx *c, size_t d)
{
  static const char *const gaps[] = {"", " ", ".", ". "};
  for (size_t g = 0; g < 4; g++) {
    size_t gl = strlen(gaps[g]), e;
    if (d < gl || memcmp(c->t + d - gl, gaps[g], gl) != 0)
      continue;
    size_t best = 0;
    e = d - gl;
    for (size_t k = 0; cur_prefix[k].lit; k++) {
      size_t L = cur_prefix[k].len;
      if (L > best && e >= L && c->t[e - 1] == cur_prefix[k].lit[L - 1] &&
          memcmp(c->t + e - L, cur_prefix[k].lit, L) == 0 &&
          (!is_wordb((unsigned char)cur_prefix[k].lit[0]) ||
           word_start(c, e - L)))
        best = L; /* longest: "nt$" over "$" */
    }
    if (best)
      return e - best;
  }
  return d;
}

static void money(struct ctx *c)
{
  size_t d = 0;

  while (d < c->len) {
    size_t i, e;
    d += strcspn(c->t + d, "0123456789");
    if (d >= c->len)
      break;
    if (d > 0 && (is_digit((unsigned char)c->t[d - 1]) ||
                  (d > 1 && (c->t[d - 1] == '.' || c->t[d - 1] == ',') &&
                   is_digit((unsigned char)c->t[d - 2])))) {
      d++;
      continue;
    }
    i = money_start(c, d);
    e = money_at(c, i);
    d = e > d ? e : d + 1;
  }
}

/* ---- ages --------------------------------------------------------------- */

static size_t small_int(const struct ctx *c, size_t p, int *v)
{
  size_t q = p;
  int x = 0;
  while (q < c->len && is_digit((unsigned char)c->t[q]) && q - p < 3)
    x = x * 10 + (c->t[q++] - '0');
  if (q == p || q - p > 2 ||
      (q < c->len && is_alnum((unsigned char)c->t[q]) && !lit_at(c, q, "th") &&
       !lit_at(c, q, "thn") && !lit_at(c, q, "tahun") && !lit_at(c, q, "yo") &&
       !lit_at(c, q, "y")))
    return p;
  *v = x;
  return q;
}

static void ages(struct ctx *c)
{
  static const char *const kw[] = {"usia",    "umur", "age", "aged",
                                   "berusia", "ages", NULL};
  static const char *const minq[] = {"minimal", "minimum",  "min.",
                                     "min",     "mulai",    "dari",
                                     "from",    "at least", NULL};
  static const char *const maxq[] = {"maksimal", "maximal",  "maximum", "maks.",
                                     "maks",     "max.",     "max",     "under",
                                     "dibawah",  "di bawah", "up to",   NULL};
  static const char *const units[] = {
      " tahun", " thn",  " th", " years", " year", " yrs", " yo",
      " y.o",   "tahun", "thn", "th",     "yo",    "y.o",  NULL};
  static const char *const kw_find[] = {"usia", "umur", "age", NULL};

  /* found: where the keyword search hit; the next search starts after it
  ** (or after the match), so the loop always advances */
  for (size_t i = 0, found = 0; i < c->len; i = (i > found ? i : found) + 1) {
    size_t n, p, e, k;
    int lo = -1, hi = -1, q = 0; /* q: 1 min, 2 max */
    char val[32];

    i = found = find_any(c, i, kw_find);
    if (i >= c->len)
      break;
    if (i >= 3 && memcmp(c->t + i - 3, "ber", 3) == 0 && word_start(c, i - 3))
      i -= 3; /* "berusia" */
    if (!word_start(c, i))
      continue;
    if ((n = word_in(c, i, kw, &k)) == 0)
      continue;
    p = i + n;
    if (p < c->len && c->t[p] == ':')
      p++;
    p = skip_space(c, p);
    if ((n = word_in(c, p, minq, &k)) != 0) {
      q = 1;
      p = skip_space(c, p + n);
    } else if ((n = word_in(c, p, maxq, &k)) != 0) {
      q = 2;
      p = skip_space(c, p + n);
    } else if ((n = word_in(c, p,
                            (const char *const[]){"antara", "between", NULL},
                            &k)) != 0) {
      p = skip_space(c, p + n);
    }
    if (p < c->len && c->t[p] == ':')
      p = skip_space(c, p + 1);
    e = small_int(c, p, &lo);
    if (e == p || lo < 5 || lo > 99)
      continue;
    for (size_t r = 0; range_seps[r]; r++) {
      size_t l = lit_at(c, e, range_seps[r]);
      size_t f;
      if (!l)
        continue;
      f = small_int(c, e + l, &hi);
      if (f == e + l) {
        hi = -1;
        continue;
      }
      e = f;
      break;
    }
    for (size_t u = 0; units[u]; u++)
      if ((n = word_at(c, e, units[u])) != 0) {
        e += n;
        break;
      }
    if (hi >= 0 && hi >= lo && hi <= 99)
      snprintf(val, sizeof(val), "%d-%d", lo, hi);
    else if (q == 1)
      snprintf(val, sizeof(val), ">=%d", lo);
    else if (q == 2)
      snprintf(val, sizeof(val), "<=%d", lo);
    else
      snprintf(val, sizeof(val), "%d", lo);
    if (!covered(c, i, e))
      add(c, WSP_ENT_AGE, i, e, val, strlen(val));
    i = e - 1;
  }
}

/* ---- places ------------------------------------------------------------- */

static void places(struct ctx *c, const wsp_gazetteer *g)
{
  size_t i = 0;

  if (!g)
    return;
  while (i < c->len) {
    const char *v;
    int region, cap;
    size_t n, e;

    while (i < c->len && !is_wordb((unsigned char)c->t[i]))
      i++;
    if (i >= c->len)
      break;
    e = i;
    while (e < c->len && is_wordb((unsigned char)c->t[e]))
      e++;
    n = wsp__gazetteer_match(g, c->t, c->len, i, e, &v, &region, &cap);
    if (!n) {
      i = e;
      continue;
    }
    if (cap) {
      unsigned char ob = (unsigned char)c->o[wsp_norm_orig_start(c->n, i)];
      if (!(ob >= 'A' && ob <= 'Z') && ob < 0x80) {
        i += n;
        continue;
      }
    }
    if (!covered(c, i, i + n))
      add(c, region ? WSP_ENT_REGION : WSP_ENT_COUNTRY, i, i + n, v, strlen(v));
    i += n;
  }
}

/* ---- entry point ----------------------------------------------------------
 */

static int cmp_ent(const void *a, const void *b)
{
  const wsp_entity *x = a, *y = b;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  return (int)x->kind - (int)y->kind;
}

wsp_rc wsp_entities_extract(const char *orig, size_t orig_len,
                            const wsp_norm *norm, const wsp_gazetteer *gaz,
                            wsp_entities *e)
{
  struct ctx c;
  struct ent_pool *p = e->pool;

  e->count = 0;
  if (!p) {
    p = wsp_calloc(1, sizeof(*p));
    if (!p)
      return WSP_NOMEM;
    e->pool = p;
  }
  p->len = 0;
  if (!norm || !norm->text || !norm->map || norm->orig_len != orig_len ||
      (!orig && orig_len))
    return norm && norm->len == 0 ? WSP_OK : WSP_INVAL;
  c.o = orig;
  c.olen = orig_len;
  c.n = norm;
  c.t = norm->text;
  c.len = norm->len;
  c.e = e;
  c.p = p;
  c.rc = WSP_OK;
  emails(&c);
  links(&c);
  handles(&c);
  phones(&c);
  money(&c);
  ages(&c);
  places(&c, gaz);
  if (c.rc != WSP_OK) {
    e->count = 0;
    return c.rc;
  }
  for (size_t i = 0; i < e->count; i++)
    e->items[i].value = p->data + p->off[i];
  if (e->count > 1)
    qsort(e->items, e->count, sizeof(*e->items), cmp_ent);
  return WSP_OK;
}
