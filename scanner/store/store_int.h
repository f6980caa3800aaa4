/* store/store_int.h: what the files of the store module share. */
#ifndef WSP_STORE_STORE_INT_H
#define WSP_STORE_STORE_INT_H

#include "store/store.h"

/* SQL of migration `version` (1-based), NULL past the last. */
const char *wsp__store_migration(int version);

#endif
