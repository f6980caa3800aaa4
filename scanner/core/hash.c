/* core/hash.c: 64-bit multiply-xorshift hash over 8-byte little-endian
** words, finished with a full-avalanche mixer. */
#include "core/hash.h"

#include <string.h>

#define K0 0x9e3779b97f4a7c15ull
#define K1 0xbf58476d1ce4e5b9ull
#define K2 0x94d049bb133111ebull

static uint64_t avalanche(uint64_t x)
{
  x ^= x >> 30;
  x *= K1;
  x ^= x >> 27;
  x *= K2;
  x ^= x >> 31;
  return x;
}

/* Eight bytes as a little-endian integer (hashes are stored in model files:
** they must not depend on the machine), in one load. */
static uint64_t load64(const unsigned char *p)
{
  uint64_t v;
  memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

uint64_t wsp_hash64_mix(uint64_t h, uint64_t v)
{
  h ^= v + K0 + (h << 6) + (h >> 2);
  return avalanche(h);
}

uint64_t wsp_hash64(const void *data, size_t n, uint64_t seed)
{
  const unsigned char *p = data;
  uint64_t a = seed ^ K0, b = (uint64_t)n * K1;
  size_t i = 0;

  for (; i + 16 <= n; i += 16) {
    a = (a ^ load64(p + i)) * K1;
    b = (b ^ load64(p + i + 8)) * K2;
    a = (a << 31 | a >> 33) ^ b;
    b = (b << 29 | b >> 35) + a;
  }
  if (i + 8 <= n) {
    a = (a ^ load64(p + i)) * K2;
    a = a << 27 | a >> 37;
    i += 8;
  }
  if (i < n) {
    unsigned char tail[8] = {0};
    memcpy(tail, p + i, n - i);
    b = (b ^ load64(tail)) * K1;
  }
  return avalanche(a ^ avalanche(b + K2));
}
