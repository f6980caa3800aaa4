/* parse/feed_json.c: the JSON feed shapes, with cJSON: JSON Feed 1.0/1.1,
** Mastodon status arrays (reblogs unwrapped, newest id / Link header as
** the min_id cursor), Reddit listings (t3 links and t1 comments, `after`
** cursor, legacy HTML-escaped fields unescaped), Bluesky getFeed /
** getTimeline / getAuthorFeed / searchPosts / getPosts responses (facet and
** embed links and image alt texts appended as text, `cursor`), and bare JSON-LD
*documents
** (handed to feed_jsonld.c). The format is taken from the caller or sniffed
** from the parsed tree's shape (wsp__feed_sniff_json).
**
** Bounds: the document is bounded by WSP_FEED_MAX_BODY and cJSON's nesting
** limit; every field read is type-checked (a wrong type is "absent").
** Threading: reentrant. @test tests/unit/test_parse_json.c */
#include "parse/feed_int.h"

#include "core/alloc.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const cJSON *jget(const cJSON *o, const char *key)
{
  return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static const char *jstr(const cJSON *o, const char *key)
{
  const cJSON *v = jget(o, key);
  return cJSON_IsString(v) && v->valuestring && *v->valuestring ? v->valuestring
                                                                : NULL;
}

/* A string, or a whole number printed into buf. */
static const char *jid(const cJSON *o, const char *key, char *buf, size_t size)
{
  const cJSON *v = jget(o, key);
  if (cJSON_IsString(v) && v->valuestring && *v->valuestring)
    return v->valuestring;
  if (cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
      fabs(v->valuedouble) < 1e18) {
    snprintf(buf, size, "%.0f", v->valuedouble);
    return buf;
  }
  return NULL;
}

static int64_t jdate(const cJSON *o, const char *key)
{
  const cJSON *v = jget(o, key);
  int64_t t = 0;
  if (cJSON_IsString(v) && v->valuestring &&
      wsp_feed_date_parse(v->valuestring, strlen(v->valuestring), &t) == WSP_OK)
    return t;
  if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble > 0 &&
      v->valuedouble < 1e11)
    return (int64_t)v->valuedouble;
  return 0;
}

/* Serialised item for post->raw (NULL on failure; free with cJSON_free). */
static char *jraw(const cJSON *item)
{
  return cJSON_PrintUnformatted(item);
}

static wsp_rc emit_with_raw(wsp__feed_ctx *c, wsp__feed_item *it,
                            const cJSON *item)
{
  char *raw = jraw(item);
  wsp_rc rc;
  it->raw = raw;
  it->raw_len = raw ? strlen(raw) : 0;
  rc = wsp__feed_emit(c, it);
  cJSON_free(raw);
  return rc;
}

static wsp_rc set_cursor(wsp__feed_ctx *c, const char *s)
{
  return wsp__feed_set_str(&c->meta->cursor, s);
}

/* ---- JSON Feed ------------------------------------------------------- */

static const char *jsonfeed_author(const cJSON *o)
{
  const cJSON *a = jget(o, "authors");
  const char *name;
  if (cJSON_IsArray(a)) {
    const cJSON *first = cJSON_GetArrayItem(a, 0);
    if ((name = jstr(first, "name")))
      return name;
  }
  return jstr(jget(o, "author"), "name");
}

