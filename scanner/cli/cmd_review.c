/* cli/cmd_review.c: `waspada review show|decide`: the terminal review path
** (until the web UI exists): read a flagged post with its matched text
** marked and its reasons, and append a decision. */
#include "cli/commands.h"
#include "cli/postview.h"
#include "core/alloc.h"
#include "core/timeutil.h"
#include "store/store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
    "Usage: waspada review show ID [--json]\n"
    "       waspada review decide ID DECISION [--note TEXT] [--reviewer "
    "NAME]\n"
    "\n"
    "show    print a stored post: the original text with the matched spans\n"
    "        marked, the rules that fired, entities (phones, WhatsApp, "
    "places...),\n"
    "        where the same post was seen, and earlier decisions\n"
    "decide  append a decision: scam, not_scam, unsure or escalate (reviews\n"
    "        are never edited or deleted; the latest one is the post's "
    "status)\n"
    "\n"
    "Options:\n"
    "  --note TEXT       a note kept with the decision\n"
    "  --reviewer NAME   who decided (default: $USER)\n";

enum { OPT_NOTE = WSP_OPT_FIRST_CMD, OPT_REVIEWER };

#define MAX_SPANS 4096

struct show {
  int json, first;
  int64_t id;
  char *text;
  size_t text_len;
  char *last_rule; /* rule of the previous match line */
  size_t starts[MAX_SPANS], ends[MAX_SPANS], nspans;
};

static int keep_row(void *ud, const wsp_store_row *r)
{
  struct show *s = ud;
  if (s->json) {
    fputc('{', stdout);
    wsp_postview_json_fields(stdout, r);
    return 0;
  }
  s->text = wsp_strndup(r->text ? r->text : "", r->text_len);
  s->text_len = r->text_len;
  printf("Post %lld  score %.2f  level %s  status %s\n", (long long)r->id,
         r->score, r->level, r->status);
  printf("Categories: %s\n",
         r->categories && *r->categories ? r->categories : "-");
  printf("Source: %s%s%s%s%s\n", r->source, r->ext_id ? "  id " : "",
         r->ext_id ? r->ext_id : "", r->url ? "  " : "", r->url ? r->url : "");
  if (r->bayes >= 0)
    printf("Bayes: %.3f\n", r->bayes);
  printf("SHA-256 of the raw post: %s\n", r->raw_sha256);
  return 0;
}

static int collect_match(void *ud, const wsp_store_match *m)
{
  struct show *s = ud;
  if (s->json) {
    fputs(s->first ? "" : ",", stdout);
    s->first = 0;
    fputs("{\"rule\":", stdout);
    wsp_cli_json_string(stdout, m->rule_id, strlen(m->rule_id));
    printf(",\"rev\":%d,\"pattern\":", m->rule_rev);
    wsp_cli_json_string(stdout, m->pattern, strlen(m->pattern));
    printf(",\"start\":%zu,\"end\":%zu}", m->start, m->end);
    return 0;
  }
  if (s->nspans < MAX_SPANS) {
    s->starts[s->nspans] = m->start;
    s->ends[s->nspans++] = m->end;
  }
  /* one line per rule: its patterns and what they matched */
  if (!s->last_rule || strcmp(s->last_rule, m->rule_id) != 0) {
    if (s->last_rule)
      putchar('\n');
    printf("  %s (rev %d):", m->rule_id, m->rule_rev);
    wsp_free(s->last_rule);
    s->last_rule = wsp_strdup(m->rule_id);
  }
  printf(" %s=", m->pattern);
  if (m->end <= s->text_len && m->start < m->end) {
    putchar('"');
    for (size_t i = m->start; i < m->end; i++)
      putchar(s->text[i] == '\n' ? ' ' : s->text[i]);
    putchar('"');
  }
  return 0;
}

static int print_entity(void *ud, const wsp_store_entity *e)
{
  struct show *s = ud;
  if (s->json) {
    fputs(s->first ? "" : ",", stdout);
    s->first = 0;
    fputs("{\"kind\":", stdout);
    wsp_cli_json_string(stdout, e->kind, strlen(e->kind));
    fputs(",\"value\":", stdout);
    wsp_cli_json_string(stdout, e->value, strlen(e->value));
    printf(",\"start\":%zu,\"end\":%zu}", e->start, e->end);
    return 0;
  }
  printf("  %-9s %s\n", e->kind, e->value);
  return 0;
}

static int print_sighting(void *ud, const wsp_store_sighting *g)
{
  struct show *s = ud;
  char when[WSP_RFC3339_LEN];
  wsp_time_format_rfc3339(g->seen, when);
  if (s->json) {
    fputs(s->first ? "" : ",", stdout);
    s->first = 0;
    fputs("{\"source\":", stdout);
    wsp_cli_json_string(stdout, g->source, strlen(g->source));
    fputs(",\"seen\":", stdout);
    wsp_cli_json_string(stdout, when, strlen(when));
    fputs(",\"url\":", stdout);
    if (g->url)
      wsp_cli_json_string(stdout, g->url, strlen(g->url));
    else
      fputs("null", stdout);
    fputc('}', stdout);
    return 0;
  }
  printf("  %s  %s%s%s\n", when, g->source, g->url ? "  " : "",
         g->url ? g->url : "");
  return 0;
}

