#!/bin/sh
# End-to-end: `waspada scan` against the loopback test server (feedserver):
# what is stored and what each feed's state says after each pass: fetched
# bodies (plain, gzip, wrong charset header), conditional GET (ETag and
# Last-Modified sent back exactly as received, 304 costs no parsing), 301
# updates the stored URL while 302 does not, 429/503 honour Retry-After
# (seconds and HTTP date), 500 backs off and pauses after N failures, 410
# disables, slow drip and oversized bodies are cut off, redirect loops end,
# a bad document fails without validators, a flaky feed recovers, a
# Mastodon timeline resumes from its cursor (min_id).
# Usage: scan_fetch.sh PATH/TO/waspada PATH/TO/feedserver
set -u
W=$1
SRV=$2
F=tests/fixtures/fetch
tmp=$(mktemp -d)
SPID=
trap '[ -n "$SPID" ] && kill $SPID 2>/dev/null; rm -rf "$tmp"' EXIT
fail=0
DB="$tmp/w.db"
check() { # check DESCRIPTION EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then echo "FAIL: $1: expected '$2', got '$3'"; fail=1; fi
}
jget() { # jget EXPR < json
  python3 -c 'import json,sys; v=json.load(sys.stdin); x=eval(sys.argv[1]); print(" ".join(map(str, x)) if isinstance(x, tuple) else x)' "$1"
}
snap() { # snapshot of every feed's state (`feeds list --json`)
  "$W" feeds list --db "$DB" --feeds "$tmp/feeds.opml" --json >"$tmp/state.json"
}
feed() { # feed NAME EXPR: EXPR over that feed's row in the last snapshot
  cat "$tmp/state.json" |
    python3 -c 'import json,sys; r={f["name"]:f for f in json.load(sys.stdin)}[sys.argv[1]]; x=eval(sys.argv[2]); print(" ".join(map(str, x)) if isinstance(x, tuple) else x)' "$1" "$2"  2>&1 | tail -1
}

FEEDSERVER_LIFETIME=300 "$SRV" "$F" >"$tmp/port" 2>"$tmp/server.log" </dev/null &
SPID=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(cut -d' ' -f2 "$tmp/port")
[ -n "$PORT" ] || { echo "FAIL: test server did not start"; exit 1; }
B="http://127.0.0.1:$PORT"

cat >"$tmp/waspada.conf" <<CONF
[fetch]
timeout_ms = 1500
connect_timeout_ms = 1000
max_body = 100000
host_spacing_ms = 0
per_host = 8
concurrency = 16
pause_after = 3
backoff_base = 60
backoff_max = 3600
max_redirects = 4
host_hold_max_ms = 2000
CONF
cat >"$tmp/feeds.opml" <<OPML
<?xml version="1.0"?>
<opml version="2.0" xmlns:waspada="https://waspada.example/opml">
<head><title>e2e</title></head>
<body>
 <outline text="Region A">
  <outline text="ok" xmlUrl="$B/f/a.rss"/>
  <outline text="etag" xmlUrl="$B/etag/b.atom"/>
  <outline text="lm" xmlUrl="$B/lm/g.rss" waspada:kind="rss"/>
 </outline>
 <outline text="gzip" xmlUrl="$B/gzip/c.json" waspada:kind="jsonfeed"/>
 <outline text="charset" xmlUrl="$B/charset/d.rss"/>
 <outline text="moved" xmlUrl="$B/moved/e.rss"/>
 <outline text="temp" xmlUrl="$B/temp/e2.rss"/>
 <outline text="rate" xmlUrl="$B/status/429?after=120"/>
 <outline text="ratedate" xmlUrl="$B/status/503?date=1"/>
 <outline text="err" xmlUrl="$B/status/500"/>
 <outline text="gone" xmlUrl="$B/gone"/>
 <outline text="slow" xmlUrl="$B/slow/a.rss"/>
 <outline text="big" xmlUrl="$B/big/3000000"/>
 <outline text="bigcl" xmlUrl="$B/bigcl/3000000"/>
 <outline text="loop" xmlUrl="$B/loop/0"/>
 <outline text="flaky" xmlUrl="$B/flaky/1/f.rss"/>
 <outline text="notafeed" xmlUrl="$B/f/notafeed.txt"/>
 <outline text="file" xmlUrl="../../$(basename "$PWD")/$F/f.rss"/>
 <outline text="nofile" xmlUrl="file:///nonexistent/waspada/feed.xml"/>
 <outline text="off" xmlUrl="$B/f/a.rss" waspada:enabled="false"/>
 <outline text="masto" xmlUrl="$B/plain/m.json" waspada:kind="mastodon"/>
