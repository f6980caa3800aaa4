/* cli/cmd_feeds.c: `waspada feeds list|add|remove|import|export|reset`:
** edit the feed list (OPML) and keep the database's feed rows in step;
** list each feed's fetch state. */
#include "cli/commands.h"
#include "cli/scanopts.h"
#include "core/timeutil.h"
#include "fetch/feedlist.h"
#include "fetch/feedsync.h"
#include "fetch/settings.h"
#include "store/feeds.h"
#include "store/store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
    "Usage: waspada feeds list|add|remove|import|export|reset [OPTIONS]\n"
    "\n"
    "  list                 each feed with its state: ok, new, failing,\n"
    "                       paused, gone (disabled by HTTP 410), off\n"
    "                       (disabled in the list); last fetch, next poll,\n"
    "                       consecutive failures, reason\n"
    "  add URL|PATH         add a feed (a path becomes a file:// URL)\n"
    "      --name NAME  --title TEXT  --kind KIND  --group A/B\n"
    "      --interval SECS  --user-agent UA  --header 'Name: value'\n"
    "      --disabled\n"
    "  remove NAME|URL      remove a feed (its stored posts stay)\n"
    "  import FILE.opml     add the feeds of another OPML list (names\n"
    "                       already present are skipped)\n"
    "  export [FILE]        write the list as OPML (default: stdout), with\n"
    "                       URLs updated by permanent redirects\n"
    "  reset NAME           clear failures, pause and 410 of a feed\n"
    "\n"
    "Options:\n"
    "  --feeds FILE         feed list (default: setting fetch.feeds or\n"
    "                       " WSP_FETCH_DEFAULT_FEEDS ")\n"
    "KIND: auto rss rdf atom jsonfeed mastodon reddit bluesky jsonld jsonl.\n"
    "Every change is written to the list and the database together.\n";

enum {
  OPT_FEEDS = WSP_OPT_FIRST_CMD,
  OPT_NAME,
  OPT_TITLE,
  OPT_KIND,
  OPT_GROUP,
  OPT_INTERVAL,
  OPT_UA,
  OPT_HEADER,
  OPT_DISABLED
};

static const char *state_of(const wsp_feed_row *r)
{
  if (r->disabled_reason)
    return "gone";
  if (!r->enabled)
    return "off";
  if (r->paused_reason)
    return "paused";
  if (r->failures > 0)
    return "failing";
  if (!r->last_fetch)
    return "new";
  return "ok";
}

struct list_ctx {
  const wsp_cli *cli;
  int n;
};

static void time_or(int64_t t, char *out, const char *none)
{
  if (t)
    wsp_time_format_rfc3339(t, out);
  else
    snprintf(out, WSP_RFC3339_LEN, "%s", none);
}

static void json_field(const char *key, const char *v, int comma)
{
  printf("%s\"%s\":", comma ? "," : "", key);
  if (v)
    wsp_cli_json_string(stdout, v, strlen(v));
  else
    fputs("null", stdout);
}

