/* text/normalize.c: the normaliser of normalize.h.
**
** Three passes over the text, each keeping the offset map in step:
**  1. decode + fold: strict UTF-8 decoding (invalid -> U+FFFD), ASCII fast
**     path (lower-casing copy), per-code-point NFKC + case folding for
**     non-ASCII (utf8proc_decompose_char, results cached per wsp_norm),
**     diacritics after a Latin letter dropped, invisible/format/control
**     characters dropped, whitespace runs collapsed (to "\n" if the run held
**     a line break, else " "), symbols (emoji, dingbats, private use) between
**     word characters dropped, Latin look-alikes (small capitals, negative
**     squared/circled letters, dotless i, ...) mapped.
**  2. spaced letters: runs of >= 3 single-character tokens separated by the
**     same 1-3 separator bytes (" ", ".", "-", "_", "*", "/", "|", "~", "+")
**     are re-joined, if the run has >= 2 letters and more letters than
**     digits ("L O K E R", "g.a.j.i", "l - o - k - e - r").
**  3. words: Cyrillic/Greek look-alikes mapped in words that are mostly Latin,
**     mixed-script words counted, leetspeak undone inside words.
** Passes 2 and 3 only ever shorten the text, so they compact in place. */
#define _GNU_SOURCE /* memmem */
#include "text/normalize.h"

#include "core/alloc.h"
#include "text/text_int.h"

#include <string.h>
#include <utf8proc.h>

/* Output may outgrow input (NFKC expands some characters up to 18 code
** points); this ceiling bounds it. */
#define NORM_MAX_OUTPUT ((size_t)WSP_NORM_MAX_INPUT * 4u)
/* Bytes one input character may produce, with headroom. */
#define FOLD_MAX 128

enum {
  C_DROP, /* invisible, control: removed */
  C_WS,   /* horizontal whitespace */
  C_NL,   /* line break */
  C_WORD, /* letter or digit */
  C_OTHER,
  C_SYM, /* emoji, symbols: removed between word characters */
  C_MARK /* combining mark */
};
#define C_CLASS_MASK 0x0F
#define C_CG_LETTER 0x10   /* the source was a Cyrillic/Greek letter */
#define C_ASCII_ALNUM 0x20 /* the output is one ASCII letter or digit */

#define CACHE_SLOTS 1024
#define CACHE_BYTES 14
struct fold_ent {
  int32_t cp; /* -1: empty */
  uint8_t cls;
  uint8_t n;
  char b[CACHE_BYTES];
};

struct norm_scratch {
  struct fold_ent cache[CACHE_SLOTS];
  size_t cg_letters; /* Cyrillic/Greek letters seen in this input */
  size_t tail_end;   /* original end of the last normalised character */
};

void wsp_norm_init(wsp_norm *n)
{
  memset(n, 0, sizeof(*n));
}

void wsp_norm_cleanup(wsp_norm *n)
{
  if (!n)
    return;
  wsp_free(n->text);
  wsp_free(n->map);
  wsp_free(n->scratch);
  memset(n, 0, sizeof(*n));
}

static void norm_empty(wsp_norm *n)
{
  n->len = 0;
  n->orig_len = 0;
  n->mixed_script_words = 0;
  n->invalid_utf8 = 0;
  if (n->text)
    n->text[0] = '\0';
  if (n->map)
    n->map[0] = 0;
}

/* Make room for need bytes (+ terminator / map[len]). */
static wsp_rc norm_reserve(wsp_norm *n, size_t need)
{
  size_t cap;
  char *t;
  uint32_t *m;

  if (need + 1 <= n->text_cap && need + 1 <= n->map_cap)
    return WSP_OK;
  if (need > NORM_MAX_OUTPUT)
    return WSP_TOOBIG;
  cap = n->text_cap ? n->text_cap : 256;
  while (cap < need + 1)
    cap *= 2;
  t = wsp_realloc(n->text, cap);
  if (!t)
    return WSP_NOMEM;
  n->text = t;
  n->text_cap = cap;
  m = wsp_realloc(n->map, cap * sizeof(uint32_t));
  if (!m)
    return WSP_NOMEM;
  n->map = m;
  n->map_cap = cap;
  return WSP_OK;
}

/* ---- pass 1: per-character folding ---------------------------------- */

static int is_invisible(int32_t cp)
{
  return cp == 0x00AD || cp == 0x034F || cp == 0x061C || cp == 0x115F ||
         cp == 0x1160 || cp == 0x17B4 || cp == 0x17B5 ||
         (cp >= 0x180B && cp <= 0x180F) || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) ||
         cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF ||
         cp == 0xFFA0 || (cp >= 0xFFF0 && cp <= 0xFFF8) ||
         (cp >= 0x1BCA0 && cp <= 0x1BCA3) || (cp >= 0x1D173 && cp <= 0x1D17A) ||
         (cp >= 0xE0000 && cp <= 0xE0FFF);
}

