/* store/store_int.h: what the files of the store module share. */
#ifndef WSP_STORE_STORE_INT_H
#define WSP_STORE_STORE_INT_H

#include "store/store.h"

/* SQL of migration `version` (1-based), NULL past the last. */
const char *wsp__store_migration(int version);

/* The connection of s (defined in store.c), for the module's other files. */
struct sqlite3;
struct sqlite3 *wsp__store_db(wsp_store *s);

#endif
