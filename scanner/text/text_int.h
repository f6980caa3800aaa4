/* text/text_int.h: private helpers shared by the files of the text module
** (UTF-8 decoding/encoding, character classes). Not part of the public API.
**
** Threading: everything here is pure or reentrant. */
#ifndef WSP_TEXT_TEXT_INT_H
#define WSP_TEXT_TEXT_INT_H

#include <stddef.h>
#include <stdint.h>

#define WSP__UTF8_REPLACEMENT 0xFFFDu

/* Decode one code point at s[0..len) (len >= 1). Strict: overlong forms,
** surrogates and values above U+10FFFF are invalid. On success returns the
** sequence length (1..4) and sets *cp; on an invalid sequence returns the
** number of bytes to skip (>= 1, the maximal invalid prefix per the Unicode
** "substitution of maximal subparts" practice) and sets *cp to -1. */
size_t wsp__utf8_decode(const unsigned char *s, size_t len, int32_t *cp);

/* Encode cp (0..0x10FFFF, not a surrogate) into out (>= 4 bytes); returns
** the number of bytes written. */
size_t wsp__utf8_encode(int32_t cp, char *out);

/* Decode the code point that starts at s[off] of a string of length len; -1
** if off is out of range or not the start of a valid sequence. */
int32_t wsp__utf8_at(const char *s, size_t len, size_t off);

/* Latin look-alike for a Cyrillic or Greek code point (upper or lower case),
** or 0 if it has none. */
char wsp__confusable_cg(int32_t cp);

/* Nonzero for code points of the Cyrillic and Greek blocks. */
int wsp__is_cyrillic_greek(int32_t cp);

#endif