/* Latin letters in disguise that NFKC leaves alone. */
static char latin_lookalike(int32_t cp)
{
  static const struct {
    int32_t cp;
    char c;
  } t[] = {
      {0x00D8, 'o'}, {0x00F8, 'o'}, {0x0110, 'd'}, {0x0111, 'd'}, {0x0126, 'h'},
      {0x0127, 'h'}, {0x0131, 'i'}, {0x0141, 'l'}, {0x0142, 'l'}, {0x0166, 't'},
      {0x0167, 't'}, {0x0180, 'b'}, {0x0237, 'j'}, {0x0251, 'a'}, {0x0261, 'g'},
      {0x0262, 'g'}, {0x0269, 'i'}, {0x026A, 'i'}, {0x0274, 'n'}, {0x0280, 'r'},
      {0x028F, 'y'}, {0x0299, 'b'}, {0x029C, 'h'}, {0x029F, 'l'}, {0x1D00, 'a'},
      {0x1D04, 'c'}, {0x1D05, 'd'}, {0x1D07, 'e'}, {0x1D0A, 'j'}, {0x1D0B, 'k'},
      {0x1D0D, 'm'}, {0x1D0F, 'o'}, {0x1D18, 'p'}, {0x1D1B, 't'}, {0x1D1C, 'u'},
      {0x1D20, 'v'}, {0x1D21, 'w'}, {0x1D22, 'z'}, {0xA730, 'f'}, {0xA731, 's'},
  };
  size_t lo = 0, hi = sizeof(t) / sizeof(t[0]);

  /* parenthesized / negative circled / negative squared letters */
  if (cp >= 0x1F110 && cp <= 0x1F129)
    return (char)('a' + (cp - 0x1F110));
  if (cp >= 0x1F150 && cp <= 0x1F169)
    return (char)('a' + (cp - 0x1F150));
  if (cp >= 0x1F170 && cp <= 0x1F189)
    return (char)('a' + (cp - 0x1F170));
  if (cp >= 0x249C && cp <= 0x24B5)
    return (char)('a' + (cp - 0x249C));
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t[mid].cp < cp)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < sizeof(t) / sizeof(t[0]) && t[lo].cp == cp ? t[lo].c : 0;
}

static int is_mark_cat(int cat)
{
  return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
         cat == UTF8PROC_CATEGORY_ME;
}

static int ascii_alnum(unsigned c)
{
  return ((unsigned)(c - '0') < 10u) || ((c | 0x20) - 'a' < 26u);
}

/* Fold one valid non-ASCII code point: writes its normalised UTF-8 into out
** (FOLD_MAX bytes), sets *outlen and returns the class (with flags). */
static int fold_cp(int32_t cp, char *out, size_t *outlen)
{
  utf8proc_int32_t buf[32];
  utf8proc_ssize_t k;
  int lbc = 0, cls, flags = 0;
  const utf8proc_property_t *p;
  char lat;
  size_t o = 0;

  *outlen = 0;
  if (is_invisible(cp))
    return C_DROP;
  p = utf8proc_get_property(cp);
  switch (p->category) {
  case UTF8PROC_CATEGORY_ZL:
  case UTF8PROC_CATEGORY_ZP:
    return C_NL;
  case UTF8PROC_CATEGORY_ZS:
    return C_WS;
  case UTF8PROC_CATEGORY_CC:
    return cp == 0x85 ? C_NL : C_DROP;
  case UTF8PROC_CATEGORY_CF:
  case UTF8PROC_CATEGORY_CS:
    return C_DROP;
  default:
    break;
  }
  if ((lat = latin_lookalike(cp)) != 0) {
    out[0] = lat;
    *outlen = 1;
    return C_WORD | C_ASCII_ALNUM;
  }
  if (wsp__is_cyrillic_greek(cp) && (p->category == UTF8PROC_CATEGORY_LU ||
                                     p->category == UTF8PROC_CATEGORY_LL ||
                                     p->category == UTF8PROC_CATEGORY_LT))
    flags |= C_CG_LETTER;
  k = utf8proc_decompose_char(
      cp, buf, 32, UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD,
      &lbc);
  if (k <= 0 || k > 32) {
    buf[0] = cp;
    k = 1;
  }
  if (buf[0] < 0x80) {
    /* Latin base: drop the diacritics (lôkér -> loker) */
    utf8proc_ssize_t j = 1;
    for (utf8proc_ssize_t i = 1; i < k; i++)
      if (!is_mark_cat(utf8proc_category(buf[i])))
        buf[j++] = buf[i];
    k = j;
  } else if (k > 1) {
    utf8proc_ssize_t c = utf8proc_normalize_utf32(buf, k, UTF8PROC_COMPOSE);
    if (c > 0)
      k = c;
  }
  for (utf8proc_ssize_t i = 0; i < k && o + 4 <= FOLD_MAX; i++)
    o += wsp__utf8_encode(buf[i], out + o);
  *outlen = o;
  if (buf[0] < 0x80) {
    unsigned c = (unsigned)buf[0];
    if (ascii_alnum(c))
      cls = C_WORD | (k == 1 ? C_ASCII_ALNUM : 0);
    else if (c == ' ')
      cls = C_WS;
    else
      cls = C_OTHER;
    return cls | flags;
  }
  switch (utf8proc_category(buf[0])) {
  case UTF8PROC_CATEGORY_LU:
  case UTF8PROC_CATEGORY_LL:
  case UTF8PROC_CATEGORY_LT:
  case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO:
  case UTF8PROC_CATEGORY_ND:
  case UTF8PROC_CATEGORY_NL:
  case UTF8PROC_CATEGORY_NO:
    return C_WORD | flags;
  case UTF8PROC_CATEGORY_MN:
  case UTF8PROC_CATEGORY_MC:
  case UTF8PROC_CATEGORY_ME:
    return C_MARK;
  case UTF8PROC_CATEGORY_SM:
  case UTF8PROC_CATEGORY_SC:
  case UTF8PROC_CATEGORY_SK:
  case UTF8PROC_CATEGORY_SO:
  case UTF8PROC_CATEGORY_CO:
  case UTF8PROC_CATEGORY_CN:
    return C_SYM;
  case UTF8PROC_CATEGORY_PO:
    /* middle dots and bullets used as letter separators */
    if (buf[0] == 0xB7 || buf[0] == 0x2022 || buf[0] == 0x2219 ||
        buf[0] == 0x2027 || buf[0] == 0x30FB || buf[0] == 0x2981)
      return C_SYM;
    return C_OTHER;
  case UTF8PROC_CATEGORY_ZS:
    return C_WS;
  case UTF8PROC_CATEGORY_ZL:
  case UTF8PROC_CATEGORY_ZP:
    return C_NL;
  case UTF8PROC_CATEGORY_CC:
  case UTF8PROC_CATEGORY_CF:
    *outlen = 0;
    return C_DROP;
  default:
    return C_OTHER;
  }
}