static wsp_rc parse_jsonfeed(wsp__feed_ctx *c, const cJSON *root)
{
  const cJSON *items = jget(root, "items"), *item;
  const char *feed_lang = jstr(root, "language");
  const char *feed_author = jsonfeed_author(root);
  wsp_rc rc = WSP_OK;

  c->meta->format = WSP_FEED_JSONFEED;
  if ((rc = wsp__feed_set_str(&c->meta->title, jstr(root, "title"))) != WSP_OK)
    return rc;
  if (!cJSON_IsArray(items))
    return WSP_OK; /* a feed without items is still a feed */
  cJSON_ArrayForEach(item, items)
  {
    wsp__feed_item it = {0};
    char idbuf[32];
    const char *html, *ext;
    if (c->stopped || rc != WSP_OK)
      break;
    if (!cJSON_IsObject(item)) {
      c->meta->skipped++;
      continue;
    }
    it.id = jid(item, "id", idbuf, sizeof(idbuf));
    it.url = jstr(item, "url");
    ext = jstr(item, "external_url");
    if (!it.url)
      it.url = ext;
    else if (ext && strcmp(ext, it.url) != 0)
      it.extra = ext;
    it.title = jstr(item, "title");
    it.title_html = 0;
    html = jstr(item, "content_html");
    if (html) {
      it.body = html;
      it.body_html = 1;
    } else if ((it.body = jstr(item, "content_text")) == NULL) {
      it.body = jstr(item, "summary");
    }
    it.published = jdate(item, "date_published");
    if (!it.published)
      it.published = jdate(item, "date_modified");
    it.author = jsonfeed_author(item);
    if (!it.author)
      it.author = feed_author;
    it.lang = jstr(item, "language");
    if (!it.lang)
      it.lang = feed_lang;
    rc = emit_with_raw(c, &it, item);
  }
  return rc;
}

/* ---- Mastodon --------------------------------------------------------- */

/* Numeric ids compare by length, then bytes (they are snowflakes). */
static int id_newer(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b);
  if (!b[0])
    return 1;
  if (la != lb)
    return la > lb;
  return strcmp(a, b) > 0;
}

/* min_id (or since_id) of the rel="prev" URL of a Link header into out. */
static int link_prev_min_id(const char *link, char *out, size_t size)
{
  const char *p = link;

  if (!link)
    return 0;
  while ((p = strchr(p, '<')) != NULL) {
    const char *end = strchr(p, '>');
    const char *next, *rel;
    if (!end)
      return 0;
    next = strchr(end, ',');
    rel = strstr(end, "rel=");
    if (rel && (!next || rel < next) &&
        (strncmp(rel + 4, "\"prev\"", 6) == 0 ||
         strncmp(rel + 4, "prev", 4) == 0)) {
      static const char *const keys[] = {"min_id=", "since_id="};
      for (int k = 0; k < 2; k++) {
        const char *q = p;
        size_t kl = strlen(keys[k]);
        while (q && q < end && (q = strstr(q, keys[k])) != NULL && q < end) {
          if (q[-1] == '?' || q[-1] == '&') {
            size_t n = 0;
            q += kl;
            while (q < end && *q != '&' && n + 1 < size)
              out[n++] = *q++;
            out[n] = 0;
            return n > 0;
          }
          q += kl;
        }
      }
    }
    p = end + 1;
  }
  return 0;
}

static wsp_rc mastodon_status(wsp__feed_ctx *c, const cJSON *outer,
                              wsp_buf *extra)
{
  const cJSON *s = outer, *r = jget(outer, "reblog");
  const cJSON *acct, *card, *media, *m, *poll;
  wsp__feed_item it = {0};

  if (cJSON_IsObject(r))
    s = r; /* a boost: the original status is the post */
  wsp_buf_reset(extra);
  it.id = jstr(s, "uri");
  if (!it.id)
    it.id = jstr(s, "id");
  it.url = jstr(s, "url");
  if (!it.url)
    it.url = jstr(s, "uri");
  it.title = jstr(s, "spoiler_text"); /* content warning */
  it.body = jstr(s, "content");
  it.body_html = 1;
  if (!it.body) {
    it.body = jstr(s, "text"); /* the source text, when present */
    it.body_html = 0;
  }
  acct = jget(s, "account");
  it.author = jstr(acct, "acct");
  if (!it.author)
    it.author = jstr(acct, "username");
  it.published = jdate(s, "created_at");
  it.lang = jstr(s, "language");
  card = jget(s, "card");
  if (cJSON_IsObject(card)) {
    const char *f[] = {jstr(card, "title"), jstr(card, "description"),
                       jstr(card, "url")};
    for (int i = 0; i < 3; i++)
      if (f[i]) {
        wsp__buf_append_clip(extra, f[i], strlen(f[i]));
        wsp__buf_append_clip(extra, "\n", 1);
      }
  }
  media = jget(s, "media_attachments");
  if (cJSON_IsArray(media))
    cJSON_ArrayForEach(m, media)
    {
      const char *d = jstr(m, "description");
      if (d) {
        wsp__buf_append_clip(extra, d, strlen(d));
        wsp__buf_append_clip(extra, "\n", 1);
      }
    }
  poll = jget(jget(s, "poll"), "options");
  if (cJSON_IsArray(poll))
    cJSON_ArrayForEach(m, poll)
    {
      const char *t = jstr(m, "title");
      if (t) {
        wsp__buf_append_clip(extra, t, strlen(t));
        wsp__buf_append_clip(extra, "\n", 1);
      }
    }
  it.extra = extra->len ? extra->data : NULL;
  return emit_with_raw(c, &it, s);
}

