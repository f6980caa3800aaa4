/* pipeline/ingest.c: `waspada ingest`: the reader in front of the shared
** scan and store stages (pipeline/stages.c). JSONL inputs stream line by
** line (parse/post.h); feed documents (RSS, Atom, RDF, JSON Feed, Mastodon,
** Reddit, Bluesky, JobPosting JSON-LD; parse/feed.h) are read whole, bounded
** by WSP_FEED_MAX_BODY, parsed at once, and their posts handed out one by
** one from a list that never holds more than one document's posts. */
#include "pipeline/ingest.h"

#include "core/alloc.h"
#include "core/buf.h"
#include "core/log.h"
#include "parse/feed.h"
#include "pipeline/stages.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* ---- reader ------------------------------------------------------------ */

struct ingest {
  wsp_stages stages; /* first: the shared stages take this pointer */
  const wsp_ingest_opts *o;
  size_t next_input;
  wsp_jsonl *reader;
  /* posts of the current feed document, handed out in order */
  wsp_post **posts;
  size_t n_posts, next_post, cap_posts;
};

/* How an input is read: a JSONL stream or a whole feed document. */
typedef struct input_kind {
  int jsonl;
  wsp_feed_format format; /* feeds: the format asked for (or auto) */
} input_kind;

static const char *base_name(const char *path)
{
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* Read the first bytes of a file (at most n) into buf; returns the count or
** -1 with err set. */
static long peek_file(const char *path, char *buf, size_t n, wsp_err *err)
{
  FILE *f = fopen(path, "rb");
  size_t got;

  if (!f) {
    wsp_err_set(err, WSP_IO, "%s: %s", path, strerror(errno));
    return -1;
  }
  got = fread(buf, 1, n, f);
  fclose(f);
  return (long)got;
}

#define PEEK 65536 /* bytes sniffed to tell a file's format */

/* Decide how to read path (before anything is read): --format names the
** format; auto sniffs the file's first 64 KiB (standard input: JSONL unless
** its first byte is '<' or '[', which cannot be told without reading it, so
** stdin is resolved when it is opened). */
static wsp_rc input_kind_of(const char *path, const char *format, input_kind *k,
                            wsp_err *err)
{
  char *head;
  long n;
  int f;

  k->jsonl = 0;
  k->format = WSP_FEED_AUTO;
  f = format ? wsp_feed_format_lookup(format) : WSP_FEED_AUTO;
  if (f < 0)
    return wsp_err_set(err, WSP_PARSE,
                       "%s: format '%s' is not supported (auto, jsonl, rss, "
                       "atom, rdf, jsonfeed, mastodon, reddit, bluesky, "
                       "jsonld)",
                       path, format);
  if (f == WSP_FEED_JSONL) {
    k->jsonl = 1;
    return WSP_OK;
  }
  k->format = (wsp_feed_format)f;
  if (f != WSP_FEED_AUTO || strcmp(path, "-") == 0)
    return WSP_OK;
  if (!(head = wsp_malloc(PEEK)))
    return WSP_NOMEM;
  if ((n = peek_file(path, head, PEEK, err)) < 0) {
    wsp_free(head);
    return WSP_IO;
  }
  f = wsp_feed_sniff(head, (size_t)n, NULL);
  if (n == 0 || f == WSP_FEED_JSONL) {
    k->jsonl = 1;
  } else if (f == WSP_FEED_AUTO) {
    size_t i = 0;
    while (i < (size_t)n && (head[i] == ' ' || head[i] == '\t' ||
                             head[i] == '\r' || head[i] == '\n'))
      i++;
    if (i == (size_t)n) { /* blank: an empty JSONL file */
      k->jsonl = 1;
    } else if (head[i] == '<' || head[i] == '[' || head[i] == '\0' ||
               (unsigned char)head[i] >= 0xef) {
      /* markup, a JSON array or UTF-16/32: the parser decides */
    } else {
      char c = head[i];
      wsp_free(head);
      return wsp_err_set(err, WSP_PARSE,
                         "%s: neither JSONL nor a feed format waspada reads "
                         "(first byte '%c'); see --format",
                         path, c < 0x20 || c > 0x7e ? '?' : c);
    }
  } /* else a feed: the parser sniffs it again for real */
  wsp_free(head);
  return WSP_OK;
}

/* Refuse unsupported inputs before anything is read. */
static wsp_rc check_format(const char *path, const char *format, wsp_err *err)
{
  input_kind k;
  return input_kind_of(path, format, &k, err);
}

static void drop_posts(struct ingest *in)
{
  for (size_t i = in->next_post; i < in->n_posts; i++)
    wsp_post_free(in->posts[i]);
  in->n_posts = in->next_post = 0;
}

static int collect_post(void *ud, wsp_post *p)
{
  struct ingest *in = ud;
  if (in->n_posts == in->cap_posts) {
    size_t cap = in->cap_posts ? in->cap_posts * 2 : 64;
    wsp_post **np = wsp_realloc(in->posts, cap * sizeof(*np));
    if (!np) {
      wsp_post_free(p);
      return 1; /* stop: out of memory is reported by the caller */
    }
    in->posts = np;
    in->cap_posts = cap;
  }
  in->posts[in->n_posts++] = p;
  return 0;
}

/* Read a whole file (or standard input, already started with `first`
** bytes) into b, bounded by WSP_FEED_MAX_BODY. */
static wsp_rc slurp(FILE *f, const char *name, wsp_buf *b, wsp_err *err)
{
  char chunk[65536];
  size_t n;
  wsp_rc rc;

  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    if ((rc = wsp_buf_append(b, chunk, n)) != WSP_OK)
      return wsp_err_set(err, rc, "%s: %s (limit %u bytes)", name,
                         wsp_strerror(rc), WSP_FEED_MAX_BODY);
  if (ferror(f))
    return wsp_err_set(err, WSP_IO, "%s: %s", name, strerror(errno));
  return WSP_OK;
}

/* Parse the feed document in body into in->posts. */
static wsp_rc parse_document(struct ingest *in, const char *path,
                             const wsp_buf *body, wsp_feed_format format,
                             wsp_err *err)
{
  wsp_feed_input fi = {0};
  wsp_feed_meta meta;
  wsp_buf source;
  wsp_rc rc;
  size_t had;

  wsp_buf_init(&source, 4096);
  if (in->o->source)
    wsp_buf_puts(&source, in->o->source);
  else
    wsp_buf_printf(&source, "file:%s",
                   strcmp(path, "-") == 0 ? "stdin" : base_name(path));
  fi.body = body->data ? body->data : "";
  fi.len = body->len;
  fi.source = wsp_buf_str(&source);
  fi.format = format;
  had = in->n_posts;
  rc = wsp_feed_parse(&fi, collect_post, in, &meta, err);
  if (rc == WSP_OK && meta.items > in->n_posts - had)
    rc = wsp_err_set(err, WSP_NOMEM, "%s: out of memory", path);
  if (rc != WSP_OK) {
    char detail[WSP_ERR_MAX];
    snprintf(detail, sizeof(detail), "%s", err ? err->msg : "");
    wsp_err_set(err, rc, "%s: %s", path, detail[0] ? detail : wsp_strerror(rc));
  } else {
    if (meta.ill_formed)
      WSP_LOG(WSP_LOG_WARN, "ingest",
              "%s: not well-formed, read in recovery mode (%zu posts)", path,
              meta.items);
    WSP_LOG(WSP_LOG_INFO, "ingest",
            "%s: %s, %zu posts, %zu items without text, encoding %s", path,
            wsp_feed_format_name(meta.format), meta.items, meta.skipped,
            meta.encoding);
  }
  wsp_feed_meta_cleanup(&meta);
  wsp_buf_cleanup(&source);
  return rc;
}

/* Open the next input: a JSONL reader, or a parsed feed document. */
static wsp_rc open_input(struct ingest *in, const char *path, wsp_err *err)
{
  input_kind k;
  wsp_buf body;
  FILE *f;
  wsp_rc rc;
  int c = EOF;

  if ((rc = input_kind_of(path, in->o->format, &k, err)) != WSP_OK)
    return rc;
  if (strcmp(path, "-") == 0 && !k.jsonl && k.format == WSP_FEED_AUTO) {
    /* standard input: a '<' or '[' document is a feed, else JSONL */
    do
      c = getc(stdin);
    while (c == ' ' || c == '\t' || c == '\r' || c == '\n');
    if (c != EOF)
      ungetc(c, stdin);
    k.jsonl = !(c == '<' || c == '[' || c == 0xef || c == 0xfe || c == 0xff);
  }
  if (k.jsonl)
    return wsp_jsonl_open(path, in->o->source, &in->reader, err);
  if (strcmp(path, "-") == 0)
    f = stdin;
  else if (!(f = fopen(path, "rb")))
    return wsp_err_set(err, WSP_IO, "%s: %s", path, strerror(errno));
  wsp_buf_init(&body, WSP_FEED_MAX_BODY);
  rc = slurp(f, strcmp(path, "-") == 0 ? "<stdin>" : path, &body, err);
  if (f != stdin)
    fclose(f);
  if (rc == WSP_OK)
    rc = parse_document(in, path, &body, k.format, err);
  wsp_buf_cleanup(&body);
  return rc;
}

static wsp_rc ingest_next(void *ud, wsp_post **post, wsp_err *err)
{
  struct ingest *in = ud;
  wsp_rc rc;

  *post = NULL;
  for (;;) {
    if (in->next_post < in->n_posts) {
      *post = in->posts[in->next_post++];
      if (in->next_post == in->n_posts)
        in->n_posts = in->next_post = 0;
      return WSP_OK;
    }
    if (!in->reader) {
      if (in->next_input == in->o->n_inputs)
        return WSP_OK;
      const char *path = in->o->inputs[in->next_input++];
      rc = open_input(in, path, err);
      if (rc == WSP_TOOBIG || rc == WSP_PARSE || rc == WSP_ENCODING)
        return rc == WSP_TOOBIG ? WSP_PARSE : rc; /* one bad input */
      if (rc != WSP_OK)
        return rc;
      continue;
    }
    rc = wsp_jsonl_next(in->reader, post, err);
    if (rc != WSP_OK || *post)
      return rc;
    wsp_jsonl_free(in->reader); /* end of this input */
    in->reader = NULL;
  }
}

static void ingest_on_error(void *ud, const char *message)
{
  struct ingest *in = ud;
  if (in->o->on_error)
    in->o->on_error(in->o->ud, message);
}

static void ingest_progress(void *ud, const wsp_pipeline_stats *st)
{
  struct ingest *in = ud;
  if (in->o->progress)
    in->o->progress(in->o->ud, st);
}

wsp_rc wsp_ingest_run(wsp_scanner *sc, wsp_store *store,
                      const wsp_ingest_opts *o, wsp_pipeline_stats *st,
                      wsp_err *err)
{
  struct ingest in = {
      .stages = {.sc = sc, .store = store, .source_kind = "jsonl"}, .o = o};
  wsp_pipeline_ops ops = {
      .next = ingest_next,
      .on_error = ingest_on_error,
      .progress = ingest_progress,
      .batch = o->batch,
  };
  wsp_rc rc;

  wsp_pipeline_stats_reset(st);
  /* Refuse unsupported inputs before anything is read. */
  for (size_t i = 0; i < o->n_inputs; i++)
    if ((rc = check_format(o->inputs[i], o->format, err)) != WSP_OK)
      return rc;
  wsp_stages_fill_ops(&ops);
  if ((rc = wsp_stages_init(err)) != WSP_OK)
    return rc;
  wsp_feed_global_init(); /* libxml2, before the workers start */
  rc = wsp_pipeline_run(&ops, &in, o->jobs, st, err);
  wsp_jsonl_free(in.reader);
  drop_posts(&in);
  wsp_free(in.posts);
  return rc;
}