enum { LAST_NONE, LAST_WORD, LAST_ALNUM, LAST_OTHER, LAST_SYM };

static wsp_rc pass_fold(const unsigned char *in, size_t len, wsp_norm *n,
                        struct norm_scratch *s)
{
  size_t r = 0, w = 0;
  int pend_ws = 0; /* 0 none, 1 space, 2 newline */
  size_t ws_start = 0;
  size_t sym_mark = SIZE_MAX; /* output offset of symbols after a word char */
  int last = LAST_NONE;
  char *t;
  uint32_t *m;
  wsp_rc rc;

  if ((rc = norm_reserve(n, len + FOLD_MAX)) != WSP_OK)
    return rc;
  t = n->text;
  m = n->map;
  /* Invariant: text_cap > w + (len - r) + FOLD_MAX at the top of the loop,
  ** so ASCII (at most one output byte per input byte, plus one pending
  ** space) never needs a capacity check. */
  while (r < len) {
    unsigned c = in[r];

    if (c < 0x80) {
      if (c > 0x20 && c < 0x7F) {
        if (pend_ws) {
          if (w > 0) {
            t[w] = pend_ws == 2 ? '\n' : ' ';
            m[w++] = (uint32_t)ws_start;
          }
          pend_ws = 0;
          sym_mark = SIZE_MAX;
        }
        if (sym_mark != SIZE_MAX) {
          if (ascii_alnum(c))
            w = sym_mark;
          sym_mark = SIZE_MAX;
        }
        /* fast path: a run of printable ASCII with single spaces, found
        ** 16 bytes at a time, then copied in two simple loops the compiler
        ** vectorises. Double spaces and a trailing space are left to the
        ** slow path, which collapses whitespace runs. */
        {
          size_t e = r + 1, run;
          while (e + 17 <= len) {
            v16u x = load16((const char *)in + e),
                 y = load16((const char *)in + e + 1);
            /* x < 0x20 or x >= 0x7F: one unsigned compare */
            v16s stop =
                (v16s)(((v16u)(x - 0x20) > 0x5E) | ((x == ' ') & (y == ' ')));
            if (any16(stop)) {
              e += first16(stop);
              break;
            }
            e += 16;
          }
          while (e < len && in[e] >= 0x20 && in[e] < 0x7F &&
                 !(in[e] == ' ' && e + 1 < len && in[e + 1] == ' '))
            e++;
          if (in[e - 1] == ' ')
            e--;
          run = e - r;
          {
            char *restrict to = t + w;
            uint32_t *restrict mo = m + w;
            const unsigned char *restrict from = in + r;
            uint32_t base = (uint32_t)r;
            if (run < 24) {
              /* short runs (social text): a plain loop beats the set-up of
              ** the vectorised one */
              for (size_t k = 0; k < run; k++) {
                unsigned char d = from[k];
                to[k] = (char)(d + (((unsigned)(d - 'A') < 26u) << 5));
                mo[k] = base + (uint32_t)k;
              }
            } else {
              for (size_t k = 0; k < run; k++) {
                unsigned char d = from[k];
                to[k] = (char)(d + (((unsigned)(d - 'A') < 26u) << 5));
              }
              for (size_t k = 0; k < run; k++)
                mo[k] = base + (uint32_t)k;
            }
          }
          w += run;
          r = e;
        }
        last = ascii_alnum((unsigned char)t[w - 1]) ? LAST_ALNUM : LAST_OTHER;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\n' ||
          c == '\r') {
        if (!pend_ws)
          ws_start = r;
        if (c == '\n' || c == '\r')
          pend_ws = 2;
        else if (!pend_ws)
          pend_ws = 1;
        sym_mark = SIZE_MAX;
      }
      r++; /* other controls are dropped */
      continue;
    }

    /* non-ASCII */
    int32_t cp;
    size_t sl = wsp__utf8_decode(in + r, len - r, &cp);
    char tmp[FOLD_MAX];
    const char *ob;
    size_t on;
    int cls;

    if (cp < 0) {
      n->invalid_utf8++;
      ob = "\xEF\xBF\xBD";
      on = 3;
      cls = C_OTHER;
    } else {
      struct fold_ent *e = &s->cache[(uint32_t)cp & (CACHE_SLOTS - 1)];
      if (e->cp == cp) {
        ob = e->b;
        on = e->n;
        cls = e->cls;
      } else {
        cls = fold_cp(cp, tmp, &on);
        ob = tmp;
        if (on <= CACHE_BYTES) {
          e->cp = cp;
          e->cls = (uint8_t)cls;
          e->n = (uint8_t)on;
          memcpy(e->b, tmp, on);
        }
      }
    }
    if (cls & C_CG_LETTER)
      s->cg_letters++;
    switch (cls & C_CLASS_MASK) {
    case C_DROP:
      r += sl;
      continue;
    case C_WS:
    case C_NL:
      if (!pend_ws)
        ws_start = r;
      if ((cls & C_CLASS_MASK) == C_NL)
        pend_ws = 2;
      else if (!pend_ws)
        pend_ws = 1;
      sym_mark = SIZE_MAX;
      r += sl;
      continue;
    case C_MARK:
      if (last == LAST_ALNUM) { /* diacritic on a Latin letter or digit */
        r += sl;
        continue;
      }
      cls = C_WORD;
      break;
    default:
      break;
    }
    if (pend_ws) {
      if (w > 0) {
        t[w] = pend_ws == 2 ? '\n' : ' ';
        m[w++] = (uint32_t)ws_start;
      }
      pend_ws = 0;
      sym_mark = SIZE_MAX;
    }
    switch (cls & C_CLASS_MASK) {
    case C_WORD:
      if (sym_mark != SIZE_MAX)
        w = sym_mark;
      sym_mark = SIZE_MAX;
      last = (cls & C_ASCII_ALNUM) ? LAST_ALNUM : LAST_WORD;
      break;
    case C_SYM:
      if (sym_mark == SIZE_MAX && (last == LAST_WORD || last == LAST_ALNUM))
        sym_mark = w;
      if (sym_mark != SIZE_MAX)
        last = LAST_SYM;
      else
        last = LAST_OTHER;
      break;
    default:
      sym_mark = SIZE_MAX;
      last = LAST_OTHER;
      break;
    }
    for (size_t i = 0; i < on; i++) {
      t[w] = ob[i];
      m[w++] = (uint32_t)r;
    }
    r += sl;
    if (on > sl) {
      /* restore the invariant */
      if ((rc = norm_reserve(n, w + (len - r) + FOLD_MAX)) != WSP_OK)
        return rc;
      t = n->text;
      m = n->map;
    }
    /* fancy words: more letters that fold to one ASCII letter each (cache
    ** hits) are copied without the general bookkeeping above */
    if (last == LAST_ALNUM) {
      while (r < len && in[r] >= 0x80) {
        int32_t cp2;
        size_t sl2 = wsp__utf8_decode(in + r, len - r, &cp2);
        const struct fold_ent *f2;
        if (cp2 < 0)
          break;
        f2 = &s->cache[(uint32_t)cp2 & (CACHE_SLOTS - 1)];
        if (f2->cp != cp2 || f2->cls != (C_WORD | C_ASCII_ALNUM) || f2->n != 1)
          break;
        t[w] = f2->b[0];
        m[w++] = (uint32_t)r;
        r += sl2;
      }
    }
  }
  n->len = w;
  return WSP_OK;
}