static wsp_rc parse_mastodon(wsp__feed_ctx *c, const cJSON *root)
{
  const cJSON *s;
  char newest[64] = "", from_link[64];
  wsp_buf extra;
  wsp_rc rc = WSP_OK;

  c->meta->format = WSP_FEED_MASTODON;
  wsp_buf_init(&extra, 64 * 1024);
  if (cJSON_IsObject(root)) {
    rc = mastodon_status(c, root, &extra);
  } else {
    cJSON_ArrayForEach(s, root)
    {
      const char *id;
      if (c->stopped || rc != WSP_OK)
        break;
      if (!cJSON_IsObject(s)) {
        c->meta->skipped++;
        continue;
      }
      id = jstr(s, "id");
      if (id && strlen(id) < sizeof(newest) && id_newer(id, newest))
        strcpy(newest, id);
      rc = mastodon_status(c, s, &extra);
    }
  }
  wsp_buf_cleanup(&extra);
  if (rc != WSP_OK)
    return rc;
  if (link_prev_min_id(c->in->link_header, from_link, sizeof(from_link)) &&
      id_newer(from_link, newest))
    return set_cursor(c, from_link);
  return set_cursor(c, newest[0] ? newest : NULL);
}

/* ---- Reddit ------------------------------------------------------------ */

/* Undo the legacy (non raw_json) escaping of &, < and >. */
static const char *unescape(const char *s, wsp_buf *b)
{
  const char *p;
  if (!s || !strchr(s, '&'))
    return s;
  wsp_buf_reset(b);
  for (p = s; *p;) {
    if (strncmp(p, "&amp;", 5) == 0) {
      wsp__buf_append_clip(b, "&", 1);
      p += 5;
    } else if (strncmp(p, "&lt;", 4) == 0) {
      wsp__buf_append_clip(b, "<", 1);
      p += 4;
    } else if (strncmp(p, "&gt;", 4) == 0) {
      wsp__buf_append_clip(b, ">", 1);
      p += 4;
    } else {
      const char *amp = strchr(p + 1, '&');
      size_t n = amp ? (size_t)(amp - p) : strlen(p);
      wsp__buf_append_clip(b, p, n);
      p += n;
    }
  }
  return b->len ? b->data : "";
}

