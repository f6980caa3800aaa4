/* cli/cmd_version.c: `waspada version` / `waspada --version`: the version of
** waspada and of the libraries that decide its behaviour. */
#include "cli/commands.h"
#include "core/version.h"

#include <cJSON.h>
#include <curl/curl.h>
#include <hs.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <sqlite3.h>
#include <utf8proc.h>
#include <string.h>
#include <libxml/xmlversion.h>

static const char help[] =
    "Usage: waspada version [--json]\n"
    "\n"
    "Print the version of waspada and of Hyperscan, PCRE2, SQLite, libcurl,\n"
    "libxml2, cJSON and utf8proc as linked into this binary.\n";

int wsp_cmd_version(wsp_cli *cli, int argc, char **argv)
{
  char pcre2[64] = "?";
  int c;

  while ((c = wsp_cli_getopt(cli, argc, argv, "", NULL)) != -1) {
    if (c == 'h') {
      wsp_cli_print_help(stdout, help);
      return WSP_EXIT_OK;
    }
    return WSP_EXIT_USAGE;
  }
  if (optind < argc)
    return wsp_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
  pcre2_config(PCRE2_CONFIG_VERSION, pcre2);
  const char *fields[][2] = {
      {"waspada", WSP_VERSION},
      {"hyperscan", hs_version()},
      {"pcre2", pcre2},
      {"sqlite", sqlite3_libversion()},
      {"libcurl", curl_version_info(CURLVERSION_NOW)->version},
      {"libxml2", LIBXML_DOTTED_VERSION},
      {"cjson", cJSON_Version()},
      {"utf8proc", utf8proc_version()},
  };
  size_t n = sizeof(fields) / sizeof(fields[0]);
  if (cli->json) {
    fputc('{', stdout);
    for (size_t i = 0; i < n; i++) {
      wsp_cli_json_string(stdout, fields[i][0], strlen(fields[i][0]));
      fputc(':', stdout);
      wsp_cli_json_string(stdout, fields[i][1], strlen(fields[i][1]));
      fputs(i + 1 < n ? "," : "}\n", stdout);
    }
  } else {
    printf("waspada %s\n", WSP_VERSION);
    for (size_t i = 1; i < n; i++)
      printf("  %-10s %s\n", fields[i][0], fields[i][1]);
  }
  return WSP_EXIT_OK;
}