static int print_review(void *ud, const wsp_store_review *r)
{
  struct show *s = ud;
  char when[WSP_RFC3339_LEN];
  wsp_time_format_rfc3339(r->created, when);
  if (s->json) {
    fputs(s->first ? "" : ",", stdout);
    s->first = 0;
    fputs("{\"decision\":", stdout);
    wsp_cli_json_string(stdout, r->decision, strlen(r->decision));
    fputs(",\"reviewer\":", stdout);
    wsp_cli_json_string(stdout, r->reviewer, strlen(r->reviewer));
    fputs(",\"time\":", stdout);
    wsp_cli_json_string(stdout, when, strlen(when));
    fputs(",\"note\":", stdout);
    if (r->note)
      wsp_cli_json_string(stdout, r->note, strlen(r->note));
    else
      fputs("null", stdout);
    fputc('}', stdout);
    return 0;
  }
  printf("  %s  %-9s by %s%s%s\n", when, r->decision, r->reviewer,
         r->note ? ": " : "", r->note ? r->note : "");
  return 0;
}

static int parse_id(const wsp_cli *cli, const char *arg, int64_t *id)
{
  char *end;
  errno = 0;
  long long v = strtoll(arg, &end, 10);
  if (!*arg || *end || errno || v < 1)
    return wsp_cli_usage_error(cli, "'%s' is not a post id", arg);
  *id = v;
  return 0;
}

static int review_show(wsp_cli *cli, wsp_store *st, int64_t id)
{
  struct show s = {.json = cli->json, .id = id};
  wsp_err err;
  wsp_rc rc = wsp_store_get(st, id, keep_row, &s, &err);
  int code = WSP_EXIT_OK;

  if (rc != WSP_OK)
    return wsp_cli_fail(cli, rc == WSP_NOTFOUND ? WSP_EXIT_USAGE : 1, "%s",
                        err.msg);
  if (s.json) {
    s.first = 1;
    fputs(",\"matches\":[", stdout);
    rc = wsp_store_matches(st, id, collect_match, &s, &err);
    s.first = 1;
    fputs("],\"entities\":[", stdout);
    if (rc == WSP_OK)
      rc = wsp_store_entities(st, id, print_entity, &s, &err);
    s.first = 1;
    fputs("],\"seen\":[", stdout);
    if (rc == WSP_OK)
      rc = wsp_store_sightings(st, id, print_sighting, &s, &err);
    s.first = 1;
    fputs("],\"reviews\":[", stdout);
    if (rc == WSP_OK)
      rc = wsp_store_reviews(st, id, print_review, &s, &err);
    fputs("]}\n", stdout);
  } else {
    printf("\nWhy (rule: pattern=\"matched text\" ...):\n");
    rc = wsp_store_matches(st, id, collect_match, &s, &err);
    if (s.last_rule)
      putchar('\n');
    printf("\nText:\n");
    wsp_postview_marked(stdout, s.text, s.text_len, s.starts, s.ends, s.nspans,
                        isatty(STDOUT_FILENO));
    printf("\n\nEntities:\n");
    if (rc == WSP_OK)
      rc = wsp_store_entities(st, id, print_entity, &s, &err);
    printf("\nSeen:\n");
    if (rc == WSP_OK)
      rc = wsp_store_sightings(st, id, print_sighting, &s, &err);
    printf("\nReviews:\n");
    if (rc == WSP_OK)
      rc = wsp_store_reviews(st, id, print_review, &s, &err);
  }
  if (rc != WSP_OK)
    code = wsp_cli_fail(cli, 1, "%s", err.msg);
  wsp_free(s.text);
  wsp_free(s.last_rule);
  return code;
}

int wsp_cmd_review(wsp_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
      {"note", required_argument, NULL, OPT_NOTE},
      {"reviewer", required_argument, NULL, OPT_REVIEWER},
      {NULL, 0, NULL, 0}};
  const char *note = NULL, *reviewer = getenv("USER");
  wsp_store *st;
  wsp_err err;
  wsp_rc rc;
  int64_t id = 0;
  int c, code;

  while ((c = wsp_cli_getopt(cli, argc, argv, "", opts)) != -1) {
    switch (c) {
    case 'h':
      wsp_cli_print_help(stdout, help);
      return WSP_EXIT_OK;
    case OPT_NOTE:
      note = optarg;
      break;
    case OPT_REVIEWER:
      reviewer = optarg;
      break;
    default:
      return WSP_EXIT_USAGE;
    }
  }
  argv += optind;
  argc -= optind;
  if (argc < 1)
    return wsp_cli_usage_error(cli, "missing action: show or decide");
  if (strcmp(argv[0], "show") == 0) {
    if (argc != 2)
      return wsp_cli_usage_error(cli, "usage: review show ID");
  } else if (strcmp(argv[0], "decide") == 0) {
    if (argc != 3)
      return wsp_cli_usage_error(cli, "usage: review decide ID DECISION");
    if (!wsp_store_decision_valid(argv[2]))
      return wsp_cli_usage_error(
          cli, "'%s' is not scam, not_scam, unsure or escalate", argv[2]);
  } else {
    return wsp_cli_usage_error(cli, "unknown action '%s' (show, decide)",
                               argv[0]);
  }
  if (parse_id(cli, argv[1], &id))
    return WSP_EXIT_USAGE;
  if ((rc = wsp_store_open(cli->db_path, 0, &st, &err)) != WSP_OK)
    return wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", err.msg);
  if (argv[0][0] == 's') {
    code = review_show(cli, st, id);
  } else {
    rc = wsp_store_review_add(st, id, argv[2], reviewer ? reviewer : "unknown",
                              note, &err);
    if (rc == WSP_OK) {
      code = WSP_EXIT_OK;
      if (cli->json)
        printf("{\"id\":%lld,\"decision\":\"%s\"}\n", (long long)id, argv[2]);
      else if (cli->verbosity > 0)
        printf("post %lld: %s\n", (long long)id, argv[2]);
    } else {
      code = wsp_cli_fail(cli, rc == WSP_NOTFOUND ? WSP_EXIT_USAGE : 1, "%s",
                          err.msg);
    }
  }
  wsp_store_free(st);
  return code;
}
