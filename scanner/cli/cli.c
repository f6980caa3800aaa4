/* cli/cli.c: option parsing, usage errors, logging and JSON helpers shared by
** the subcommands. */
#include "cli/cli.h"

#include "core/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WSP_CLI_MAX_OPTS 64

static const struct option common_opts[] = {
    {"db", required_argument, NULL, WSP_OPT_DB},
    {"config", required_argument, NULL, WSP_OPT_CONFIG},
    {"json", no_argument, NULL, WSP_OPT_JSON},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
};

int wsp_cli_usage_error(const wsp_cli *cli, const char *fmt, ...)
{
  char msg[512];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  if (cli->cmd)
    fprintf(stderr, "%s %s: %s (see '%s %s --help')\n", cli->prog, cli->cmd,
            msg, cli->prog, cli->cmd);
  else
    fprintf(stderr, "%s: %s (see '%s --help')\n", cli->prog, msg, cli->prog);
  return WSP_EXIT_USAGE;
}

int wsp_cli_parse_uint(const wsp_cli *cli, const char *opt, const char *arg,
                       unsigned min, unsigned max, unsigned *out)
{
  char *end;
  unsigned long v;
  errno = 0;
  v = strtoul(arg, &end, 10);
  if (!*arg || *end || errno || v < min || v > max || arg[0] == '-') {
    wsp_cli_usage_error(cli, "%s: expected a number from %u to %u, got '%s'",
                        opt, min, max, arg);
    return -1;
  }
  *out = (unsigned)v;
  return 0;
}

int wsp_cli_fail(const wsp_cli *cli, int code, const char *fmt, ...)
{
  char msg[1024];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  if (cli->cmd)
    fprintf(stderr, "%s %s: %s\n", cli->prog, cli->cmd, msg);
  else
    fprintf(stderr, "%s: %s\n", cli->prog, msg);
  return code;
}

static const char *option_name(const struct option *opts, int key)
{
  for (; opts && opts->name; opts++)
    if (opts->val == key)
      return opts->name;
  return NULL;
}

int wsp_cli_getopt(wsp_cli *cli, int argc, char **argv, const char *shortopts,
                   const struct option *longopts)
{
  struct option all[WSP_CLI_MAX_OPTS];
  char shorts[128];
  size_t n = 0;
  int c;

  /* a leading '+' (stop at the first operand) must stay first */
  if (shortopts && shortopts[0] == '+')
    snprintf(shorts, sizeof(shorts), "+:hqv%s", shortopts + 1);
  else
    snprintf(shorts, sizeof(shorts), ":hqv%s", shortopts ? shortopts : "");
  for (; longopts && longopts->name && n < WSP_CLI_MAX_OPTS - 8; longopts++)
    all[n++] = *longopts;
  for (size_t i = 0; i < sizeof(common_opts) / sizeof(common_opts[0]); i++)
    all[n++] = common_opts[i];
  memset(&all[n], 0, sizeof(all[n]));

  opterr = 0;
  for (;;) {
    int longindex = -1;
    c = getopt_long(argc, argv, shorts, all, &longindex);
    switch (c) {
    case WSP_OPT_DB:
      cli->db_path = optarg;
      continue;
    case WSP_OPT_CONFIG:
      cli->config_path = optarg;
      continue;
    case WSP_OPT_JSON:
      cli->json = 1;
      continue;
    case 'q':
      cli->verbosity = 0;
      continue;
    case 'v':
      cli->verbosity = 2;
      continue;
    case ':': {
      const char *name = option_name(all, optopt);
      if (name)
        wsp_cli_usage_error(cli, "option '--%s' needs an argument", name);
      else
        wsp_cli_usage_error(cli, "option '-%c' needs an argument", optopt);
      return '?';
    }
    case '?':
      if (optopt && optopt < 0x100 && !option_name(all, optopt))
        wsp_cli_usage_error(cli, "unknown option '-%c'", optopt);
      else if (optopt)
        wsp_cli_usage_error(cli, "option '--%s' takes no argument",
                            option_name(all, optopt));
      else
        wsp_cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
      return '?';
    default:
      return c;
    }
  }
}

void wsp_cli_print_help(FILE *out, const char *text)
{
  fputs(text, out);
  fputs("\nCommon options:\n"
        "  --db PATH       SQLite database (default: " WSP_CLI_DEFAULT_DB ")\n"
        "  --config PATH   settings file (default: built-in defaults)\n"
        "  --json          machine-readable output\n"
        "  -q, --quiet     only errors\n"
        "  -v, --verbose   more detail on stderr\n"
        "  -h, --help      this help\n",
        out);
}

static void cli_log(void *ud, wsp_log_level level, const char *module,
                    const char *msg)
{
  char line[1400];
  int n;

  (void)ud;
  n = snprintf(line, sizeof(line), "waspada: level=%s module=%s %s\n",
               wsp_log_level_name(level), module, msg);
  if (n < 0)
    return;
  if ((size_t)n >= sizeof(line)) {
    n = sizeof(line) - 1;
    line[n - 1] = '\n';
  }
  /* One write per line so lines from different threads never interleave. */
  if (write(STDERR_FILENO, line, (size_t)n) < 0)
    return;
}

void wsp_cli_setup_logging(const wsp_cli *cli)
{
  wsp_log_level max = cli->verbosity == 0   ? WSP_LOG_ERROR
                      : cli->verbosity == 1 ? WSP_LOG_WARN
                                            : WSP_LOG_DEBUG;
  wsp_log_set(cli_log, NULL, max);
}

int wsp_cli_progress_enabled(const wsp_cli *cli)
{
  return cli->verbosity > 0 && isatty(STDERR_FILENO);
}

void wsp_cli_json_string(FILE *out, const char *s, size_t len)
{
  fputc('"', out);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
    case '"':
      fputs("\\\"", out);
      break;
    case '\\':
      fputs("\\\\", out);
      break;
    case '\n':
      fputs("\\n", out);
      break;
    case '\r':
      fputs("\\r", out);
      break;
    case '\t':
      fputs("\\t", out);
      break;
    default:
      if (c < 0x20 || c == 0x7f)
        fprintf(out, "\\u%04x", c);
      else
        fputc(c, out);
    }
  }
  fputc('"', out);
}
