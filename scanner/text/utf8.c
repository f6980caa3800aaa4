/* text/utf8.c: strict UTF-8 decoding/encoding and the Cyrillic/Greek
** confusables table used by the normaliser. Pure functions, no state. */
#include "text/text_int.h"

size_t wsp__utf8_encode(int32_t cp, char *out)
{
  unsigned char *o = (unsigned char *)out;
  uint32_t u = (uint32_t)cp;

  if (u < 0x80) {
    o[0] = (unsigned char)u;
    return 1;
  }
  if (u < 0x800) {
    o[0] = (unsigned char)(0xC0 | (u >> 6));
    o[1] = (unsigned char)(0x80 | (u & 0x3F));
    return 2;
  }
  if (u < 0x10000) {
    o[0] = (unsigned char)(0xE0 | (u >> 12));
    o[1] = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
    o[2] = (unsigned char)(0x80 | (u & 0x3F));
    return 3;
  }
  o[0] = (unsigned char)(0xF0 | (u >> 18));
  o[1] = (unsigned char)(0x80 | ((u >> 12) & 0x3F));
  o[2] = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
  o[3] = (unsigned char)(0x80 | (u & 0x3F));
  return 4;
}

int32_t wsp__utf8_at(const char *s, size_t len, size_t off)
{
  int32_t cp;

  if (!s || off >= len)
    return -1;
  wsp__utf8_decode((const unsigned char *)s + off, len - off, &cp);
  return cp;
}

/* Look-alikes after UTS #39 confusables.txt, restricted to letters whose
** glyph (upper or lower case) is read as a Latin letter in common fonts.
** Sorted by code point. */
static const struct {
  int32_t cp;
  char latin;
} confusables[] = {
    /* Greek capitals */
    {0x0391, 'a'},
    {0x0392, 'b'},
    {0x0395, 'e'},
    {0x0396, 'z'},
    {0x0397, 'h'},
    {0x0399, 'i'},
    {0x039A, 'k'},
    {0x039C, 'm'},
    {0x039D, 'n'},
    {0x039F, 'o'},
    {0x03A1, 'p'},
    {0x03A4, 't'},
    {0x03A5, 'y'},
    {0x03A7, 'x'},
    /* Greek small */
    {0x03B1, 'a'},
    {0x03B3, 'y'},
    {0x03B5, 'e'},
    {0x03B7, 'n'},
    {0x03B9, 'i'},
    {0x03BA, 'k'},
    {0x03BD, 'v'},
    {0x03BF, 'o'},
    {0x03C1, 'p'},
    {0x03C4, 't'},
    {0x03C5, 'u'},
    {0x03C7, 'x'},
    {0x03C9, 'w'},
    {0x03F2, 'c'},
    {0x03F3, 'j'},
    /* Cyrillic capitals */
    {0x0405, 's'},
    {0x0406, 'i'},
    {0x0407, 'i'},
    {0x0408, 'j'},
    {0x0410, 'a'},
    {0x0412, 'b'},
    {0x0415, 'e'},
    {0x041A, 'k'},
    {0x041C, 'm'},
    {0x041D, 'h'},
    {0x041E, 'o'},
    {0x0420, 'p'},
    {0x0421, 'c'},
    {0x0422, 't'},
    {0x0423, 'y'},
    {0x0425, 'x'},
    /* Cyrillic small */
    {0x0430, 'a'},
    {0x0432, 'b'},
    {0x0435, 'e'},
    {0x043A, 'k'},
    {0x043C, 'm'},
    {0x043D, 'h'},
    {0x043E, 'o'},
    {0x0440, 'p'},
    {0x0441, 'c'},
    {0x0442, 't'},
    {0x0443, 'y'},
    {0x0445, 'x'},
    {0x0450, 'e'},
    {0x0451, 'e'},
    {0x0455, 's'},
    {0x0456, 'i'},
    {0x0457, 'i'},
    {0x0458, 'j'},
    {0x045D, 'u'},
    {0x04AE, 'y'},
    {0x04AF, 'y'},
    {0x04BA, 'h'},
    {0x04BB, 'h'},
    {0x04C0, 'l'},
    {0x04CF, 'l'},
    {0x0500, 'd'},
    {0x0501, 'd'},
    {0x051A, 'q'},
    {0x051B, 'q'},
    {0x051C, 'w'},
    {0x051D, 'w'},
};

char wsp__confusable_cg(int32_t cp)
{
  size_t lo = 0, hi = sizeof(confusables) / sizeof(confusables[0]);

  if (cp < 0x0391 || cp > 0x051D)
    return 0;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (confusables[mid].cp < cp)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < sizeof(confusables) / sizeof(confusables[0]) &&
      confusables[lo].cp == cp)
    return confusables[lo].latin;
  return 0;
}

int wsp__is_cyrillic_greek(int32_t cp)
{
  return (cp >= 0x0370 && cp <= 0x03FF) || (cp >= 0x0400 && cp <= 0x052F) ||
         (cp >= 0x1F00 && cp <= 0x1FFF);
}
