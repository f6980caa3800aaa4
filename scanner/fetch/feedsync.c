/* fetch/feedsync.c: feed list -> sources rows, in one transaction. */
#include "fetch/feedsync.h"

#include "core/alloc.h"
#include "store/feeds.h"

wsp_rc wsp_feeds_sync(wsp_store *store, const wsp_feedlist *list, wsp_err *err)
{
  wsp_rc rc = wsp_store_begin(store, err);
  if (rc != WSP_OK)
    return rc;
  size_t n = wsp_feedlist_count(list);
  wsp_feed_config *c = n ? wsp_calloc(n, sizeof(*c)) : NULL;
  if (n && !c) {
    wsp_store_rollback(store);
    return wsp_err_set(err, WSP_NOMEM, "feeds: out of memory");
  }
  for (size_t i = 0; i < n; i++) {
    const wsp_feed *f = wsp_feedlist_get(list, i);
    c[i] = (wsp_feed_config){f->name,  f->kind,  f->url,
                             f->title, f->group, f->enabled};
  }
  rc = wsp_store_feeds_unlist_all(store, err);
  if (rc == WSP_OK)
    rc = wsp_store_feeds_sync_n(store, c, n, err);
  wsp_free(c);
  if (rc != WSP_OK) {
    wsp_store_rollback(store);
    return rc;
  }
  return wsp_store_commit(store, err);
}
