/* core/hash.h: fast non-cryptographic 64-bit hash for hash tables, duplicate
** keys and cache keys. Not for anything an attacker must not collide on
** purpose; use SHA-256 (libsodium) for evidence.
**
** The output is stable across runs and platforms of the same endianness
** (little-endian reads), so it may be stored on disk. Thread-safe. */
#ifndef WSP_CORE_HASH_H
#define WSP_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Hash n bytes of p with seed. */
uint64_t wsp_hash64(const void *p, size_t n, uint64_t seed);

/* Combine a running hash with another value (order-dependent). */
uint64_t wsp_hash64_mix(uint64_t h, uint64_t v);

#endif
