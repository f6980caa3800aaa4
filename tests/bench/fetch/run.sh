#!/bin/sh
# Feed-fetching benchmark: N generated feeds (feedserver /gen/I: 2% slow
# 300 ms answers, 2% HTTP 500, 10% with a new item on every request, the
# rest answer 304 to their ETag; spread evenly) over H loopback addresses.
# With the spacing on, a pass cannot take less than (N / H) * 200 ms: that
# is what politeness costs, and why the spacing-free passes are shown too.
#   1. curl --parallel (64 at once) fetching every URL: the yardstick
#   2. waspada scan --once --all, cold (empty database), every politeness
#      rule on with the defaults: 2 transfers per host, 200 ms between
#      requests to one host, 64 transfers at once
#   3. the same again: conditional GET (If-None-Match)
#   4. and 5. the same two passes without the per-host spacing
# For each: wall seconds, CPU seconds (user+sys) and peak RSS (MB).
# Usage: run.sh WASPADA FEEDSERVER WORKDIR [N] [H]
set -eu
W=$1
SRV=$2
WORK=$3
N=${4:-10000}
H=${5:-50}
rm -rf "$WORK"
mkdir -p "$WORK"
SPID=
trap '[ -n "$SPID" ] && kill $SPID 2>/dev/null || true' EXIT

addrs=$(python3 -c "print(' '.join('127.0.0.%d' % (i + 2) for i in range($H)))")
: >"$WORK/ports"
FEEDSERVER_LIFETIME=1700 "$SRV" tests/fixtures/fetch $addrs >"$WORK/ports" 2>/dev/null </dev/null &
SPID=$!
i=0
while [ "$(wc -l <"$WORK/ports")" -lt "$H" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
python3 - "$WORK" "$N" <<'PY'
import sys
work, n = sys.argv[1], int(sys.argv[2])
hosts = [l.split() for l in open(work + "/ports")]
urls = ["http://%s:%s/gen/%d" % (hosts[i % len(hosts)][0], hosts[i % len(hosts)][1], i)
        for i in range(n)]
with open(work + "/feeds.opml", "w") as f:
    f.write('<?xml version="1.0"?>\n<opml version="2.0"><head><title>bench'
            '</title></head><body>\n')
    for i, u in enumerate(urls):
        f.write('<outline text="gen-%d" type="rss" xmlUrl="%s"/>\n' % (i, u))
    f.write('</body></opml>\n')
with open(work + "/curl.cfg", "w") as f:
    for u in urls:
        f.write('url = "%s"\noutput = "/dev/null"\n' % u)
PY
cat >"$WORK/polite.conf" <<CONF
[fetch]
concurrency = 64
per_host = 2
host_spacing_ms = 200
timeout_ms = 30000
CONF
sed 's/host_spacing_ms = 200/host_spacing_ms = 0/' "$WORK/polite.conf" >"$WORK/fast.conf"
OPTS="--feeds $WORK/feeds.opml --cache-dir $WORK/cache --once --all --json -q"
"$W" check --cache-dir "$WORK/cache" "warm the rules cache" >/dev/null || true

measure() { # measure LABEL COMMAND...: one line "LABEL wall cpu rss [json]"
  label=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" >"$WORK/out" 2>/dev/null || true
  set -- $(cat "$WORK/time")
  printf '%-34s wall %7.2f s  cpu %7.2f s  peak RSS %6.1f MB  %s\n' "$label" "$1" \
    "$(echo "$2 + $3" | bc)" "$(echo "$4 / 1024" | bc -l)" \
    "$(head -c 300 "$WORK/out" | tr -d '\n')"
}

echo "fetch benchmark: $N feeds over $H loopback hosts ($(nproc) CPUs)"
measure "curl --parallel (max 64)" curl --parallel --parallel-max 64 -s -K "$WORK/curl.cfg"
measure "scan cold (polite: 2/host, 200ms)" "$W" scan --db "$WORK/polite.db" --config "$WORK/polite.conf" $OPTS
measure "scan conditional (polite)" "$W" scan --db "$WORK/polite.db" --config "$WORK/polite.conf" $OPTS
measure "scan cold (2/host, no spacing)" "$W" scan --db "$WORK/fast.db" --config "$WORK/fast.conf" $OPTS
measure "scan conditional (no spacing)" "$W" scan --db "$WORK/fast.db" --config "$WORK/fast.conf" $OPTS