static int print_row(void *ud, const wsp_feed_row *r)
{
  struct list_ctx *c = ud;
  char last[WSP_RFC3339_LEN], next[WSP_RFC3339_LEN];
  const char *why = r->disabled_reason ? r->disabled_reason
                    : r->paused_reason ? r->paused_reason
                                       : r->last_error;
  time_or(r->last_fetch, last, "-");
  time_or(r->next_poll, next,
          r->disabled_reason || !r->enabled ? "never" : "now");
  if (c->cli->json) {
    fputs(c->n ? ",\n{" : "[{", stdout);
    json_field("name", r->name, 0);
    json_field("state", state_of(r), 1);
    json_field("kind", r->kind, 1);
    json_field("url", r->url, 1);
    json_field("list_url", r->list_url, 1);
    json_field("title", r->title, 1);
    json_field("group", r->group, 1);
    printf(",\"enabled\":%s", r->enabled ? "true" : "false");
    json_field("etag", r->etag, 1);
    json_field("last_modified", r->last_modified, 1);
    json_field("cursor", r->cursor, 1);
    printf(",\"last_fetch\":%lld,\"next_poll\":%lld,\"last_ok\":%lld,"
           "\"failures\":%d,\"last_status\":%d,\"items\":%lld",
           (long long)r->last_fetch, (long long)r->next_poll,
           (long long)r->last_ok, r->failures, r->last_status,
           (long long)r->items);
    json_field("last_error", r->last_error, 1);
    json_field("paused_reason", r->paused_reason, 1);
    json_field("disabled_reason", r->disabled_reason, 1);
    fputs("}", stdout);
  } else {
    if (c->n == 0)
      printf("%-24s %-8s %-20s %-20s %4s  %s\n", "NAME", "STATE", "LAST FETCH",
             "NEXT POLL", "FAIL", "URL / REASON");
    printf("%-24.24s %-8s %-20s %-20s %4d  %s\n", r->name, state_of(r), last,
           next, r->failures,
           why      ? why
           : r->url ? r->url
                    : "");
  }
  c->n++;
  return 0;
}

/* Options shared by every sub-subcommand. */
struct feeds_args {
  const char *feeds;
  wsp_feed f;
  char headers[4096];
};

static int save_and_sync(const wsp_cli *cli, wsp_feedlist *l, const char *path,
                         wsp_store *store)
{
  wsp_err err;
  if (wsp_feedlist_save(l, path, &err) != WSP_OK)
    return wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", err.msg);
  if (wsp_feeds_sync(store, l, &err) != WSP_OK)
    return wsp_cli_fail(cli, WSP_EXIT_FINDINGS, "%s", err.msg);
  return 0;
}

struct url_fix {
  wsp_feedlist *l;
};

static int fix_url(void *ud, const wsp_feed_row *r)
{
  struct url_fix *u = ud;
  const wsp_feed *f = wsp_feedlist_find(u->l, r->name);
  if (f && r->url && r->list_url && strcmp(f->url, r->list_url) == 0 &&
      strcmp(r->url, r->list_url) != 0)
    wsp_feedlist_set_url(u->l, r->name, r->url);
  return 0;
}

