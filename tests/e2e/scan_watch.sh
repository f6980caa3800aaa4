#!/bin/sh
# End-to-end: `waspada scan --watch` as a daemon over file:// feeds: it
# polls on schedule, SIGHUP reloads the feed list (a new feed is polled) and
# the rule packs (a broken pack keeps the old rules and says why), a changed
# feed file is fetched again while an unchanged one is not, and SIGTERM
# drains and exits cleanly (exit 0).
# Usage: scan_watch.sh PATH/TO/waspada
set -u
W=$1
F=tests/fixtures/fetch
tmp=$(mktemp -d)
WPID=
trap '[ -n "$WPID" ] && kill $WPID 2>/dev/null; rm -rf "$tmp"' EXIT
fail=0
DB="$tmp/w.db"
check() { # check DESCRIPTION EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then echo "FAIL: $1: expected '$2', got '$3'"; fail=1; fi
}
wait_for() { # wait_for PATTERN COUNT: until the log has COUNT matching lines
  i=0
  while [ "$(grep -c -- "$1" "$tmp/log")" -lt "$2" ] && [ $i -lt 300 ]; do
    sleep 0.1
    i=$((i + 1))
  done
  [ "$(grep -c -- "$1" "$tmp/log")" -ge "$2" ] || { echo "FAIL: never saw '$1' x$2"; cat "$tmp/log"; fail=1; }
}

cp $F/a.rss $F/b.atom "$tmp/"
cp tests/fixtures/ingest/rules.yaml "$tmp/rules.yaml"
list() { # list FEED...: write the feed list with these feeds
  {
    echo '<opml version="2.0" xmlns:waspada="https://waspada.example/opml"><body>'
    for f in "$@"; do
      echo "<outline text=\"$f\" xmlUrl=\"$f\" waspada:interval=\"1\"/>"
    done
    echo '</body></opml>'
  } >"$tmp/feeds.opml.new"
  mv "$tmp/feeds.opml.new" "$tmp/feeds.opml"
}
list a.rss
: >"$tmp/log"
"$W" scan --watch --db "$DB" --feeds "$tmp/feeds.opml" --rules "$tmp/rules.yaml" \
  --model none --gazetteer none --cache-dir "$tmp/cache" --json \
  >"$tmp/out" 2>"$tmp/log" &
WPID=$!

wait_for 'feed=a.rss result=ok .*posts=3' 1
# polled again on schedule (interval 1 s): unchanged file, not modified
wait_for 'feed=a.rss result=not_modified' 1

# SIGHUP: the feed list is reloaded and the new feed polled
list a.rss b.atom
kill -HUP $WPID
wait_for 'feed list reloaded (2 feeds)' 1
wait_for 'feed=b.atom result=ok .*posts=2' 1

# SIGHUP with a broken rule pack: the old rules stay
printf 'schema: waspada/1\nrules:\n  - id: [broken\n' >"$tmp/rules.yaml"
kill -HUP $WPID
wait_for 'rule reload failed, keeping the old rules' 1

# a changed feed is fetched again and scanned with the old (working) rules
sed -i 's|</channel>|<item><guid>a4</guid><title>Baru</title><description>Kerja ke Malaysia tanpa biaya, wa 081311112222</description></item></channel>|' "$tmp/a.rss"
touch -d "@$(($(date +%s) + 5))" "$tmp/a.rss"
wait_for 'feed=a.rss result=ok .*posts=4' 1

# SIGTERM: drain and exit cleanly
kill -TERM $WPID
wait $WPID
check "exit after SIGTERM" 0 $?
WPID=
check "summaries are JSON" "True" "$(python3 -c 'import json,sys; print(all("scanned" in json.loads(l) for l in open(sys.argv[1])))' "$tmp/out")"
n=$("$W" flagged --db "$DB" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
check "flagged: a1, b1 and the new a4" 3 "$n"
exit $fail
