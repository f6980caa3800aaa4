/* bayes/dataset.h: labelled training data for the naive Bayes scorer:
** readers for CSV (RFC 4180: quoted fields with "" escapes and embedded
** newlines, CRLF or LF, UTF-8 BOM), TSV (tab-separated, no quoting, first
** line is the header) and JSONL (one JSON object per line), and an in-memory
** set of featurised posts (unique token hashes + label) for training and
** cross-validation.
**
** Input spec: which fields hold the text (several are joined with a
** newline), which field holds the label, and which label values mean scam
** (compared case-insensitively after trimming blanks; every other value means
** not scam). An operand may carry its own spec after "::", e.g.
**   data/train.csv::text=Teks,label=Label,scam=1
**   uci/train.tsv::text=SMS,scam=spam,format=tsv
**   posts.jsonl::text=title+text,scam=scam+fraud
** ('+' separates several fields or values); keys left out keep the defaults.
**
** Limits (hostile input): a record is at most WSP_DATA_MAX_RECORD bytes and
** WSP_DATA_MAX_FIELDS fields; beyond that reading stops with WSP_TOOBIG and
** "file:line: ..." in err. Malformed input (unterminated quote, missing
** column, short row, bad JSON, missing label) gives WSP_PARSE, same format.
**
** Threading: readers are reentrant; a wsp_bayes_data belongs to one thread
** while it is being filled and may then be read by many. */
#ifndef WSP_BAYES_DATASET_H
#define WSP_BAYES_DATASET_H

#include "bayes/tokenize.h"
#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

#define WSP_DATA_MAX_RECORD (4u << 20)
#define WSP_DATA_MAX_FIELDS 1024u

typedef enum {
  WSP_FMT_AUTO = 0, /* by extension: .csv, .tsv/.tab/.txt, .jsonl/.ndjson */
  WSP_FMT_CSV,
  WSP_FMT_TSV,
  WSP_FMT_JSONL
} wsp_data_format;

typedef struct wsp_data_spec {
  char path[1024];
  wsp_data_format format;
  char text[256];  /* field name(s), '+' or ',' separated; default "text" */
  char label[128]; /* default "label" */
  char scam[256];  /* values, '+' or ',' separated; default "1" */
} wsp_data_spec;

/* Defaults: format auto, text "text", label "label", scam "1". */
void wsp_data_spec_default(wsp_data_spec *s);

/* "csv", "tsv", "jsonl", "auto" -> format; WSP_INVAL otherwise. */
wsp_rc wsp_data_format_parse(const char *name, wsp_data_format *out);

/* Parse an operand "PATH[::key=value,...]" (keys text, label, scam, format)
** on top of defaults into out. WSP_INVAL with a reason in err. */
wsp_rc wsp_data_spec_parse(const char *operand, const wsp_data_spec *defaults,
                           wsp_data_spec *out, wsp_err *err);

/* Called for every record: text (NUL-terminated, len bytes) and its label.
** line is the line where the record starts. A return other than WSP_OK stops
** the reading and is passed on. */
typedef wsp_rc (*wsp_data_row_fn)(void *ud, const char *text, size_t len,
                                  int is_scam, unsigned long line);

/* Read the file of spec s, calling fn per record. Returns WSP_IO (cannot
** open), WSP_PARSE / WSP_TOOBIG ("file:line: reason" in err), WSP_NOMEM,
** or what fn returned. *records (may be NULL) receives the count read. */
wsp_rc wsp_data_read(const wsp_data_spec *s, wsp_data_row_fn fn, void *ud,
                     size_t *records, wsp_err *err);

/* Featurised posts. */
typedef struct wsp_bayes_data {
  uint64_t *hashes; /* unique token hashes of post i: [start[i], start[i+1]) */
  size_t *start;    /* count + 1 entries */
  int8_t *label;    /* 0 not scam, 1 scam */
  size_t count;
  size_t nscam;
  /* private */
  size_t hcap, cap, nh;
} wsp_bayes_data;

void wsp_bayes_data_init(wsp_bayes_data *d);
void wsp_bayes_data_cleanup(wsp_bayes_data *d);

/* Append a post: t is made unique (reordered). WSP_NOMEM leaves d as it was.*/
wsp_rc wsp_bayes_data_add(wsp_bayes_data *d, wsp_tokens *t, int is_scam);

#endif
