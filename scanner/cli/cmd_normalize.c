/* cli/cmd_normalize.c: `waspada normalize`: show the normalised text that
** rules and the Bayes model are matched against (and, with --entities, the
** entities extracted from it), so rule authors can see what their patterns
** will meet. A client of text/normalize.h, text/entities.h, text/html.h. */
#include "cli/commands.h"
#include "core/buf.h"
#include "text/entities.h"
#include "text/html.h"
#include "text/normalize.h"

#include <stdlib.h>
#include <string.h>

static const char help[] =
    "Usage: waspada normalize [--json] [--entities] [--map] [--html]\n"
    "                         [--gazetteer FILE] [TEXT|-]\n"
    "\n"
    "Print TEXT (or standard input, when TEXT is '-' or absent) as the rules\n"
    "see it: NFKC + case folding, invisible characters removed, look-alike\n"
    "letters, leetspeak and spaced-out words undone, whitespace collapsed.\n"
    "\n"
    "  --entities        also list phones, WA/Telegram contacts, URLs,\n"
    "                    e-mails, money, ages, places (offsets are byte\n"
    "                    offsets into the original text)\n"
    "  --map             with --json: include the offset map (for every\n"
    "                    normalised byte, its offset in the original)\n"
    "  --html            treat the input as HTML and convert it to text\n"
    "                    first (default: when it looks like HTML); entity\n"
    "                    offsets then refer to the converted text\n"
    "  --no-html         never convert from HTML\n"
    "  --gazetteer FILE  places file (default rules/gazetteer.tsv when it\n"
    "                    exists)\n";

enum {
  OPT_ENTITIES = WSP_OPT_FIRST_CMD,
  OPT_MAP,
  OPT_HTML,
  OPT_NO_HTML,
  OPT_GAZ
};

static const struct option opts[] = {
    {"entities", no_argument, NULL, OPT_ENTITIES},
    {"map", no_argument, NULL, OPT_MAP},
    {"html", no_argument, NULL, OPT_HTML},
    {"no-html", no_argument, NULL, OPT_NO_HTML},
    {"gazetteer", required_argument, NULL, OPT_GAZ},
    {NULL, 0, NULL, 0}};

#define DEFAULT_GAZETTEER "rules/gazetteer.tsv"

static wsp_rc read_stdin(wsp_buf *b)
{
  char chunk[65536];
  size_t n;
  wsp_rc rc;

  while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
    if ((rc = wsp_buf_append(b, chunk, n)) != WSP_OK)
      return rc;
  return ferror(stdin) ? WSP_IO : WSP_OK;
}