</body></opml>
OPML
# the relative path of "file" is resolved against the list's folder
sed -i "s|xmlUrl=\"../../[^\"]*/f.rss\"|xmlUrl=\"$PWD/$F/f.rss\"|" "$tmp/feeds.opml"
OPTS="--db $DB --config $tmp/waspada.conf --feeds $tmp/feeds.opml --rules tests/fixtures/ingest/rules.yaml --model none --gazetteer none --cache-dir $tmp/cache"

# ---- pass 1: cold ----------------------------------------------------------
out=$("$W" scan $OPTS --once --json 2>"$tmp/scan1.log")
check "pass 1 exit" 0 $?
check "pass 1 feeds (enabled)" 20 "$(echo "$out" | jget 'v["feeds"]')"
# ok etag lm gzip charset moved temp file masto (flaky fails first)
check "pass 1 fetched" 9 "$(echo "$out" | jget 'v["fetched"]')"
check "pass 1 not modified" 0 "$(echo "$out" | jget 'v["not_modified"]')"
check "pass 1 failed" 11 "$(echo "$out" | jget 'v["failed"]')"
# a1 a2 a3 b1 b2 g1 c1 c2 d1 e1 e21 f1(file) + 2 statuses = 14 posts;
# flagged a1 b1 g1 c1 d1 e1 e21
check "pass 1 scanned" 14 "$(echo "$out" | jget 'v["scanned"]')"
check "pass 1 flagged" 7 "$(echo "$out" | jget 'v["flagged"]')"
check "one log line per fetch" 20 "$(grep -c 'waspada scan: feed=' "$tmp/scan1.log")"
snap

etag=$(curl -s -D - -o /dev/null "$B/etag/b.atom" | tr -d '\r' | sed -n 's/^ETag: //p')
check "etag stored as received" "$etag" "$(feed etag 'r["etag"]')"
check "etag feed: no last-modified" "None" "$(feed etag 'r["last_modified"]')"
lm=$(curl -s -D - -o /dev/null "$B/lm/g.rss" | tr -d '\r' | sed -n 's/^Last-Modified: //p')
check "last-modified stored as received" "$lm" "$(feed lm 'r["last_modified"]')"
check "ok state" "ok 200 3" "$(feed ok 'r["state"], r["last_status"], r["items"]')" 
check "ok group" "Region A" "$(feed ok 'r["group"]')"
check "next poll = interval" 900 "$(feed ok 'r["next_poll"] - r["last_fetch"]')"
check "gzip decoded" "ok 2" "$(feed gzip 'r["state"], r["items"]')"
check "wrong charset header still parsed" "ok 1" "$(feed charset 'r["state"], r["items"]')"
check "301 updates the URL" "$B/f/e.rss" "$(feed moved 'r["url"]')"
check "301 keeps the list URL" "$B/moved/e.rss" "$(feed moved 'r["list_url"]')"
check "302 keeps the URL" "$B/temp/e2.rss" "$(feed temp 'r["url"]')"
check "429 Retry-After seconds" "failing 429 120" "$(feed rate 'r["state"], r["last_status"], r["next_poll"] - r["last_fetch"]')"
check "503 Retry-After date" "True" "$(feed ratedate '3590 <= r["next_poll"] - r["last_fetch"] <= 3601')"
check "500 backs off" "failing 1 60" "$(feed err 'r["state"], r["failures"], r["next_poll"] - r["last_fetch"]')"
check "500 reason" "HTTP 500" "$(feed err 'r["last_error"]')"
check "410 disables" "gone True 0" "$(feed gone 'r["state"], "410" in r["disabled_reason"], r["next_poll"]')"
check "slow drip times out" "failing True" "$(feed slow 'r["state"], r["last_error"].startswith("timed out")')"
check "chunked body over the limit" "True" "$(feed big '"larger than 100000" in r["last_error"]')"
check "declared body over the limit" "True" "$(feed bigcl '"larger than 100000" in r["last_error"]')"
check "redirect loop" "True" "$(feed loop '"redirect" in r["last_error"].lower()')"
check "bad document" "True None" "$(feed notafeed '"bad document" in r["last_error"], r["etag"]')"
check "file:// feed" "ok 1" "$(feed file 'r["state"], r["items"]')"
check "missing file" "failing" "$(feed nofile 'r["state"]')"
check "disabled in the list" "off 0" "$(feed off 'r["state"], r["last_fetch"]')"
check "mastodon cursor: newest id" "110000000000000102" "$(feed masto 'r["cursor"]')"
check "user agent" "1" "$(grep -c 'GET /f/a.rss ua=waspada/' "$tmp/server.log")"

