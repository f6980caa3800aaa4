/* fetch/feedsync.h: keeping the database's feed rows (store/feeds.h) in
** step with a feed list (fetch/feedlist.h): every feed of the list is
** inserted or updated as listed, every other source is unlisted, all in one
** transaction. Runs on the thread that owns the store connection. */
#ifndef WSP_FETCH_FEEDSYNC_H
#define WSP_FETCH_FEEDSYNC_H

#include "fetch/feedlist.h"
#include "store/store.h"

/* Errors: WSP_STORE (detail in err); on error nothing changed. */
wsp_rc wsp_feeds_sync(wsp_store *store, const wsp_feedlist *list, wsp_err *err);

#endif
