/* cli/main.c: entry point of the waspada executable: global options, then
** dispatch to the subcommand named in cli/commands.h. */
#include "cli/cli.h"
#include "cli/commands.h"
#include "core/version.h"
#include "parse/feed.h"

#include <stdio.h>
#include <string.h>

struct command {
  const char *name;
  const char *summary;
  int (*run)(wsp_cli *cli, int argc, char **argv);
};

static const struct command commands[] = {
#define WSP_X(name, summary) {#name, summary, wsp_cmd_##name},
    WSP_CLI_COMMANDS(WSP_X)
#undef WSP_X
};

static void print_main_help(FILE *out)
{
  fprintf(out,
          "waspada %s: find illegal-recruitment and scam posts in feeds\n"
          "\n"
          "Usage: waspada [OPTIONS] <command> [ARGS]\n"
          "       waspada <command> --help\n"
          "\n"
          "Commands:\n",
          WSP_VERSION);
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fputs("\nOptions (also accepted after the command):\n"
        "  --db PATH       SQLite database (default: " WSP_CLI_DEFAULT_DB ")\n"
        "  --config PATH   settings file\n"
        "  --json          machine-readable output\n"
        "  -q, --quiet     only errors\n"
        "  -v, --verbose   more detail on stderr\n"
        "  -h, --help      this help\n"
        "  --version       versions of waspada and its libraries\n",
        out);
}

int main(int argc, char **argv)
{
  static const struct option opts[] = {
      {"version", no_argument, NULL, WSP_OPT_FIRST_CMD}, {NULL, 0, NULL, 0}};
  wsp_cli cli = {
      .prog = "waspada", .db_path = WSP_CLI_DEFAULT_DB, .verbosity = 1};
  char *help_argv[3] = {NULL, "--help", NULL};
  int c;

  /* "+": stop at the first operand, the subcommand's name. */
  while ((c = wsp_cli_getopt(&cli, argc, argv, "+", opts)) != -1) {
    if (c == 'h') {
      print_main_help(stdout);
      return WSP_EXIT_OK;
    }
    if (c == WSP_OPT_FIRST_CMD) {
      char *v[] = {"version", NULL};
      optind = 0;
      return wsp_cmd_version(&cli, 1, v);
    }
    return WSP_EXIT_USAGE;
  }
  if (optind >= argc) {
    print_main_help(stderr);
    return WSP_EXIT_USAGE;
  }
  argv += optind;
  argc -= optind;
  if (strcmp(argv[0], "help") == 0) {
    if (argc < 2) {
      print_main_help(stdout);
      return WSP_EXIT_OK;
    }
    help_argv[0] = argv[1];
    argv = help_argv;
    argc = 2;
  }
  /* libxml2's global state, before any command starts threads */
  wsp_feed_global_init();
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
    if (strcmp(argv[0], commands[i].name) == 0) {
      cli.cmd = commands[i].name;
      optind = 0; /* reset getopt for the subcommand's own parse */
      wsp_cli_setup_logging(&cli);
      return commands[i].run(&cli, argc, argv);
    }
  }
  return wsp_cli_usage_error(&cli, "unknown command '%s'", argv[0]);
}
