/* bayes/tokenize.h: the tokeniser of the naive Bayes scorer. It turns
** NORMALISED text (text/normalize.h) plus the post's entity list
** (text/entities.h) into feature tokens, each identified by a 64-bit hash
** (core/hash.h) and carrying its printable form for explanations.
**
** Features (each family can be switched off in wsp_tok_opts):
**   word     "gaji"           maximal runs of ASCII letters/digits and
*non-ASCII
**                             bytes; ASCII upper case folded; a word is cut at
**                             max_token bytes (on a UTF-8 character boundary)
**   number   "## juta"        every run of digits inside a word is replaced by
**                             its shape: "#" per digit for 1-4 digits, "#5+"
**                             for 5-7 digits, "#8+" for 8 or more, so "15 juta"
**                             and "18 juta" share tokens, and so do all phone
**                             numbers
**   bigram   "gaji besar"     two adjacent words (after shaping)
**   chargram "c:_ker"         character n-grams (cgram_min..cgram_max, counted
**                             in UTF-8 characters) of each shaped word padded
**                             with '_' at both ends, as scikit-learn's
**                             "char_wb" analyser; they make the model robust to
**                             abbreviations and obfuscation ("krj", "kerja2")
**   entity   "<wa>"           one per entity: "<kind>", and for countries and
**            "<country:kamboja>" regions also "<kind:value>" (value cut at
**                             max_token bytes)
** A token's hash is wsp_hash64 of its printable form (seed WSP_TOK_SEED;
** forms of at most 8 bytes: wsp_hash64_mix of the bytes packed
** little-endian, keyed by the length) with the top two bits replaced by its
** kind, so a model can weigh the
** families separately from hashes alone (WSP_TOK_KIND_OF).
** A post yields at most WSP_TOK_MAX_TOKENS tokens and considers at most
** max_words words; the rest is ignored (out->truncated is set), so hostile
** input cannot grow memory without bound.
**
** Ownership and threading: a wsp_tokens is caller-allocated, owns its storage
** and is reused between calls (one per thread). Reusing it pays: it keeps a
** cache of the character n-grams of the words it has seen and of their
** model weights (bayes/gramcache.h, about 2.8 MB, allocated by the first
** tokenisation with character n-grams). Functions are reentrant. */
#ifndef WSP_BAYES_TOKENIZE_H
#define WSP_BAYES_TOKENIZE_H

#include "core/error.h"
#include "text/entities.h"

#include <stddef.h>
#include <stdint.h>

/* Upper bound on tokens produced for one post. */
#define WSP_TOK_MAX_TOKENS 65536u
/* Upper bound on max_token (bytes of a word kept). */
#define WSP_TOK_MAX_TOKEN_LEN 64u

typedef struct wsp_tok_opts {
  uint8_t words;      /* nonzero: word unigrams */
  uint8_t bigrams;    /* nonzero: adjacent word pairs */
  uint8_t entities;   /* nonzero: entity-kind tokens */
  uint8_t cgram_min;  /* character n-grams inside words; 0: none */
  uint8_t cgram_max;  /* >= cgram_min, <= 8 */
  uint8_t max_token;  /* bytes kept of a word, 4..WSP_TOK_MAX_TOKEN_LEN */
  uint16_t max_words; /* words considered per post, >= 1 */
} wsp_tok_opts;

/* Kind of a token, stored with it (explanations may filter on it). */
typedef enum {
  WSP_TOK_WORD = 0,
  WSP_TOK_BIGRAM = 1,
  WSP_TOK_CGRAM = 2,
  WSP_TOK_ENTITY = 3
} wsp_tok_kind;

typedef struct wsp_token {
  uint64_t hash; /* wsp_tok_hash(kind, printable form) */
  uint32_t off;  /* printable form: bytes [off, off+len) of wsp_tokens.text */
  uint16_t len;
  uint8_t kind; /* wsp_tok_kind */
} wsp_token;

#define WSP_TOK_SEED 0x77737062u /* "wspb" */
#define WSP_TOK_KINDS 4
#define WSP_TOK_KIND_OF(hash) ((unsigned)((hash) >> 62))

/* Hash of a token of kind k with printable form s[0..n). */
uint64_t wsp_tok_hash(wsp_tok_kind k, const char *s, size_t n);

/* Kind of a printable form: "c:..." chargram, "<...>" entity, containing a
** space bigram, else word. */
wsp_tok_kind wsp_tok_kind_of_text(const char *s, size_t n);

typedef struct wsp_tokens {
  wsp_token *items;
  size_t count;
  char *text; /* printable forms, not NUL-separated */
  size_t text_len;
  int truncated; /* nonzero if limits cut the post short */
  /* private */
  size_t cap, text_cap;
  uint32_t *ref; /* per item: n-gram in cache, or WSP_GRAM_NONE */
  uint64_t *set; /* wsp_tokens_unique scratch */
  size_t set_cap;
  struct wsp_gram_cache *cache; /* words' n-grams (bayes/gramcache.h) */
} wsp_tokens;

/* The settings of the shipped model: words, bigrams, entities, character
** 2..5-grams, 32-byte words, 2048 words per post. */
void wsp_tok_opts_default(wsp_tok_opts *o);

/* WSP_OK if o is within the documented ranges, else WSP_INVAL. */
wsp_rc wsp_tok_opts_check(const wsp_tok_opts *o);

void wsp_tokens_init(wsp_tokens *t);
void wsp_tokens_cleanup(wsp_tokens *t);

/* Tokenise norm[0..len) (normalised text, need not be NUL-terminated) and
** the entities ents (may be NULL; only kind and value are used) into out,
** replacing its contents. Tokens appear in text order, entities last,
** duplicates included, except that the character n-grams of a word are
** produced only at its first occurrence (features are binary, so repeats
** would add nothing but work). Returns WSP_OK, WSP_INVAL (bad options) or
** WSP_NOMEM (out is then empty). Reentrant. @test tests/unit/test_bayes.c */
wsp_rc wsp_tokenize(const wsp_tok_opts *o, const char *norm, size_t len,
                    const wsp_entities *ents, wsp_tokens *out);

/* Keep the first token of each hash, in order (binary features); O(n)
** with a hash set kept in t (falls back to sorting by hash if that set
** cannot be allocated). Printable forms stay valid. */
void wsp_tokens_unique(wsp_tokens *t);

/* Printable form of token i (not NUL-terminated; *len receives its length);
** valid until the next change of t. */
const char *wsp_token_text(const wsp_tokens *t, size_t i, size_t *len);

#endif