/* ---- helpers over the normalised text ------------------------------- */

/* Byte length of the UTF-8 character starting with byte b (1 for stray). */
static size_t seq_len(unsigned char b)
{
  if (b < 0xC0)
    return 1;
  if (b < 0xE0)
    return 2;
  if (b < 0xF0)
    return 3;
  return 4;
}

/* Is the character starting at t[i] a word character (letter/digit)? */
static int word_at(const char *t, size_t len, size_t i)
{
  unsigned char c = (unsigned char)t[i];
  int32_t cp;

  if (c < 0x80)
    return ascii_alnum(c);
  /* emoji (U+1Fxxx) and dingbats (U+2600-27FF) are never letters: skip the
  ** decode and the property look-up for the commonest non-ASCII in posts */
  if (i + 1 < len && ((c == 0xF0 && (unsigned char)t[i + 1] == 0x9F) ||
                      (c == 0xE2 && (unsigned char)t[i + 1] >= 0x98 &&
                       (unsigned char)t[i + 1] <= 0x9F)))
    return 0;
  cp = wsp__utf8_at(t, len, i);
  if (cp < 0 || cp == 0xFFFD)
    return 0;
  switch (utf8proc_category(cp)) {
  case UTF8PROC_CATEGORY_LU:
  case UTF8PROC_CATEGORY_LL:
  case UTF8PROC_CATEGORY_LT:
  case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO:
  case UTF8PROC_CATEGORY_ND:
  case UTF8PROC_CATEGORY_NL:
  case UTF8PROC_CATEGORY_NO:
  case UTF8PROC_CATEGORY_MN:
  case UTF8PROC_CATEGORY_MC:
  case UTF8PROC_CATEGORY_ME:
    return 1;
  default:
    return 0;
  }
}

/* ASCII classes for the word passes */
enum { A_ALNUM = 1, A_SEP = 2, A_LETTER = 4, A_LEETSYM = 8, A_TRIG = 16 };
#define LETTERS(f)                                                             \
  ['a'] = f, ['b'] = f, ['c'] = f, ['d'] = f, ['e'] = f, ['f'] = f, ['g'] = f, \
  ['h'] = f, ['i'] = f, ['j'] = f, ['k'] = f, ['l'] = f, ['m'] = f, ['n'] = f, \
  ['o'] = f, ['p'] = f, ['q'] = f, ['r'] = f, ['s'] = f, ['t'] = f, ['u'] = f, \
  ['v'] = f, ['w'] = f, ['x'] = f, ['y'] = f, ['z'] = f