int wsp_cmd_feeds(wsp_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
      {"feeds", required_argument, NULL, OPT_FEEDS},
      {"name", required_argument, NULL, OPT_NAME},
      {"title", required_argument, NULL, OPT_TITLE},
      {"kind", required_argument, NULL, OPT_KIND},
      {"group", required_argument, NULL, OPT_GROUP},
      {"interval", required_argument, NULL, OPT_INTERVAL},
      {"user-agent", required_argument, NULL, OPT_UA},
      {"header", required_argument, NULL, OPT_HEADER},
      {"disabled", no_argument, NULL, OPT_DISABLED},
      {NULL, 0, NULL, 0}};
  struct feeds_args a = {.f = {.enabled = 1}};
  wsp_config *config = NULL;
  wsp_feedlist *l = NULL, *other = NULL;
  wsp_store *store = NULL;
  const char *sub, *path = NULL;
  wsp_fetch_opts fo;
  wsp_sched_opts so;
  wsp_err err;
  wsp_rc rc;
  int c, code = WSP_EXIT_USAGE;

  while ((c = wsp_cli_getopt(cli, argc, argv, "", opts)) != -1) {
    switch (c) {
    case 'h':
      wsp_cli_print_help(stdout, help);
      return WSP_EXIT_OK;
    case OPT_FEEDS:
      a.feeds = optarg;
      break;
    case OPT_NAME:
      a.f.name = optarg;
      break;
    case OPT_TITLE:
      a.f.title = optarg;
      break;
    case OPT_KIND:
      if (!wsp_feed_kind_valid(optarg))
        return wsp_cli_usage_error(cli, "--kind: unknown kind '%s'", optarg);
      a.f.kind = optarg;
      break;
    case OPT_GROUP:
      a.f.group = optarg;
      break;
    case OPT_INTERVAL: {
      char *end;
      errno = 0;
      long v = strtol(optarg, &end, 10);
      if (!*optarg || *end || errno || v < 0 || v > 366L * 86400)
        return wsp_cli_usage_error(cli, "--interval: '%s' is not seconds",
                                   optarg);
      a.f.interval = v;
      break;
    }
    case OPT_UA:
      a.f.user_agent = optarg;
      break;
    case OPT_HEADER: {
      size_t n = strlen(a.headers);
      if (strchr(optarg, '|') ||
          snprintf(a.headers + n, sizeof(a.headers) - n, "%s%s", n ? "|" : "",
                   optarg) >= (int)(sizeof(a.headers) - n))
        return wsp_cli_usage_error(cli, "--header: bad or too long: '%s'",
                                   optarg);
      a.f.headers = a.headers;
      break;
    }
    case OPT_DISABLED:
      a.f.enabled = 0;
      break;
    default:
      return WSP_EXIT_USAGE;
    }
  }
  if (optind >= argc)
    return wsp_cli_usage_error(
        cli, "what to do? list, add, remove, import, export or reset");
  sub = argv[optind++];
  if (strcmp(sub, "list") && strcmp(sub, "add") && strcmp(sub, "remove") &&
      strcmp(sub, "import") && strcmp(sub, "export") && strcmp(sub, "reset"))
    return wsp_cli_usage_error(cli, "unknown action '%s'", sub);
  int want = !strcmp(sub, "list") ? 0 : !strcmp(sub, "export") ? -1 : 1;
  if ((want >= 0 && argc - optind != want) || (want < 0 && argc - optind > 1))
    return wsp_cli_usage_error(cli, "%s: %s", sub,
                               want == 0  ? "takes no argument"
                               : want < 0 ? "takes at most one FILE"
                                          : "takes exactly one argument");

  if ((code = wsp_cli_config_load(cli, &config)) != 0)
    goto done;
  err.msg[0] = '\0';
  if (wsp_fetch_settings(config, &fo, &so, &path, &err) != WSP_OK) {
    code = wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", err.msg);
    goto done;
  }
  if (!a.feeds)
    a.feeds = path;
  rc = wsp_feedlist_load(a.feeds, &l, &err);
  if (rc == WSP_IO && !strcmp(sub, "add") && access(a.feeds, F_OK) != 0) {
    /* the first feed creates the list */
    char *dir = strdup(a.feeds), *sl = dir ? strrchr(dir, '/') : NULL;
    if (sl)
      *sl = '\0';
    rc = dir ? wsp_feedlist_new(sl ? (*dir ? dir : "/") : ".", &l) : WSP_NOMEM;
    free(dir);
    if (rc != WSP_OK)
      wsp_err_set(&err, rc, "%s: cannot create the list here", a.feeds);
    else
      wsp_feedlist_set_title(l, "waspada feeds");
  }
  if (rc != WSP_OK) {
    code = wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", err.msg);
    goto done;
  }
  if ((rc = wsp_store_open(cli->db_path, 0, &store, &err)) != WSP_OK) {
    code = wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", err.msg);
    goto done;
  }
  code = WSP_EXIT_OK;

  if (!strcmp(sub, "list")) {
    struct list_ctx lc = {cli, 0};
    if (wsp_feeds_sync(store, l, &err) != WSP_OK ||
        wsp_store_feeds_each(store, 1, print_row, &lc, &err) != WSP_OK) {
      code = wsp_cli_fail(cli, WSP_EXIT_FINDINGS, "%s", err.msg);
      goto done;
    }
    if (cli->json)
      fputs(lc.n ? "]\n" : "[]\n", stdout);
  } else if (!strcmp(sub, "add")) {
    char *url = wsp_feedlist_resolve(NULL, argv[optind]); /* from cwd */
    if (!url) {
      code =
          wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s: cannot resolve", argv[optind]);
      goto done;
    }
    a.f.url = url;
    rc = wsp_feedlist_add(l, &a.f, &err);
    free(url);
    if (rc != WSP_OK) {
      code = wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", err.msg);
      goto done;
    }
    if ((code = save_and_sync(cli, l, a.feeds, store)) == 0 &&
        cli->verbosity > 0)
      printf("added %s\n",
             wsp_feedlist_get(l, wsp_feedlist_count(l) - 1)->name);
  } else if (!strcmp(sub, "remove")) {
    const wsp_feed *f = wsp_feedlist_find(l, argv[optind]);
    char *name = f ? strdup(f->name) : NULL;
    if (!f || !name) {
      free(name);
      code = wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s: no feed '%s'", a.feeds,
                          argv[optind]);
      goto done;
    }
    wsp_feedlist_remove(l, name);
    if ((code = save_and_sync(cli, l, a.feeds, store)) == 0 &&
        cli->verbosity > 0)
      printf("removed %s\n", name);
    free(name);
  } else if (!strcmp(sub, "import")) {
    size_t added = 0, skipped = 0;
    if (wsp_feedlist_load(argv[optind], &other, &err) != WSP_OK) {
      code = wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", err.msg);
      goto done;
    }
    for (size_t i = 0; i < wsp_feedlist_count(other); i++) {
      const wsp_feed *f = wsp_feedlist_get(other, i);
      if (wsp_feedlist_find(l, f->name) || wsp_feedlist_find(l, f->url)) {
        skipped++;
        continue;
      }
      if (wsp_feedlist_add(l, f, &err) != WSP_OK) {
        code =
            wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s: %s", argv[optind], err.msg);
        goto done;
      }
      added++;
    }
    if ((code = save_and_sync(cli, l, a.feeds, store)) == 0 &&
        cli->verbosity > 0)
      printf("imported %zu feeds, skipped %zu already listed\n", added,
             skipped);
  } else if (!strcmp(sub, "export")) {
    struct url_fix u = {l};
    const char *out = optind < argc ? argv[optind] : "-";
    if (wsp_feeds_sync(store, l, &err) != WSP_OK ||
        wsp_store_feeds_each(store, 1, fix_url, &u, &err) != WSP_OK) {
      code = wsp_cli_fail(cli, WSP_EXIT_FINDINGS, "%s", err.msg);
      goto done;
    }
    if (strcmp(out, "-") == 0) {
      /* through a file in a fresh folder: no feed lives under it, so every
      ** URL is written absolute */
      char tdir[] = "/tmp/waspada-export-XXXXXX", tmp[64];
      FILE *f = NULL;
      char buf[65536];
      size_t n;
      if (!mkdtemp(tdir)) {
        code = wsp_cli_fail(cli, WSP_EXIT_FINDINGS, "cannot export: %s",
                            strerror(errno));
        goto done;
      }
      snprintf(tmp, sizeof(tmp), "%s/list.opml", tdir);
      if (wsp_feedlist_save(l, tmp, &err) != WSP_OK ||
          !(f = fopen(tmp, "rb"))) {
        unlink(tmp);
        rmdir(tdir);
        code = wsp_cli_fail(cli, WSP_EXIT_FINDINGS, "%s", err.msg);
        goto done;
      }
      while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        fwrite(buf, 1, n, stdout);
      fclose(f);
      unlink(tmp);
      rmdir(tdir);
    } else if (wsp_feedlist_save(l, out, &err) != WSP_OK) {
      code = wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", err.msg);
      goto done;
    }
  } else { /* reset */
    const wsp_feed *f = wsp_feedlist_find(l, argv[optind]);
    if (wsp_store_feed_reset(store, f ? f->name : argv[optind], &err) !=
        WSP_OK) {
      code = wsp_cli_fail(cli, WSP_EXIT_USAGE, "%s", err.msg);
      goto done;
    }
  }
done:
  wsp_feedlist_free(other);
  wsp_feedlist_free(l);
  wsp_store_free(store);
  wsp_config_free(config);
  return code;
}
