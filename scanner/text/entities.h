/* text/entities.h: entities extracted from a post, with their offsets in the
** original text: phone numbers (normalised to E.164), WhatsApp and Telegram
** contacts, other handles, URLs, e-mail addresses, money amounts, ages,
** destination countries / scam-hub places and Indonesian regions (from the
** gazetteer file rules/gazetteer.tsv, which operators can extend).
**
** Ownership and threading: a wsp_entities list is caller-allocated, owns its
** strings and is reused between calls; a wsp_gazetteer is immutable after
** loading and may be shared by any number of threads. */
#ifndef WSP_TEXT_ENTITIES_H
#define WSP_TEXT_ENTITIES_H

#include "core/error.h"
#include "text/normalize.h"

#include <stddef.h>

#define WSP_ENTITY_KINDS(X)                                                    \
  X(PHONE, "phone")                                                            \
  X(WA, "wa")                                                                  \
  X(TELEGRAM, "telegram")                                                      \
  X(HANDLE, "handle")                                                          \
  X(URL, "url")                                                                \
  X(EMAIL, "email")                                                            \
  X(MONEY, "money")                                                            \
  X(AGE, "age")                                                                \
  X(COUNTRY, "country")                                                        \
  X(REGION, "region")

typedef enum {
#define WSP_X(name, str) WSP_ENT_##name,
  WSP_ENTITY_KINDS(WSP_X)
#undef WSP_X
      WSP_ENT__COUNT
} wsp_entity_kind;

/* "phone", "wa", ...; NULL for an unknown kind. */
const char *wsp_entity_kind_name(wsp_entity_kind kind);

/* Values by kind (all owned by the list, valid until the next extract or
** cleanup):
**   phone    E.164 "+6281234567890"
**   wa       E.164 for number links (wa.me/62..., api.whatsapp.com/send?
**            phone=...), else the link: "chat.whatsapp.com/AbC123"
**   telegram "@handle" (lower case) or an invite link "t.me/+AbC"
**   handle   "@name" after IG/DM/follow...
**   url      "https://host/Path" (host lower case, path as written)
**   email    "local@domain" (lower case; "at"/"dot" spellings undone)
**   money    "15000000 IDR", "12000000-15000000 IDR/month", "800 USD"
**   age      "18-35", "16", ">=18", "<=35"
**   country  gazetteer value: "cambodia", "cambodia/sihanoukville"
**   region   gazetteer value: "jawa barat", "jawa barat/indramayu"
** Items are sorted by start; spans of different kinds do not overlap. */
typedef struct wsp_entity {
  wsp_entity_kind kind;
  const char *value; /* normalised, see above; owned by the list */
  size_t start, end; /* byte span in the ORIGINAL text */
} wsp_entity;

typedef struct wsp_entities {
  wsp_entity *items;
  size_t count;
  /* private: storage reused between calls */
  size_t cap;
  void *pool;
} wsp_entities;

typedef struct wsp_gazetteer wsp_gazetteer;

/* Load a gazetteer file (format documented in the file itself). On a bad line
** returns WSP_PARSE with "file:line: reason" in err. */
wsp_rc wsp_gazetteer_load(const char *path, wsp_gazetteer **out, wsp_err *err);
void wsp_gazetteer_free(wsp_gazetteer *g);

void wsp_entities_init(wsp_entities *e);
void wsp_entities_cleanup(wsp_entities *e);

/* Extract the entities of a post. orig is the original text, norm its
** normalisation (offsets are reported in orig); gaz may be NULL (then no
** country/region entities). Previous contents of e are replaced. Bounded:
** at most 1024 entities per post. Returns WSP_OK, WSP_NOMEM, or WSP_INVAL
** when norm is not the normalisation of orig (length mismatch).
** Reentrant: one wsp_entities per thread, gaz shared. */
wsp_rc wsp_entities_extract(const char *orig, size_t orig_len,
                            const wsp_norm *norm, const wsp_gazetteer *gaz,
                            wsp_entities *e);

#endif
