#!/bin/sh
# CLI frame: help, version, and one-line usage errors with exit code 2.
# Usage: cli_basics.sh PATH/TO/waspada
set -u
W=$1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect() { # expect CODE DESCRIPTION -- command...
  code=$1; what=$2; shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  got=$?
  if [ "$got" -ne "$code" ]; then
    echo "FAIL: $what: exit $got, expected $code"; cat "$tmp/err"; fail=1
  fi
}
one_line_error() { # stderr must be exactly one line
  n=$(wc -l <"$tmp/err")
  [ "$n" -eq 1 ] || { echo "FAIL: $1: stderr has $n lines"; cat "$tmp/err"; fail=1; }
}

expect 0 "--help" -- "$W" --help
grep -q '^Commands:' "$tmp/out" || { echo "FAIL: --help lists no commands"; fail=1; }
expect 0 "--version" -- "$W" --version
grep -q '^waspada [0-9]' "$tmp/out" || { echo "FAIL: --version"; fail=1; }
grep -q 'hyperscan' "$tmp/out" || { echo "FAIL: --version lacks hyperscan"; fail=1; }
grep -q 'pcre2' "$tmp/out" || { echo "FAIL: --version lacks pcre2"; fail=1; }
grep -q 'sqlite' "$tmp/out" || { echo "FAIL: --version lacks sqlite"; fail=1; }
expect 0 "version --json" -- "$W" version --json
grep -q '"hyperscan":"' "$tmp/out" || { echo "FAIL: version --json"; fail=1; }
expect 0 "help version" -- "$W" help version
grep -q 'Usage: waspada version' "$tmp/out" || { echo "FAIL: help version"; fail=1; }

# every subcommand listed in --help answers --help with exit 0
"$W" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR>1 && $1 {print $1}' >"$tmp/cmds"
while read -r c; do
  expect 0 "$c --help" -- "$W" "$c" --help
  grep -q "Usage: waspada" "$tmp/out" || { echo "FAIL: $c --help has no usage"; fail=1; }
done <"$tmp/cmds"

expect 2 "no command" -- "$W"
expect 2 "unknown command" -- "$W" frobnicate
one_line_error "unknown command"
grep -q "unknown command 'frobnicate'" "$tmp/err" || { echo "FAIL: message"; fail=1; }
expect 2 "unknown global option" -- "$W" --frob
one_line_error "unknown global option"
expect 2 "unknown subcommand option" -- "$W" version --frob
one_line_error "unknown subcommand option"
grep -q "unknown option '--frob'" "$tmp/err" || { echo "FAIL: message"; cat "$tmp/err"; fail=1; }
expect 2 "missing option argument" -- "$W" version --db
one_line_error "missing option argument"
grep -q "'--db' needs an argument" "$tmp/err" || { echo "FAIL: message"; cat "$tmp/err"; fail=1; }
expect 2 "unexpected operand" -- "$W" version extra
one_line_error "unexpected operand"

[ $fail -eq 0 ] && echo "cli_basics: ok"
exit $fail
