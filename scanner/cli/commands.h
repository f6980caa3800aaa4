/* cli/commands.h: the table of subcommands. Each entry X(name, summary)
** needs `int wsp_cmd_<name>(wsp_cli *cli, int argc, char **argv)` in
** cli/cmd_<name>.c; argv[0] is the subcommand's name. */
#ifndef WSP_CLI_COMMANDS_H
#define WSP_CLI_COMMANDS_H

#include "cli/cli.h"

#define WSP_CLI_COMMANDS(X)                                                    \
  X(version, "show versions of waspada and the libraries it uses")             \
  X(ingest, "scan posts from JSONL files or stdin, store the flagged ones")    \
  X(flagged, "list stored flagged posts (filters: since, level, category)")    \
  X(review, "show a stored post with its reasons; record a decision")          \
  X(rules, "check, lint and self-test rule packs; per-rule corpus hits")       \
  X(check, "verdict of one text: rule hits, score, level (exit 1: flagged)")   \
  X(normalize, "show the normalised text rules see, and its entities")         \
  X(train, "fit the naive Bayes scorer on labelled CSV/TSV/JSONL posts")       \
  X(eval, "precision/recall/F1/AUC of the Bayes scorer (K-fold or test)")      \
  X(feeds, "the feed list (OPML) and each feed's fetch state: list/add/...")   \
  X(scan, "fetch the due feeds, scan new posts, store flagged (--watch)")

#define WSP_X(name, summary)                                                   \
  int wsp_cmd_##name(wsp_cli *cli, int argc, char **argv);
WSP_CLI_COMMANDS(WSP_X)
#undef WSP_X

#endif