static wsp_rc reddit_thing(wsp__feed_ctx *c, const cJSON *thing, wsp_buf *t1,
                           wsp_buf *t2, wsp_buf *url)
{
  const char *kind = jstr(thing, "kind");
  const cJSON *d = jget(thing, "data");
  wsp__feed_item it = {0};
  const char *permalink, *link;
  char idbuf[64];

  if (!kind || !cJSON_IsObject(d) ||
      (strcmp(kind, "t3") != 0 && strcmp(kind, "t1") != 0)) {
    c->meta->skipped++;
    return WSP_OK;
  }
  it.id = jstr(d, "name");
  if (!it.id && jstr(d, "id")) {
    snprintf(idbuf, sizeof(idbuf), "%s_%.48s", kind, jstr(d, "id"));
    it.id = idbuf;
  }
  wsp_buf_reset(url);
  permalink = jstr(d, "permalink");
  link = jstr(d, "url");
  if (permalink && permalink[0] == '/') {
    wsp_buf_puts(url, "https://www.reddit.com");
    wsp__buf_append_clip(url, permalink, strlen(permalink));
    it.url = url->data;
  } else {
    it.url = permalink ? permalink : link;
  }
  if (strcmp(kind, "t3") == 0) {
    const cJSON *is_self = jget(d, "is_self");
    it.title = unescape(jstr(d, "title"), t1);
    it.body = unescape(jstr(d, "selftext"), t2);
    if (link && !cJSON_IsTrue(is_self) &&
        (!it.url || strcmp(link, it.url) != 0))
      it.extra = link; /* a link post: where it points */
  } else {
    it.body = unescape(jstr(d, "body"), t2);
  }
  it.author = jstr(d, "author");
  it.published = jdate(d, "created_utc");
  if (!it.published)
    it.published = jdate(d, "created");
  return emit_with_raw(c, &it, d);
}

static wsp_rc reddit_listing(wsp__feed_ctx *c, const cJSON *listing,
                             wsp_buf *t1, wsp_buf *t2, wsp_buf *url)
{
  const cJSON *data = jget(listing, "data"), *children, *ch;
  const char *kind = jstr(listing, "kind");
  wsp_rc rc = WSP_OK;

  if (kind && strcmp(kind, "Listing") != 0)
    return reddit_thing(c, listing, t1, t2, url); /* a single thing */
  children = jget(data, "children");
  if (jstr(data, "after") && !c->meta->cursor &&
      (rc = set_cursor(c, jstr(data, "after"))) != WSP_OK)
    return rc;
  if (!cJSON_IsArray(children))
    return WSP_OK;
  cJSON_ArrayForEach(ch, children)
  {
    if (c->stopped || rc != WSP_OK)
      break;
    rc = reddit_thing(c, ch, t1, t2, url);
  }
  return rc;
}

static wsp_rc parse_reddit(wsp__feed_ctx *c, const cJSON *root)
{
  wsp_buf t1, t2, url;
  wsp_rc rc = WSP_OK;
  const cJSON *l;

  c->meta->format = WSP_FEED_REDDIT;
  wsp_buf_init(&t1, 64 * 1024);
  wsp_buf_init(&t2, WSP__FEED_MAX_FIELD);
  wsp_buf_init(&url, 8192);
  if (cJSON_IsArray(root)) { /* a comments page: [post listing, comments] */
    cJSON_ArrayForEach(l, root)
    {
      if (c->stopped || rc != WSP_OK)
        break;
      if (cJSON_IsObject(l))
        rc = reddit_listing(c, l, &t1, &t2, &url);
    }
  } else {
    rc = reddit_listing(c, root, &t1, &t2, &url);
  }
  wsp_buf_cleanup(&t1);
  wsp_buf_cleanup(&t2);
  wsp_buf_cleanup(&url);
  return rc;
}

/* ---- Bluesky ------------------------------------------------------------ */

/* Alt texts of an embed's images (text in pictures is where ads hide). */
static void bsky_images(const cJSON *embed, wsp_buf *extra)
{
  const cJSON *imgs = jget(embed, "images"), *im;
  if (!cJSON_IsArray(imgs))
    imgs = jget(jget(embed, "media"), "images");
  if (!cJSON_IsArray(imgs))
    return;
  cJSON_ArrayForEach(im, imgs)
  {
    const char *alt = jstr(im, "alt");
    if (alt) {
      wsp__buf_append_clip(extra, alt, strlen(alt));
      wsp__buf_append_clip(extra, "\n", 1);
    }
  }
}