int wsp_cmd_normalize(wsp_cli *cli, int argc, char **argv)
{
  int want_entities = 0, want_map = 0, html = -1, c, code = WSP_EXIT_OK;
  const char *gaz_path = NULL, *text;
  size_t text_len;
  wsp_buf in, conv;
  wsp_norm n;
  wsp_entities ents;
  wsp_gazetteer *gaz = NULL;
  wsp_err err;
  wsp_rc rc;

  while ((c = wsp_cli_getopt(cli, argc, argv, "", opts)) != -1) {
    switch (c) {
    case 'h':
      wsp_cli_print_help(stdout, help);
      return WSP_EXIT_OK;
    case OPT_ENTITIES:
      want_entities = 1;
      break;
    case OPT_MAP:
      want_map = 1;
      break;
    case OPT_HTML:
      html = 1;
      break;
    case OPT_NO_HTML:
      html = 0;
      break;
    case OPT_GAZ:
      gaz_path = optarg;
      break;
    default:
      return WSP_EXIT_USAGE;
    }
  }
  if (argc - optind > 1)
    return wsp_cli_usage_error(cli, "unexpected argument '%s'",
                               argv[optind + 1]);
  wsp_buf_init(&in, WSP_NORM_MAX_INPUT);
  wsp_buf_init(&conv, WSP_NORM_MAX_INPUT);
  wsp_norm_init(&n);
  wsp_entities_init(&ents);
  if (optind < argc && strcmp(argv[optind], "-") != 0) {
    rc = wsp_buf_append(&in, argv[optind], strlen(argv[optind]));
  } else {
    rc = read_stdin(&in);
  }
  if (rc != WSP_OK) {
    code = wsp_cli_fail(cli, WSP_EXIT_USAGE, "reading input: %s",
                        wsp_strerror(rc));
    goto done;
  }
  text = wsp_buf_str(&in);
  text_len = in.len;
  if (html == 1 || (html < 0 && wsp_html_looks_like(text, text_len))) {
    rc = wsp_html_to_text(text, text_len, &conv, &err);
    if (rc != WSP_OK) {
      code = wsp_cli_fail(cli, WSP_EXIT_USAGE, "HTML: %s", err.msg);
      goto done;
    }
    text = wsp_buf_str(&conv);
    text_len = conv.len;
  }
  rc = wsp_text_normalize(text, text_len, &n);
  if (rc != WSP_OK) {
    code =
        wsp_cli_fail(cli, WSP_EXIT_USAGE, "normalising: %s", wsp_strerror(rc));
    goto done;
  }
  if (want_entities) {
    if (!gaz_path) {
      FILE *f = fopen(DEFAULT_GAZETTEER, "r");
      if (f) {
        fclose(f);
        gaz_path = DEFAULT_GAZETTEER;
      }
    }
    if (gaz_path && wsp_gazetteer_load(gaz_path, &gaz, &err) != WSP_OK) {
      code = wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", err.msg);
      goto done;
    }
    rc = wsp_entities_extract(text, text_len, &n, gaz, &ents);
    if (rc != WSP_OK) {
      code =
          wsp_cli_fail(cli, WSP_EXIT_USAGE, "entities: %s", wsp_strerror(rc));
      goto done;
    }
  }
  if (cli->json) {
    fputs("{\"normalized\":", stdout);
    wsp_cli_json_string(stdout, n.text, n.len);
    if (text != wsp_buf_str(&in)) {
      fputs(",\"text\":", stdout);
      wsp_cli_json_string(stdout, text, text_len);
    }
    printf(",\"orig_len\":%zu,\"mixed_script_words\":%u,\"invalid_utf8\":%u",
           n.orig_len, n.mixed_script_words, n.invalid_utf8);
    if (want_map) {
      fputs(",\"map\":[", stdout);
      for (size_t i = 0; i <= n.len; i++)
        printf(i ? ",%u" : "%u", (unsigned)n.map[i]);
      fputc(']', stdout);
    }
    if (want_entities) {
      fputs(",\"entities\":[", stdout);
      for (size_t i = 0; i < ents.count; i++) {
        const wsp_entity *e = &ents.items[i];
        printf(i ? ",{\"kind\":\"%s\",\"value\":"
                 : "{\"kind\":\"%s\",\"value\":",
               wsp_entity_kind_name(e->kind));
        wsp_cli_json_string(stdout, e->value, strlen(e->value));
        printf(",\"start\":%zu,\"end\":%zu,\"text\":", e->start, e->end);
        wsp_cli_json_string(stdout, text + e->start, e->end - e->start);
        fputc('}', stdout);
      }
      fputc(']', stdout);
    }
    fputs("}\n", stdout);
  } else {
    fwrite(n.text, 1, n.len, stdout);
    fputc('\n', stdout);
    if (want_entities) {
      for (size_t i = 0; i < ents.count; i++) {
        const wsp_entity *e = &ents.items[i];
        printf("%-8s %-28s %zu-%zu \"%.*s\"\n", wsp_entity_kind_name(e->kind),
               e->value, e->start, e->end, (int)(e->end - e->start),
               text + e->start);
      }
    }
  }
done:
  wsp_gazetteer_free(gaz);
  wsp_entities_cleanup(&ents);
  wsp_norm_cleanup(&n);
  wsp_buf_cleanup(&conv);
  wsp_buf_cleanup(&in);
  return code;
}