static const unsigned char ascii_tab[256] = {LETTERS(A_ALNUM | A_LETTER),
                                             ['A'] = A_ALNUM,
                                             ['B'] = A_ALNUM,
                                             ['C'] = A_ALNUM,
                                             ['D'] = A_ALNUM,
                                             ['E'] = A_ALNUM,
                                             ['F'] = A_ALNUM,
                                             ['G'] = A_ALNUM,
                                             ['H'] = A_ALNUM,
                                             ['I'] = A_ALNUM,
                                             ['J'] = A_ALNUM,
                                             ['K'] = A_ALNUM,
                                             ['L'] = A_ALNUM,
                                             ['M'] = A_ALNUM,
                                             ['N'] = A_ALNUM,
                                             ['O'] = A_ALNUM,
                                             ['P'] = A_ALNUM,
                                             ['Q'] = A_ALNUM,
                                             ['R'] = A_ALNUM,
                                             ['S'] = A_ALNUM,
                                             ['T'] = A_ALNUM,
                                             ['U'] = A_ALNUM,
                                             ['V'] = A_ALNUM,
                                             ['W'] = A_ALNUM,
                                             ['X'] = A_ALNUM,
                                             ['Y'] = A_ALNUM,
                                             ['Z'] = A_ALNUM,
                                             ['0'] = A_ALNUM | A_TRIG,
                                             ['1'] = A_ALNUM | A_TRIG,
                                             ['2'] = A_ALNUM | A_TRIG,
                                             ['3'] = A_ALNUM | A_TRIG,
                                             ['4'] = A_ALNUM | A_TRIG,
                                             ['5'] = A_ALNUM | A_TRIG,
                                             ['6'] = A_ALNUM | A_TRIG,
                                             ['7'] = A_ALNUM | A_TRIG,
                                             ['8'] = A_ALNUM | A_TRIG,
                                             ['9'] = A_ALNUM | A_TRIG,
                                             [' '] = A_SEP,
                                             ['.'] = A_SEP,
                                             ['-'] = A_SEP,
                                             ['_'] = A_SEP,
                                             ['*'] = A_SEP,
                                             ['/'] = A_SEP,
                                             ['|'] = A_SEP,
                                             ['~'] = A_SEP,
                                             ['+'] = A_SEP,
                                             ['@'] = A_LEETSYM | A_TRIG,
                                             ['$'] = A_LEETSYM | A_TRIG};
#undef LETTERS

static int is_sep_byte(unsigned char c)
{
  return (ascii_tab[c] & A_SEP) != 0;
}

/* Width in the original of normalised byte i (for telling one space from a
** collapsed run of several). */
static uint32_t orig_width(const wsp_norm *n, size_t i)
{
  return n->map[i + 1] - n->map[i];
}

/* ---- pass 2: re-join spaced-out letters ------------------------------ */

#define JOIN_MAX_TOKENS 64

/* Is the character ending just before t[i] a word character? */
static int word_before(const char *t, size_t len, size_t i)
{
  size_t j;

  if (i == 0)
    return 0;
  j = i - 1;
  while (j > 0 && i - j < 4 && ((unsigned char)t[j] & 0xC0) == 0x80)
    j--;
  return word_at(t, len, j);
}

/* Move t/m[from, to) down to w (no-op when nothing was removed yet). */
static size_t keep(wsp_norm *n, size_t w, size_t from, size_t to)
{
  if (to > from && w != from) {
    memmove(n->text + w, n->text + from, to - from);
    memmove(n->map + w, n->map + from, (to - from) * sizeof(uint32_t));
  }
  return w + (to - from);
}

/* Byte classes for finding join candidates without branching on spaces. */
enum { J_SEP = 1, J_ALNUM = 2, J_HIGH = 4 };
static unsigned char jclass(unsigned char c)
{
  /* J_ALNUM marks letters only: a spaced-out run starts with a letter */
  return c >= 0x80 ? J_HIGH
                   : (unsigned char)(((ascii_tab[c] & A_SEP) ? J_SEP : 0) |
                                     ((ascii_tab[c] & A_LETTER) ? J_ALNUM : 0));
}

static v16s letter16(v16u x)
{
  return (v16s)((v16u)(x - 'a') <= 25);
}

static v16s alnum16(v16u x)
{
  return (v16s)(((v16u)(x - 'a') <= 25) | ((v16u)(x - '0') <= 9));
}

static v16s sep16(v16u x)
{
  /* ' ', '_', '|', '~' and the range '*'..'/' without ',' */
  return (v16s)((x == ' ') | (((v16u)(x - '*') <= 5) & (x != ',')) |
                (x == '_') | (x == '|') | (x == '~'));
}

