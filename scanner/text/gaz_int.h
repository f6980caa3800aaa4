/* text/gaz_int.h: gazetteer look-up used by the entity extractor (private to
** the text module). Threading: read-only on an immutable wsp_gazetteer. */
#ifndef WSP_TEXT_GAZ_INT_H
#define WSP_TEXT_GAZ_INT_H

#include "text/entities.h"

#include <stddef.h>

/* Longest alias of g matching normalised text t[pos..len) as whole words
** (pos must start a word, wend is the end of that word: the first byte after
** pos that is not an ASCII letter/digit or a non-ASCII byte). Returns its
** length in bytes (0: none) and sets *value (borrowed from g), *region (1
** for province/city) and *cap (alias must be capitalised in the original).*/
size_t wsp__gazetteer_match(const wsp_gazetteer *g, const char *t, size_t len,
                            size_t pos, size_t wend, const char **value,
                            int *region, int *cap);

#endif
