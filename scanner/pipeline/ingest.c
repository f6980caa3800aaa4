/* pipeline/ingest.c: `waspada ingest`: the JSONL reader in front of the
** shared scan and store stages (pipeline/stages.c). */
#include "pipeline/ingest.h"

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
};

/* Peek at the first non-blank byte of a file to tell its format. */
static wsp_rc check_format(const char *path, const char *format, wsp_err *err)
{
  FILE *f;
  int c;

  if (format && strcmp(format, "jsonl") == 0)
    return WSP_OK;
  if (format && strcmp(format, "auto") != 0)
    return wsp_err_set(err, WSP_PARSE,
                       "%s: format '%s' is not supported (auto, jsonl)", path,
                       format);
  if (strcmp(path, "-") == 0)
    return WSP_OK; /* standard input cannot be rewound: read as JSONL */
  if (!(f = fopen(path, "rb")))
    return wsp_err_set(err, WSP_IO, "%s: %s", path, strerror(errno));
  do
    c = getc(f);
  while (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xef ||
         c == 0xbb || c == 0xbf);
  fclose(f);
  if (c == EOF || c == '{')
    return WSP_OK;
  return wsp_err_set(err, WSP_PARSE,
                     "%s: not JSONL (first byte '%c'); waspada ingest reads "
                     "one JSON object per line",
                     path, c < 0x20 || c > 0x7e ? '?' : c);
}

static wsp_rc ingest_next(void *ud, wsp_post **post, wsp_err *err)
{
  struct ingest *in = ud;
  wsp_rc rc;

  *post = NULL;
  for (;;) {
    if (!in->reader) {
      if (in->next_input == in->o->n_inputs)
        return WSP_OK;
      const char *path = in->o->inputs[in->next_input++];
      rc = wsp_jsonl_open(path, in->o->source, &in->reader, err);
      if (rc != WSP_OK)
        return rc;
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
  rc = wsp_pipeline_run(&ops, &in, o->jobs, st, err);
  wsp_jsonl_free(in.reader);
  return rc;
}