static void pass_join(wsp_norm *n)
{
  char *t = n->text;
  uint32_t *m = n->map;
  size_t len = n->len, r = 0, w = 0, p = 1;
  while (p < len) {
    size_t r0, cl;
    /* candidate: a separator after a single word character (ASCII with no
    ** word byte before it, or any non-ASCII character, checked below) */
    /* 16 at a time: no candidate in t[p, p + 16)? */
    while (p >= 4 && p + 16 <= len) {
      v16u x0 = load16(t + p), x1 = load16(t + p - 1), x2 = load16(t + p - 2);
      v16s s0 = sep16(x0), h1 = (v16s)x1 < 0;
      v16s w2 = alnum16(x2) | ((v16s)x2 < 0);
      v16s cand = s0 & ((letter16(x1) & ~w2) | h1);
      if (any16(cand)) {
        if (any16(s0 & h1)) {
          /* a non-ASCII character before the separator may be a one-letter
          ** token, unless it is an emoji (F0 9F xx xx) or a symbol/dingbat
          ** (E2 98..9F xx): after folding, those are never letters */
          v16u x3 = load16(t + p - 3), x4 = load16(t + p - 4);
          v16s emoji = (v16s)((x4 == 0xF0) & (x3 == 0x9F));
          v16s dingbat = (v16s)((x3 == 0xE2) & ((v16u)(x2 - 0x98) <= 7));
          cand = s0 & ((letter16(x1) & ~w2) | (h1 & ~emoji & ~dingbat));
          if (!any16(cand)) {
            p += 16;
            continue;
          }
        }
        p += first16(cand);
        break;
      }
      p += 16;
    }
    {
      /* at most 16 bytes one at a time, then back to the vector loop */
      size_t lim = p + 16 < len ? p + 16 : len;
      for (; p < lim; p++) {
        unsigned c0 = jclass((unsigned char)t[p]),
                 c1 = jclass((unsigned char)t[p - 1]),
                 c2 = p >= 2 ? jclass((unsigned char)t[p - 2]) : 0;
        unsigned v = (c0 & J_SEP) &
                     ((((c1 >> 1) & ~(c2 >> 1) & ~(c2 >> 2)) | (c1 >> 2)) & 1);
        if (v)
          break;
      }
      if (p >= lim)
        continue;
    }
    r0 = p - 1;
    while (r0 > r && p - r0 < 4 && ((unsigned char)t[r0] & 0xC0) == 0x80)
      r0--;
    cl = p - r0;
    if (r0 < r || seq_len((unsigned char)t[r0]) != cl || !word_at(t, len, r0) ||
        word_before(t, len, r0)) {
      p++;
      continue;
    }
    {
      size_t tok[JOIN_MAX_TOKENS], tokl[JOIN_MAX_TOKENS];
      size_t nt = 1, letters = 0, digits = 0;
      size_t sep = p, seplen = 0, q0;

      tok[0] = r0;
      tokl[0] = cl;
      while (seplen < 3 && sep + seplen < len &&
             is_sep_byte((unsigned char)t[sep + seplen]))
        seplen++;
      q0 = p;
      while (nt < JOIN_MAX_TOKENS) {
        size_t q = q0 + seplen, ql;
        int same = q < len;
        for (size_t k = 0; same && k < seplen; k++)
          same = t[q0 + k] == t[sep + k] &&
                 orig_width(n, q0 + k) == orig_width(n, sep + k);
        if (!same)
          break;
        ql = seq_len((unsigned char)t[q]);
        if (ql > len - q || !word_at(t, len, q) ||
            (q + ql < len && word_at(t, len, q + ql)))
          break;
        tok[nt] = q;
        tokl[nt] = ql;
        nt++;
        q0 = q + ql;
        if (q0 >= len)
          break;
      }
      for (size_t k = 0; k < nt; k++) {
        unsigned char b = (unsigned char)t[tok[k]];
        if ((unsigned)(b - '0') < 10u)
          digits++;
        else
          letters++;
      }
      if (nt >= 3 && letters >= 2 && letters > digits) {
        w = keep(n, w, r, r0);
        for (size_t k = 0; k < nt; k++)
          for (size_t j = 0; j < tokl[k]; j++) {
            t[w] = t[tok[k] + j];
            m[w++] = m[tok[k] + j];
          }
        r = tok[nt - 1] + tokl[nt - 1];
        p = r + 1;
        continue;
      }
    }
    p++;
  }
  w = keep(n, w, r, len);
  m[w] = m[len];
  n->len = w;
}

/* ---- pass 3: confusables and leetspeak inside words ------------------ */

enum { K_LETTER, K_CG_CONF, K_CG_OTHER, K_OTHER_LETTER, K_LEET, K_DIGIT };

#define WORD_MAX 64

struct wchar {
  size_t off;  /* in the normalised text */
  uint8_t len; /* bytes */
  uint8_t kind;
  char latin; /* replacement, 0 if kept */
};

static char leet_char(unsigned char c)
{
  switch (c) {
  case '0':
    return 'o';
  case '1':
    return 'i';
  case '3':
    return 'e';
  case '4':
    return 'a';
  case '5':
    return 's';
  case '7':
    return 't';
  case '@':
    return 'a';
  case '$':
    return 's';
  default:
    return 0;
  }
}

/* Words with digits that are real abbreviations, not leetspeak. */
static int leet_whitelisted(const char *w, size_t len)
{
  static const char *const list[] = {"p3k",  "p3mi", "sip3mi", "p3tki", "h5n1",
                                     "h7n9", "k3l",  "mp3",    "mp4",   "g30s",
                                     "b3",   "s1",   "d3",     "sip2mi"};
  for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
    if (strlen(list[i]) == len && memcmp(list[i], w, len) == 0)
      return 1;
  return 0;
}

static int in_list(const char *s, size_t len, const char *const *list)
{
  for (; *list; list++)
    if (strlen(*list) == len && memcmp(*list, s, len) == 0)
      return 1;
  return 0;
}

static const char *const currency_prefix[] = {
    "rp",  "idr", "usd", "us",  "rm",  "myr", "sgd", "nt",  "ntd", "twd",
    "hkd", "aed", "sar", "eur", "jpy", "krw", "thb", "php", NULL};
static const char *const unit_suffix[] = {
    "jt",    "juta",   "rb",    "ribu", "k",     "m",    "mio",  "t",
    "th",    "thn",    "tahun", "bln",  "bulan", "hr",   "hari", "jam",
    "mgg",   "minggu", "x",     "kg",   "cm",    "km",   "gb",   "mb",
    "tb",    "usd",    "idr",   "an",   "pm",    "am",   "st",   "nd",
    "rd",    "h",      "d",     "w",    "y",     "g",    "lt",   "ml",
    "menit", "detik",  "orang", "org",  "pcs",   "unit", NULL};

