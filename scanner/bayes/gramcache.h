/* bayes/gramcache.h: per-thread state that makes scoring a post cheap:
**
** WORDS. The character n-grams of recently seen words, as wsp_tokenize
** produces them (hashes, lengths and printable forms, in order), so that a
** word seen in an earlier post costs no hashing. The tokeniser keys an entry
** by the word-token hash of the shaped word and checks the word's bytes, so
** a hash collision cannot mix words up. Next to each n-gram the scorer keeps
** its weight lambda_w and its rank in the model (a number the model gives
** each of its tokens, 0 .. tokens - 1, frequent tokens first), so that a
** known word costs no model look-ups either. Entries are WSP_GRAM_WAYS-way
** set-associative: a new word evicts the least recently used word of its
** set. A token made from n-gram j of entry e carries the reference
** e * WSP_GRAM_PER_WORD + j (wsp_tokens.ref); the scorer uses the cached
** n-gram only if it still is a token of that hash, so a stale reference only
** costs a look-up. Words whose n-grams do not fit an entry (more than
** WSP_GRAM_PER_WORD of them or WSP_GRAM_TEXT bytes of printable forms:
** words of more than about 16 characters) are not cached.
**
** MEMO. The weights and ranks of other tokens (words, bigrams, entities) by
** token hash, direct-mapped, in WSP_GRAM_MEMO slots after those of the
** words' n-grams (so one look-up serves both).
**
** GENERATIONS. Weights and ranks hold for one model in one state (its
** stamp, new whenever its counts change). The cache numbers the stamps it
** is used with: each weight carries the generation it was computed in and
** counts only while the cache is in that generation.
**
** SEEN. The tokens of the post being scored so far, to keep only the first
** of each hash: a mark per model rank for tokens the model knows (the rank
** identifies the hash), an open-addressing set of hashes for the others.
** Marks and set entries carry the number of the post that made them, so
** nothing needs clearing between posts.
**
** Memory: about 2.8 MB fixed (allocated once per wsp_tokens), plus for SEEN
** one byte per model token and 32 bytes per token of the largest post.
**
** Threading: a cache belongs to one wsp_tokens, hence to one thread. */
#ifndef WSP_BAYES_GRAMCACHE_H
#define WSP_BAYES_GRAMCACHE_H

#include "bayes/tokenize.h"

#include <stddef.h>
#include <stdint.h>

#define WSP_GRAM_WORDS 1024u     /* entries (a power of two) */
#define WSP_GRAM_WAYS 4u         /* entries per set */
#define WSP_GRAM_PER_WORD 64u    /* n-grams per entry (a power of two) */
#define WSP_GRAM_TEXT 384u       /* bytes of printable forms per entry */
#define WSP_GRAM_MEMO 8192u      /* memoised tokens (a power of two) */
#define WSP_GRAM_NONE UINT32_MAX /* no reference; not in the model */
/* Slots: the words' n-grams, then the memo. */
#define WSP_GRAM_MEMO_BASE (WSP_GRAM_WORDS * WSP_GRAM_PER_WORD)
#define WSP_GRAM_SLOTS (WSP_GRAM_MEMO_BASE + WSP_GRAM_MEMO)

/* The model's view of one token. */
typedef struct wsp_gram {
  double weight; /* lambda_w; 0 if unknown */
  uint32_t rank; /* in the model, WSP_GRAM_NONE if unknown */
  uint32_t gen;  /* generation of weight and rank; 0: none */
} wsp_gram;

/* A cached word; its n-grams are at slot e * WSP_GRAM_PER_WORD in
** wsp_gram_cache.toks and .grams, their printable forms at e * WSP_GRAM_TEXT
** (the tokens' offsets count from there). */
typedef struct wsp_gram_word {
  uint64_t key;  /* word-token hash of the word */
  uint32_t used; /* wsp_gram_cache.clock at the last look-up */
  uint16_t text_len;
  uint8_t len;    /* bytes of word; 0: empty entry */
  uint8_t ngrams; /* in order of production */
  char word[WSP_TOK_MAX_TOKEN_LEN];
} wsp_gram_word;

/* An entry of the hash set of SEEN: empty unless epoch is the current one. */
typedef struct wsp_gram_seen_entry {
  uint64_t hash;
  uint32_t epoch;
} wsp_gram_seen_entry;

/* Tokens of the post being scored (see SEEN above). */
typedef struct wsp_gram_seen {
  uint8_t *marks; /* per model rank: == mark if seen in this post */
  size_t marks_cap;
  uint8_t mark; /* of the current post (wraps: marks are then cleared) */
  wsp_gram_seen_entry *set;
  size_t set_cap, set_mask; /* this post uses set[0 .. set_mask] */
  uint32_t epoch;           /* of the current post */
} wsp_gram_seen;

typedef struct wsp_gram_cache {
  uint8_t cgram_min, cgram_max; /* settings the entries were built with */
  uint32_t clock;               /* word look-ups so far (wraps) */
  uint32_t gen;                 /* current generation */
  uint64_t stamp;               /* the model stamp of gen */
  wsp_gram_word words[WSP_GRAM_WORDS];
  wsp_token toks[WSP_GRAM_SLOTS]; /* as tokenised (memo: hash only) */
  wsp_gram grams[WSP_GRAM_SLOTS];
  char text[WSP_GRAM_WORDS * WSP_GRAM_TEXT];
  wsp_gram_seen seen;
} wsp_gram_cache;

/* Empty cache, or NULL if out of memory. */
wsp_gram_cache *wsp_gram_cache_new(void);
void wsp_gram_cache_free(wsp_gram_cache *c); /* NULL is a no-op */

/* Entry of shaped word w[0..n) (word-token hash key) under settings o,
** filling it on a miss (emptying the whole cache first if o's n-gram
** settings differ from those it was built with). Returns the entry index,
** or -1 if the word's n-grams do not fit an entry. */
long wsp_gram_cache_word(wsp_gram_cache *c, const wsp_tok_opts *o, uint64_t key,
                         const char *w, size_t n);

/* The '_'-padded form "c:_" w "_" of shaped word w[0..n) into padded
** (n + 4 bytes) and the offsets in padded of its UTF-8 characters (from
** offset 2) into starts, followed by n + 4; returns the number of
** characters. The n-grams of size k are padded[starts[s] .. starts[s + k])
** for s + k <= characters, produced k-major from cgram_min up. */
size_t wsp_cgram_layout(const char *w, size_t n, char *padded, size_t *starts);

/* Enter the generation of model stamp `stamp` (a new one unless it is the
** current one). */
void wsp_gram_cache_model(wsp_gram_cache *c, uint64_t stamp);

/* Start a post of up to ntokens tokens for a model of nranks tokens: 0 if
** out of memory. */
int wsp_gram_seen_begin(wsp_gram_seen *s, size_t nranks, size_t ntokens);

/* Nonzero the first time the post shows the token of model rank `rank`. */
static inline int wsp_gram_seen_rank(wsp_gram_seen *s, uint32_t rank)
{
  int fresh = s->marks[rank] != s->mark;
  s->marks[rank] = s->mark;
  return fresh;
}

/* Nonzero the first time the post shows hash h. */
static inline int wsp_gram_seen_hash(wsp_gram_seen *s, uint64_t h)
{
  size_t mask = s->set_mask, j = (size_t)(h ^ (h >> 29)) & mask;

  while (s->set[j].epoch == s->epoch && s->set[j].hash != h)
    j = (j + 1) & mask;
  int fresh = s->set[j].epoch != s->epoch;
  s->set[j].hash = h;
  s->set[j].epoch = s->epoch;
  return fresh;
}

#endif