# ---- pass 2: conditional, every enabled feed ---------------------------------
out=$("$W" scan $OPTS --once --all --json 2>"$tmp/scan2.log")
check "pass 2 exit" 0 $?
check "pass 2 feeds (gone skipped)" 19 "$(echo "$out" | jget 'v["feeds"]')"
# 304: ok etag lm charset moved(new URL) temp(302 -> /f/e2.rss) file
check "pass 2 not modified" 7 "$(echo "$out" | jget 'v["not_modified"]')"
# gzip and masto have no validators (refetched, duplicates), flaky recovers
check "pass 2 fetched" 3 "$(echo "$out" | jget 'v["fetched"]')"
# the 4 old items gzip and masto repeat are skipped before scanning (their
# ids were seen from those feeds); only flaky's first delivery is scanned
check "pass 2 scanned" 1 "$(echo "$out" | jget 'v["scanned"]')"
check "pass 2 duplicates" 4 "$(echo "$out" | jget 'v["duplicates"]')"
check "pass 2 flagged (nothing new)" 0 "$(echo "$out" | jget 'v["flagged"]')"
check "If-None-Match sent verbatim" 1 "$(grep -c "GET /etag/b.atom ua=waspada/[^ ]* [^ ]* inm=$etag" "$tmp/server.log")"
check "If-Modified-Since sent verbatim" 1 "$(grep -F "GET /lm/g.rss" "$tmp/server.log" | grep -cF "ims=$lm")"
snap
check "timeline resumed with min_id" 1 "$(grep -c 'GET /plain/m.json .* min_id=110000000000000102$' "$tmp/server.log")"
check "moved: fetched at its new URL" 1 "$(grep -c 'GET /moved/e.rss' "$tmp/server.log")"
check "flaky recovered" "ok 0 None" "$(feed flaky 'r["state"], r["failures"], r["last_error"]')"
check "500 twice" "2 120" "$(feed err 'r["failures"], r["next_poll"] - r["last_fetch"]')"

# ---- pass 3: the third failure pauses ---------------------------------------
"$W" scan $OPTS --once --all -q >/dev/null
snap
check "paused" "paused 3" "$(feed err 'r["state"], r["failures"]')"
check "pause reason" "True" "$(feed err 'r["paused_reason"].startswith("paused after 3 consecutive failures")')"
check "paused feed retried later" "True" "$(feed err 'r["next_poll"] - r["last_fetch"] >= 86400')"
"$W" feeds list --db "$DB" --feeds "$tmp/feeds.opml" >"$tmp/list.txt"
check "list shows the pause" 1 "$(grep -c '^err .*paused.*paused after 3 consecutive failures' "$tmp/list.txt")"

# ---- pass 4: the schedule: nothing is due -------------------------------------
out=$("$W" scan $OPTS --once --json 2>/dev/null)
check "nothing due" "0 0" "$(echo "$out" | jget 'v["feeds"], v["scanned"]')"

# ---- stored posts ----------------------------------------------------------------
n=$("$W" flagged --db "$DB" --json | jget 'len(v)')
check "stored flagged posts" 7 "$n"
check "posts carry the feed name" "charset etag gzip lm moved ok temp" "$("$W" flagged --db "$DB" --json | jget '" ".join(sorted(p["source"] for p in v))')"

# ---- a reset brings a gone feed back -------------------------------------------
"$W" feeds reset gone --db "$DB" --feeds "$tmp/feeds.opml"
snap
check "reset" "ok None" "$(feed gone 'r["state"], r["disabled_reason"]')"

exit $fail
