/* cli/cli.h: what the subcommands of the waspada executable share: the
** global options, option parsing with the common flags folded in, and the
** one way of reporting a usage error (one line on stderr, exit code 2).
**
** The CLI is a client of the modules: it parses arguments, calls module
** functions and prints. Anything a subcommand needs that the modules lack
** belongs in a module. Exit codes: 0 ok, 1 findings or failed checks where
** that is the question asked, 2 usage or input error. */
#ifndef WSP_CLI_CLI_H
#define WSP_CLI_CLI_H

#include <getopt.h>
#include <stdio.h>

#define WSP_EXIT_OK 0
#define WSP_EXIT_FINDINGS 1
#define WSP_EXIT_USAGE 2

typedef struct wsp_cli {
  const char *prog;        /* "waspada" */
  const char *cmd;         /* subcommand being run, e.g. "ingest" */
  const char *db_path;     /* --db; default WSP_CLI_DEFAULT_DB */
  const char *config_path; /* --config; NULL: built-in defaults */
  int verbosity;           /* 0 --quiet, 1 default, 2 --verbose */
  int json;                /* --json */
} wsp_cli;

#define WSP_CLI_DEFAULT_DB "waspada.db"

/* Keys of the common long options (outside the char range). */
enum {
  WSP_OPT_DB = 0x1000,
  WSP_OPT_JSON,
  WSP_OPT_CONFIG,
  WSP_OPT_FIRST_CMD = 0x1100 /* subcommands number their own from here */
};

/* getopt_long over argv, with the common options (--db, --config, --json,
** -q/--quiet, -v/--verbose, -h/--help) added to the command's own. Common
** options are applied to cli and skipped. Returns the key of a command
** option, 'h' for --help, -1 at the end of the options (optind then indexes
** the first operand), or '?' after printing a one-line usage error. */
int wsp_cli_getopt(wsp_cli *cli, int argc, char **argv, const char *shortopts,
                   const struct option *longopts);

/* Print "waspada CMD: MESSAGE" and a hint to stderr; returns WSP_EXIT_USAGE.*/
int wsp_cli_usage_error(const wsp_cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Read a whole decimal number in [min, max] from an option's argument; on
** anything else print a usage error naming opt and return -1. */
int wsp_cli_parse_uint(const wsp_cli *cli, const char *opt, const char *arg,
                       unsigned min, unsigned max, unsigned *out);

/* Print "waspada CMD: MESSAGE" to stderr (an input or runtime error, no
** hint); returns code. */
int wsp_cli_fail(const wsp_cli *cli, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Print the help text of a subcommand followed by the common options. */
void wsp_cli_print_help(FILE *out, const char *text);

/* Install the CLI's log hook according to cli->verbosity. */
void wsp_cli_setup_logging(const wsp_cli *cli);

/* Nonzero if stderr is a terminal and progress should be drawn. */
int wsp_cli_progress_enabled(const wsp_cli *cli);

/* Print s as a JSON string literal (quotes included, escaped) to out. */
void wsp_cli_json_string(FILE *out, const char *s, size_t len);

#endif
