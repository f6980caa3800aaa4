#!/bin/sh
# End-to-end: `waspada feeds` keeps the OPML list and the database in step:
# add (creating the list; paths become file:// URLs), duplicate and invalid
# feeds refused, import and re-import, export round trip, remove; OPML
# errors carry FILE:LINE; `scan` works offline on the bundled default list.
# Usage: scan_feeds.sh PATH/TO/waspada
set -u
W=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
DB="$tmp/w.db"
L="$tmp/list.opml"
check() { # check DESCRIPTION EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then echo "FAIL: $1: expected '$2', got '$3'"; fail=1; fi
}
q() { # q EXPR: EXPR over `feeds list --json` of the list L (v: rows by name)
  "$W" feeds list --db "$DB" --feeds "$L" --json |
    python3 -c 'import json,sys; v={f["name"]:f for f in json.load(sys.stdin)}; x=eval(sys.argv[1]); print(" ".join(map(str, x)) if isinstance(x, tuple) else x)' "$1"
}

# add creates the list; a relative path becomes a file:// URL
"$W" feeds add tests/fixtures/fetch/a.rss --name a --group "Jawa/Surabaya" \
  --interval 60 --header "X-Token: 1" --kind rss --db "$DB" --feeds "$L" -q
check "add exit" 0 $?
check "added" "a file://$PWD/tests/fixtures/fetch/a.rss Jawa/Surabaya rss new" \
  "$(q '"a", v["a"]["url"], v["a"]["group"], v["a"]["kind"], v["a"]["state"]')"
grep -q 'waspada:interval="60"' "$L"
check "interval written to the list" 0 $?
grep -q 'waspada:headers="X-Token: 1"' "$L"
check "header written to the list" 0 $?
"$W" feeds add tests/fixtures/fetch/b.atom --name a --db "$DB" --feeds "$L" 2>"$tmp/err"
check "duplicate name refused" 2 $?
grep -q "duplicate feed name 'a'" "$tmp/err"
check "duplicate name message" 0 $?
"$W" feeds add ftp://example.invalid/x --name x --db "$DB" --feeds "$L" 2>/dev/null
check "bad scheme refused" 2 $?
"$W" feeds add tests/fixtures/fetch/b.atom --header "Bad Header" --db "$DB" --feeds "$L" 2>/dev/null
check "bad header refused" 2 $?

# import the default list (5 feeds), then again (all skipped)
out=$("$W" feeds import feeds/default.opml --db "$DB" --feeds "$L")
check "import" "imported 5 feeds, skipped 0 already listed" "$out"
out=$("$W" feeds import feeds/default.opml --db "$DB" --feeds "$L")
check "re-import" "imported 0 feeds, skipped 5 already listed" "$out"
check "6 feeds" 6 "$(q 'len(v)')"
check "group from nested folders" "Indonesia/Jawa Timur" "$(q 'v["loker-nusantara"]["group"]')"

# export round trip: the exported list loads into the same feeds
"$W" feeds export "$tmp/out.opml" --db "$DB" --feeds "$L"
check "export exit" 0 $?
a=$(q 'sorted((n, f["url"], f["group"], f["kind"]) for n, f in v.items())')
b=$("$W" feeds list --db "$tmp/other.db" --feeds "$tmp/out.opml" --json |
  python3 -c 'import json,sys; v={f["name"]:f for f in json.load(sys.stdin)}; print(sorted((n, f["url"], f["group"], f["kind"]) for n, f in v.items()))')
check "export round trip" "$a" "$b"
"$W" feeds export --db "$DB" --feeds "$L" | python3 -c 'import sys, xml.etree.ElementTree as E; print(len([o for o in E.parse(sys.stdin).iter("outline") if o.get("xmlUrl")]))' >"$tmp/n"
check "export to stdout" 6 "$(cat "$tmp/n")"

# remove: gone from the list and the listing
"$W" feeds remove a --db "$DB" --feeds "$L" -q
check "remove exit" 0 $?
check "5 feeds" 5 "$(q 'len(v)')"
"$W" feeds remove nosuchfeed --db "$DB" --feeds "$L" 2>/dev/null
check "remove unknown" 2 $?

# OPML errors name the file and line
printf '<?xml version="1.0"?>\n<opml version="2.0">\n<body><outline text="x" xmlUrl="http://127.0.0.1/x">\n</opml>\n' >"$tmp/bad.opml"
"$W" feeds list --db "$DB" --feeds "$tmp/bad.opml" 2>"$tmp/err"
check "broken XML exit" 2 $?
grep -q "bad.opml:4:" "$tmp/err"
check "broken XML line" 0 $?
printf '<opml xmlns:waspada="https://waspada.example/opml"><body>\n<outline text="x"\n xmlUrl="http://127.0.0.1/x" waspada:intervall="5"/>\n</body></opml>\n' >"$tmp/bad2.opml"
"$W" feeds list --db "$DB" --feeds "$tmp/bad2.opml" 2>"$tmp/err"
check "unknown attribute exit" 2 $?
grep -q "bad2.opml:3: unknown attribute waspada:intervall" "$tmp/err"
check "unknown attribute message" 0 $?
printf '<opml><body><outline text="x" xmlUrl="samples/x.rss" xmlns:waspada="https://waspada.example/opml" waspada:kind="podcast"/></body></opml>\n' >"$tmp/bad3.opml"
"$W" feeds list --db "$DB" --feeds "$tmp/bad3.opml" 2>"$tmp/err"
check "unknown kind exit" 2 $?

# the bundled default list works offline, out of the box
out=$("$W" scan --db "$tmp/demo.db" --rules tests/fixtures/ingest/rules.yaml \
  --model none --gazetteer none --cache-dir "$tmp/cache" --json -q)
check "default list exit" 0 $?
check "default list" "5 5 0 16" "$(echo "$out" | python3 -c 'import json,sys; v=json.load(sys.stdin); print(v["feeds"], v["fetched"], v["failed"], v["scanned"])')"
exit $fail