/* Does the whitespace-delimited token around [a, b) look like a URL or an
** e-mail address (which leetspeak must not touch)? */
static int token_is_link(const char *t, size_t len, size_t a, size_t b)
{
  size_t s = a, e = b;
  int dot = 0, slash = 0, at = 0;

  while (s > 0 && t[s - 1] != ' ' && t[s - 1] != '\n' && a - s < 256)
    s--;
  while (e < len && t[e] != ' ' && t[e] != '\n' && e - b < 256)
    e++;
  for (size_t i = s; i < e; i++) {
    if (t[i] == '.')
      dot = 1;
    else if (t[i] == '/')
      slash = 1;
    else if (t[i] == '@' && i > s && ascii_alnum((unsigned char)t[i - 1]))
      at = 1;
    else if (t[i] == ':' && i + 2 < e && t[i + 1] == '/' && t[i + 2] == '/')
      return 1;
  }
  if (e - s >= 4 && memcmp(t + s, "www.", 4) == 0)
    return 1;
  return dot && (slash || at);
}

/* Classify and rewrite one word of n->text[a, b) into t[w...]; returns the
** new write offset. mostly_latin: the text as a whole is mostly Latin; link:
** the word is part of a URL or e-mail address (no leetspeak there). */
static size_t do_word(wsp_norm *n, const char *orig, size_t orig_len, size_t a,
                      size_t b, size_t w, int mostly_latin, int link)
{
  char *t = n->text;
  uint32_t *m = n->map;
  struct wchar wc[WORD_MAX];
  size_t nc = 0, latin = 0, cg = 0, cg_other = 0, leet = 0, letters = 0;

  for (size_t i = a; i < b;) {
    unsigned char c = (unsigned char)t[i];
    struct wchar *x;
    if (nc == WORD_MAX)
      goto copy; /* too long to be a disguised word */
    x = &wc[nc++];
    x->off = i;
    x->latin = 0;
    if (c < 0x80) {
      x->len = 1;
      if ((unsigned)(c - 'a') < 26u) {
        x->kind = K_LETTER;
        latin++;
      } else if (leet_char(c)) {
        x->kind = K_LEET;
        leet++;
      } else {
        x->kind = K_DIGIT;
      }
      i++;
      continue;
    }
    x->len = (uint8_t)seq_len(c);
    if (x->len > b - i)
      x->len = (uint8_t)(b - i);
    {
      int32_t cp = wsp__utf8_at(t, n->len, i);
      int32_t ocp = wsp__utf8_at(orig, orig_len, m[i]);
      if (wsp__is_cyrillic_greek(cp)) {
        char l = wsp__confusable_cg(ocp);
        if (!l)
          l = wsp__confusable_cg(cp);
        cg++;
        if (l) {
          x->kind = K_CG_CONF;
          x->latin = l;
        } else {
          x->kind = K_CG_OTHER;
          cg_other++;
        }
      } else {
        x->kind = K_OTHER_LETTER;
      }
    }
    i += x->len;
  }
  if (cg > 0 && latin > 0)
    n->mixed_script_words++;
  if (cg > 0 && cg_other == 0 && (latin > 0 || mostly_latin)) {
    for (size_t i = 0; i < nc; i++)
      if (wc[i].kind == K_CG_CONF) {
        wc[i].kind = K_LETTER;
        latin++;
      }
  } else {
    for (size_t i = 0; i < nc; i++)
      wc[i].latin = 0;
  }
  letters = latin;
  if (leet > 0 && letters >= 2) {
    /* scratch copy of the ASCII form of the word for list look-ups */
    char low[WORD_MAX];
    int evidence = 0;
    for (size_t i = 0; i < nc; i++)
      low[i] =
          wc[i].latin ? wc[i].latin : (wc[i].len == 1 ? t[wc[i].off] : '?');
    if (leet_whitelisted(low, nc))
      goto write;
    for (size_t p = 0; p < nc;) {
      size_t q = p;
      if (wc[p].kind != K_LEET) {
        p++;
        continue;
      }
      while (q < nc && wc[q].kind == K_LEET)
        q++;
      /* run [p, q) of leet candidates */
      if (p > 0 && q < nc && wc[p - 1].kind == K_LETTER &&
          wc[q].kind == K_LETTER && q - p <= 2) {
        size_t pl = 0, sl = 0;
        int unit = 0;
        /* letters before the run from the word start, after it to the end */
        while (pl < p && wc[pl].kind == K_LETTER)
          pl++;
        for (size_t k = q; k < nc && wc[k].kind == K_LETTER; k++)
          sl++;
        if (pl == p && in_list(low, p, currency_prefix))
          unit = 1;
        if (q + sl == nc && in_list(low + q, sl, unit_suffix))
          unit = 1;
        if (!unit) {
          if (link)
            goto write;
          for (size_t k = p; k < q; k++)
            wc[k].latin = leet_char((unsigned char)t[wc[k].off]);
          evidence = 1;
        }
      }
      p = q;
    }
    if (evidence) {
      /* single leet characters at the edges of a word that has leet inside */
      if (wc[0].kind == K_LEET && nc > 1 && wc[1].kind == K_LETTER &&
          t[wc[0].off] != '@')
        wc[0].latin = leet_char((unsigned char)t[wc[0].off]);
      if (wc[nc - 1].kind == K_LEET && nc > 1 &&
          (wc[nc - 2].kind == K_LETTER || wc[nc - 2].latin))
        wc[nc - 1].latin = leet_char((unsigned char)t[wc[nc - 1].off]);
    }
  } else if (cg == 0) {
    goto copy;
  }
write:
  for (size_t i = 0; i < nc; i++) {
    if (wc[i].latin) {
      uint32_t mo = m[wc[i].off];
      t[w] = wc[i].latin;
      m[w++] = mo;
    } else {
      for (size_t j = 0; j < wc[i].len; j++) {
        t[w] = t[wc[i].off + j];
        m[w++] = m[wc[i].off + j];
      }
    }
  }
  return w;
copy:
  if (w != a) {
    memmove(t + w, t + a, b - a);
    memmove(m + w, m + a, (b - a) * sizeof(uint32_t));
  }
  return w + (b - a);
}

