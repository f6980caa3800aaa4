/* text/text_int.h: private helpers shared by the files of the text module
** (UTF-8 decoding/encoding, character classes). Not part of the public API.
**
** Threading: everything here is pure or reentrant. */
#ifndef WSP_TEXT_TEXT_INT_H
#define WSP_TEXT_TEXT_INT_H

#include "core/buf.h"
#include "core/error.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define WSP__UTF8_REPLACEMENT 0xFFFDu

/* Decode one code point at s[0..len) (len >= 1). Strict: overlong forms,
** surrogates and values above U+10FFFF are invalid. On success returns the
** sequence length (1..4) and sets *cp; on an invalid sequence returns the
** number of bytes to skip (>= 1, the maximal invalid prefix per the Unicode
** "substitution of maximal subparts" practice) and sets *cp to -1. */
/* (inline: it is on the normaliser's per-character path) */
static inline size_t wsp__utf8_decode(const unsigned char *s, size_t len,
                                      int32_t *cp)
{
  unsigned c = s[0];
  size_t n;
  int32_t v, min;

  if (c < 0x80) {
    *cp = (int32_t)c;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    v = c & 0x1F;
    min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    v = c & 0x0F;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    v = c & 0x07;
    min = 0x10000;
  } else {
    *cp = -1;
    return 1;
  }
  for (size_t i = 1; i < n; i++) {
    unsigned b;
    if (i >= len || ((b = s[i]) & 0xC0) != 0x80) {
      *cp = -1;
      return i;
    }
    /* Reject early what can only become overlong/surrogate/too large, so
    ** the skipped prefix is maximal but never swallows a valid lead byte. */
    if (i == 1) {
      if ((c == 0xE0 && b < 0xA0) || (c == 0xED && b > 0x9F) ||
          (c == 0xF0 && b < 0x90) || (c == 0xF4 && b > 0x8F)) {
        *cp = -1;
        return 1;
      }
    }
    v = (v << 6) | (int32_t)(b & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
    *cp = -1;
    return n;
  }
  *cp = v;
  return n;
}

/* Encode cp (0..0x10FFFF, not a surrogate) into out (>= 4 bytes); returns
** the number of bytes written. */
size_t wsp__utf8_encode(int32_t cp, char *out);

/* wsp_html_to_text() always through libxml2's HTML parser, without the
** shortcut for plain text (the tests compare the two). */
wsp_rc wsp__html_parse_to_text(const char *html, size_t len, wsp_buf *out,
                               wsp_err *err);

/* Decode the code point that starts at s[off] of a string of length len; -1
** if off is out of range or not the start of a valid sequence. */
int32_t wsp__utf8_at(const char *s, size_t len, size_t off);

/* Latin look-alike for a Cyrillic or Greek code point (upper or lower case),
** or 0 if it has none. */
char wsp__confusable_cg(int32_t cp);

/* Nonzero for code points of the Cyrillic and Greek blocks. */
int wsp__is_cyrillic_greek(int32_t cp);

/* 16 bytes at a time with GCC/Clang vector extensions (portable: the
** compiler lowers them to SSE2/NEON or scalar code). */
typedef unsigned char v16u __attribute__((vector_size(16)));
typedef signed char v16s __attribute__((vector_size(16)));

static inline v16u load16(const char *p)
{
  v16u v;
  memcpy(&v, p, 16);
  return v;
}

static inline int any16(v16s m)
{
  uint64_t a[2];
  memcpy(a, &m, 16);
  return (a[0] | a[1]) != 0;
}

/* Index of the first set lane of a nonzero mask. */
static inline size_t first16(v16s m)
{
  uint64_t a[2];
  memcpy(a, &m, 16);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return a[0] ? (size_t)__builtin_clzll(a[0]) / 8
              : 8 + (size_t)__builtin_clzll(a[1]) / 8;
#else
  return a[0] ? (size_t)__builtin_ctzll(a[0]) / 8
              : 8 + (size_t)__builtin_ctzll(a[1]) / 8;
#endif
}

#endif