static void bsky_external(const cJSON *embed, wsp_buf *extra)
{
  const cJSON *ext = jget(embed, "external");
  const char *f[3];
  if (!cJSON_IsObject(ext)) {
    /* recordWithMedia and views nest the external one level down */
    const cJSON *media = jget(embed, "media");
    ext = jget(media, "external");
    if (!cJSON_IsObject(ext))
      return;
  }
  f[0] = jstr(ext, "title");
  f[1] = jstr(ext, "description");
  f[2] = jstr(ext, "uri");
  for (int i = 0; i < 3; i++)
    if (f[i] && !(extra->data && strstr(extra->data, f[i]))) {
      wsp__buf_append_clip(extra, f[i], strlen(f[i]));
      wsp__buf_append_clip(extra, "\n", 1);
    }
}

static wsp_rc bsky_post(wsp__feed_ctx *c, const cJSON *pv, wsp_buf *extra,
                        wsp_buf *url)
{
  const cJSON *record = jget(pv, "record"), *author = jget(pv, "author");
  const cJSON *facets = jget(record, "facets"), *f, *feat;
  const cJSON *langs = jget(record, "langs");
  wsp__feed_item it = {0};
  const char *uri = jstr(pv, "uri"), *handle;

  if (!cJSON_IsObject(pv) || !cJSON_IsObject(record)) {
    c->meta->skipped++;
    return WSP_OK;
  }
  wsp_buf_reset(extra);
  wsp_buf_reset(url);
  it.id = uri;
  handle = jstr(author, "handle");
  if (!handle)
    handle = jstr(author, "did");
  it.author = handle;
  if (uri && handle && strncmp(uri, "at://", 5) == 0 && strrchr(uri, '/')) {
    wsp_buf_printf(url, "https://bsky.app/profile/%.256s/post/%.64s", handle,
                   strrchr(uri, '/') + 1);
    it.url = url->len ? url->data : NULL;
  }
  it.body = jstr(record, "text");
  it.published = jdate(record, "createdAt");
  if (!it.published)
    it.published = jdate(pv, "indexedAt");
  if (cJSON_IsArray(langs) && cJSON_IsString(cJSON_GetArrayItem(langs, 0)))
    it.lang = cJSON_GetArrayItem(langs, 0)->valuestring;
  if (cJSON_IsArray(facets))
    cJSON_ArrayForEach(f, facets)
    {
      const cJSON *features = jget(f, "features");
      if (!cJSON_IsArray(features))
        continue;
      cJSON_ArrayForEach(feat, features)
      {
        const char *type = jstr(feat, "$type"), *link = jstr(feat, "uri");
        if (type && link && strstr(type, "#link")) {
          wsp__buf_append_clip(extra, link, strlen(link));
          wsp__buf_append_clip(extra, "\n", 1);
        }
      }
    }
  bsky_external(jget(record, "embed"), extra);
  bsky_external(jget(pv, "embed"), extra);
  bsky_images(jget(record, "embed"), extra);
  it.extra = extra->len ? extra->data : NULL;
  return emit_with_raw(c, &it, pv);
}

static wsp_rc parse_bluesky(wsp__feed_ctx *c, const cJSON *root)
{
  const cJSON *list = jget(root, "feed"), *e;
  int feed_view = 1;
  wsp_buf extra, url;
  wsp_rc rc = WSP_OK;

  c->meta->format = WSP_FEED_BLUESKY;
  if (cJSON_IsArray(root)) {
    list = root; /* a bare feed[] or posts[] array */
  } else if (!cJSON_IsArray(list)) {
    list = jget(root, "posts");
    feed_view = 0;
  }
  if ((rc = set_cursor(c, jstr(root, "cursor"))) != WSP_OK)
    return rc;
  if (!cJSON_IsArray(list))
    return WSP_OK;
  wsp_buf_init(&extra, 64 * 1024);
  wsp_buf_init(&url, 1024);
  cJSON_ArrayForEach(e, list)
  {
    const cJSON *pv = e;
    if (c->stopped || rc != WSP_OK)
      break;
    if (feed_view && cJSON_IsObject(jget(e, "post")))
      pv = jget(e, "post"); /* feedViewPost; reposts show the original */
    rc = bsky_post(c, pv, &extra, &url);
  }
  wsp_buf_cleanup(&extra);
  wsp_buf_cleanup(&url);
  return rc;
}

/* ---- sniffing and entry ------------------------------------------------ */