/* A byte that belongs to a word for pass 3: ASCII letters/digits, the leet
** symbols @ and $, and any non-ASCII byte that starts or continues a letter.*/
static void pass_words(wsp_norm *n, const char *orig, size_t orig_len,
                       int mostly_latin)
{
  char *t = n->text;
  size_t len = n->len, r = 0, w = 0, p = 0;

  /* triggers: digits, '@', '$' and non-ASCII; words of plain ASCII letters
  ** need no work and are skipped without branching per word */
  while (p < len) {
    size_t a, b, letters = 0;
    int leet = 0, nonascii = 0, link;

    while (p + 16 <= len) {
      v16u x = load16(t + p);
      v16s tr = ((v16s)x < 0) |
                (v16s)(((v16u)(x - '0') <= 9) | (x == '@') | (x == '$'));
      if (any16(tr)) {
        p += first16(tr);
        break;
      }
      p += 16;
    }
    while (p < len && (unsigned char)t[p] < 0x80 &&
           !(ascii_tab[(unsigned char)t[p]] & A_TRIG))
      p++;
    if (p >= len)
      break;
    if ((unsigned char)t[p] >= 0x80 && !word_at(t, len, p)) {
      p += seq_len((unsigned char)t[p]);
      continue;
    }
    a = p;
    while (a > r &&
           ((ascii_tab[(unsigned char)t[a - 1]] & (A_ALNUM | A_LEETSYM)) != 0))
      a--;
    b = a;
    while (b < len) {
      unsigned char c = (unsigned char)t[b];
      if (c < 0x80) {
        unsigned char k = ascii_tab[c];
        if (k & A_LETTER)
          letters++;
        else if (k & (A_ALNUM | A_LEETSYM))
          leet = 1; /* digit, @ or $ */
        else
          break;
        b++;
        continue;
      }
      if (!word_at(t, len, b))
        break;
      nonascii = 1;
      b += seq_len(c);
      if (b > len)
        b = len;
    }
    p = b;
    if (!nonascii && !(leet && letters >= 2))
      continue; /* unchanged: stays in [r, ...) */
    /* look at the whole token before anything is moved over it */
    link = leet && letters >= 2 && token_is_link(t, len, a, b);
    w = keep(n, w, r, a);
    w = do_word(n, orig, orig_len, a, b, w, mostly_latin, link);
    r = b;
  }
  w = keep(n, w, r, len);
  n->map[w] = n->map[len];
  n->len = w;
}

/* ---- entry points ---------------------------------------------------- */

wsp_rc wsp_text_normalize(const char *in, size_t len, wsp_norm *n)
{
  struct norm_scratch *s = n->scratch;
  wsp_rc rc;

  norm_empty(n);
  if (len > WSP_NORM_MAX_INPUT) {
    rc = WSP_TOOBIG;
    goto fail;
  }
  if (!s) {
    s = wsp_malloc(sizeof(*s));
    if (!s) {
      rc = WSP_NOMEM;
      goto fail;
    }
    for (size_t i = 0; i < CACHE_SLOTS; i++)
      s->cache[i].cp = -1;
    n->scratch = s;
  }
  s->cg_letters = 0;
  s->tail_end = 0;
  if (!in)
    len = 0;
  if ((rc = norm_reserve(n, len + FOLD_MAX)) != WSP_OK)
    goto fail;
  n->orig_len = len;
  if ((rc = pass_fold((const unsigned char *)in, len, n, s)) != WSP_OK)
    goto fail;
  n->map[n->len] = (uint32_t)len;
  pass_join(n);
  pass_words(n, in, len, s->cg_letters * 6 < n->len);
  n->text[n->len] = '\0';
  if (n->len > 0) {
    size_t o = n->map[n->len - 1];
    int32_t cp;
    s->tail_end =
        o + wsp__utf8_decode((const unsigned char *)in + o, len - o, &cp);
  }
  return WSP_OK;
fail:
  norm_empty(n);
  n->invalid_utf8 = 0;
  return rc;
}

size_t wsp_norm_orig_start(const wsp_norm *n, size_t off)
{
  if (!n->map)
    return 0;
  if (off > n->len)
    off = n->len;
  return n->map[off];
}

size_t wsp_norm_orig_end(const wsp_norm *n, size_t end)
{
  size_t j;
  uint32_t v;

  if (!n->map || end == 0)
    return n->map ? n->map[0] : 0;
  if (end > n->len)
    end = n->len;
  v = n->map[end - 1];
  j = end;
  while (j < n->len && n->map[j] == v)
    j++;
  if (j == n->len && n->scratch)
    return ((const struct norm_scratch *)n->scratch)->tail_end;
  return n->map[j];
}
