/* fetch/feedsync.c: feed list -> sources rows, in one transaction. */
#include "fetch/feedsync.h"

#include "store/feeds.h"

wsp_rc wsp_feeds_sync(wsp_store *store, const wsp_feedlist *list, wsp_err *err)
{
  wsp_rc rc = wsp_store_begin(store, err);
  if (rc != WSP_OK)
    return rc;
  rc = wsp_store_feeds_unlist_all(store, err);
  for (size_t i = 0; rc == WSP_OK && i < wsp_feedlist_count(list); i++) {
    const wsp_feed *f = wsp_feedlist_get(list, i);
    wsp_feed_config c = {f->name,  f->kind,  f->url,
                         f->title, f->group, f->enabled};
    rc = wsp_store_feed_sync(store, &c, err);
  }
  if (rc != WSP_OK) {
    wsp_store_rollback(store);
    return rc;
  }
  return wsp_store_commit(store, err);
}