static wsp_feed_format sniff_object(const cJSON *o)
{
  const char *v = jstr(o, "version"), *kind = jstr(o, "kind");
  const cJSON *list;

  if ((v && strstr(v, "jsonfeed.org")) ||
      (cJSON_IsArray(jget(o, "items")) &&
       (jget(o, "home_page_url") || jget(o, "feed_url"))))
    return WSP_FEED_JSONFEED;
  if (kind && (strcmp(kind, "Listing") == 0 || strcmp(kind, "t3") == 0 ||
               strcmp(kind, "t1") == 0))
    return WSP_FEED_REDDIT;
  list = jget(o, "feed");
  if (!cJSON_IsArray(list))
    list = jget(o, "posts");
  if (cJSON_IsArray(list)) {
    const cJSON *first = cJSON_GetArrayItem(list, 0);
    if (!first || jget(first, "post") || jget(first, "record"))
      return WSP_FEED_BLUESKY;
  }
  if (jget(o, "record") && jget(o, "uri"))
    return WSP_FEED_BLUESKY;
  if (jget(o, "account") && (jget(o, "content") || jget(o, "reblog")))
    return WSP_FEED_MASTODON;
  if (jget(o, "@context") || jget(o, "@type") || jget(o, "@graph"))
    return WSP_FEED_JSONLD;
  return WSP_FEED_AUTO;
}

wsp_feed_format wsp__feed_sniff_json(const void *cjson_root)
{
  const cJSON *root = cjson_root, *first;

  if (cJSON_IsObject(root))
    return sniff_object(root);
  if (!cJSON_IsArray(root))
    return WSP_FEED_AUTO;
  first = cJSON_GetArrayItem(root, 0);
  if (!first)
    return WSP_FEED_MASTODON; /* an empty timeline */
  if (!cJSON_IsObject(first))
    return WSP_FEED_AUTO;
  if (jget(first, "post") && jget(jget(first, "post"), "record"))
    return WSP_FEED_BLUESKY;
  if (jget(first, "record") && jget(first, "uri"))
    return WSP_FEED_BLUESKY;
  return sniff_object(first);
}

wsp_rc wsp__feed_parse_json(wsp__feed_ctx *c, const char *utf8, size_t len,
                            wsp_feed_format format)
{
  /* utf8[len] is NUL (a wsp_buf): parsing len + 1 bytes with
  ** require_null_terminated rejects trailing data (JSONL is not one doc) */
  cJSON *root = cJSON_ParseWithLengthOpts(utf8, len + 1, NULL, 1);
  wsp_feed_format f;
  wsp_rc rc;

  if (!root)
    return wsp_err_set(c->err, WSP_PARSE, "feed: invalid JSON");
  f = wsp__feed_sniff_json(root);
  if (format != WSP_FEED_AUTO && format != WSP_FEED_JSONLD)
    f = format; /* the caller knows best */
  else if (format == WSP_FEED_JSONLD)
    f = WSP_FEED_JSONLD;
  switch (f) {
  case WSP_FEED_JSONFEED:
    rc = parse_jsonfeed(c, root);
    break;
  case WSP_FEED_MASTODON:
    rc = cJSON_IsArray(root) || cJSON_IsObject(root)
             ? parse_mastodon(c, root)
             : wsp_err_set(c->err, WSP_PARSE, "feed: not Mastodon statuses");
    break;
  case WSP_FEED_REDDIT:
    rc = parse_reddit(c, root);
    break;
  case WSP_FEED_BLUESKY:
    rc = parse_bluesky(c, root);
    break;
  case WSP_FEED_JSONLD:
    c->meta->format = WSP_FEED_JSONLD;
    rc = wsp__feed_jsonld_walk(c, root);
    break;
  default:
    rc = wsp_err_set(c->err, WSP_PARSE,
                     "feed: JSON in no supported shape (JSON Feed, Mastodon, "
                     "Reddit, Bluesky, JSON-LD)");
    break;
  }
  cJSON_Delete(root);
  return rc;
}
