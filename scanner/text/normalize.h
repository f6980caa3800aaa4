/* text/normalize.h: obfuscation-resistant normalisation of post text.
**
** Every rule and the Bayes model see normalised text; reviewers see the
** original with highlights. Normalisation: invalid UTF-8 repaired (U+FFFD),
** NFKC + case folding (fancy math letters, full-width, circled letters fold
** to plain ones), invisible/format characters removed, control characters
** other than newline/tab dropped, whitespace runs collapsed, Cyrillic/Greek
** look-alikes mapped to Latin inside mostly-Latin words, leetspeak undone
** inside words (real numbers such as "0812" and "25jt" kept), spaced or
** dotted-out words re-joined ("L O K E R" -> "loker"), emoji and symbols
** between letters dropped. ASCII runs take a fast path; only non-ASCII code
** points pay for Unicode work.
**
** Offset map: for every byte i of the normalised text, map[i] is the byte
** offset in the original of the start of the character that produced it, and
** map[len] is the original length; so an original span for a normalised
** match [s, e) is [map[s], wsp_norm_orig_end(n, e)). map is non-decreasing.
** The end may include characters that were dropped right after the match
** (an invisible character, an emoji between letters).
**
** Details rule authors rely on (README "Text normalisation"): NFKC is
** applied per code point (combining sequences are not recomposed) and
** accents after a Latin letter are dropped ("lôkér" -> "loker"); spaced-out
** runs need >= 3 single characters starting with a letter and one repeated
** separator; leetspeak maps 0 1 3 4 5 7 @ $ to o i e a s t a s between
** letters only, and leaves numbers with units ("25jt", "rp5jt"), degrees and
** acronyms ("s1", "p3mi"), URLs and e-mail addresses alone.
**
** Ownership and threading: a wsp_norm is caller-allocated and owns its
** buffers, which are reused from one call to the next (one wsp_norm per
** thread; no allocation in steady state). Functions are reentrant. */
#ifndef WSP_TEXT_NORMALIZE_H
#define WSP_TEXT_NORMALIZE_H

#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

typedef struct wsp_norm {
  char *text;                  /* normalised UTF-8, NUL-terminated */
  size_t len;                  /* bytes in text (terminator not counted) */
  uint32_t *map;               /* len + 1 entries, see above */
  size_t orig_len;             /* length of the input */
  unsigned mixed_script_words; /* words mixing Latin with Cyrillic/Greek */
  unsigned invalid_utf8;       /* invalid sequences replaced by U+FFFD */
  /* private: reusable scratch storage */
  size_t text_cap, map_cap;
  void *scratch;
} wsp_norm;

/* Largest input accepted (bytes); longer input gives WSP_TOOBIG. */
#define WSP_NORM_MAX_INPUT (16u << 20)

void wsp_norm_init(wsp_norm *n);
void wsp_norm_cleanup(wsp_norm *n);

/* Normalise in[0..len) into n (previous contents replaced). in need not be
** NUL-terminated and may hold any bytes. Returns WSP_OK, WSP_TOOBIG or
** WSP_NOMEM (n is then empty but valid). */
wsp_rc wsp_text_normalize(const char *in, size_t len, wsp_norm *n);

/* Original byte offset where normalised offset off starts (off <= n->len). */
size_t wsp_norm_orig_start(const wsp_norm *n, size_t off);
/* Original byte offset just past the character that produced normalised
** byte end-1 (the exclusive end of a span ending at end; end <= n->len). */
size_t wsp_norm_orig_end(const wsp_norm *n, size_t end);

#endif
