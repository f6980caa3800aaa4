#!/bin/sh
# Feed-fetching benchmark: N generated feeds over H loopback addresses, in
# one of two mixes (MIX=stress, the default, or MIX=realistic):
#   stress     feedserver /gen/I: answers at once; 2% slow 300 ms answers,
#              2% HTTP 500, 10% with a new item on every request, the rest
#              answer 304 to their ETag; five one-line items, one a scam ad.
#              CPU-bound on loopback: the scanner's overhead laid bare.
#   realistic  feedserver /real/I: every answer takes 10-90 ms of server
#              time, 2% take 1 s, 2% HTTP 500, 10% with a new item on every
#              request; ten items of about 55 words, one in twenty a scam
#              ad: what a poll of real job boards looks like.
#   1. curl --parallel (64 at once) fetching every URL: the yardstick
#   2. curl again with each feed's ETag (If-None-Match): the yardstick for
#      a conditional pass (what 10,000 requests cost by themselves)
#   3. waspada scan --once --all, cold (empty database), every politeness
#      rule on with the defaults (2 transfers per host, hosts in turn,
#      Retry-After, backoff), 64 transfers at once like curl
#   4. the same again: conditional GET (If-None-Match)
#   5. and 6. (FIXED_SPACING=1 only) cold and conditional with a fixed
#      200 ms between requests to one host: such a pass cannot take less
#      than (N / H) * 200 ms, 40 s for 10,000 feeds on 50 hosts
# For each: wall seconds, CPU seconds (user+sys) and peak RSS (MB).
# Usage: run.sh WASPADA FEEDSERVER WORKDIR [N] [H]
set -eu
W=$1
SRV=$2
WORK=$3
N=${4:-10000}
H=${5:-50}
case ${MIX:-stress} in
stress) GEN=gen ;;
realistic) GEN=real ;;
*) echo "run.sh: MIX must be stress or realistic" >&2; exit 2 ;;
esac
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
python3 - "$WORK" "$N" "$GEN" <<'PY'
import sys
work, n, gen = sys.argv[1], int(sys.argv[2]), sys.argv[3]
hosts = [l.split() for l in open(work + "/ports")]
urls = ["http://%s:%s/%s/%d" % (hosts[i % len(hosts)][0], hosts[i % len(hosts)][1], gen, i)
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
# per-URL headers need "next"; the ETag of an unchanged /gen/I is gen-I-0
# (/real/I: real-I-0)
with open(work + "/curl-cond.cfg", "w") as f:
    for i, u in enumerate(urls):
        f.write('%sparallel\nparallel-max = 64\nsilent\nurl = "%s"\n'
                'output = "/dev/null"\nheader = "If-None-Match: \\"%s-%d-0\\""\n'
                % ("next\n" if i else "", u, gen, i))
PY
cat >"$WORK/polite.conf" <<CONF
[fetch]
concurrency = 64
CONF
printf 'host_spacing_ms = 200\n' | cat "$WORK/polite.conf" - >"$WORK/fixed.conf"
OPTS="--feeds $WORK/feeds.opml --cache-dir $WORK/cache --once --all --json -q"
"$W" check --cache-dir "$WORK/cache" "warm the rules cache" >/dev/null || true

measure() { # measure LABEL COMMAND...: one line "LABEL wall cpu rss [json]"
  label=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" >"$WORK/out" 2>/dev/null || true
  set -- $(cat "$WORK/time")
  echo "$label|$1|$(echo "$2 + $3" | bc)|$4" >>"$WORK/results"
  printf '%-34s wall %7.2f s  cpu %7.2f s  peak RSS %6.1f MB  %s\n' "$label" "$1" \
    "$(echo "$2 + $3" | bc)" "$(echo "$4 / 1024" | bc -l)" \
    "$(head -c 300 "$WORK/out" | tr -d '\n')"
}

echo "fetch benchmark: $N feeds over $H loopback hosts, ${MIX:-stress} mix ($(nproc) CPUs)"
: >"$WORK/results"
measure "curl --parallel (max 64)" curl --parallel --parallel-max 64 -s -K "$WORK/curl.cfg"
measure "curl --parallel, If-None-Match" curl -K "$WORK/curl-cond.cfg"
measure "scan cold (defaults, 64 at once)" "$W" scan --db "$WORK/polite.db" --config "$WORK/polite.conf" $OPTS
measure "scan conditional (defaults)" "$W" scan --db "$WORK/polite.db" --config "$WORK/polite.conf" $OPTS
if [ "${FIXED_SPACING:-0}" = 1 ]; then
  measure "scan cold (fixed 200 ms/host)" "$W" scan --db "$WORK/fixed.db" --config "$WORK/fixed.conf" $OPTS
  measure "scan conditional (fixed 200 ms)" "$W" scan --db "$WORK/fixed.db" --config "$WORK/fixed.conf" $OPTS
fi
python3 - "$WORK/results" <<'PY'
import sys
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1])]
r = {k: (float(w), float(c)) for k, w, c, _ in rows}
curl, cold, cond = (r["curl --parallel (max 64)"],
                    r["scan cold (defaults, 64 at once)"],
                    r["scan conditional (defaults)"])
curl_cond = r["curl --parallel, If-None-Match"]
print("cold pass wall / curl wall:            %.2fx (goal <= 1.5)" % (cold[0] / curl[0]))
print("cold pass CPU / conditional pass CPU:  %.2fx (goal >= 5)" % (cold[1] / cond[1]))
print("conditional pass CPU / curl's (If-None-Match) CPU: %.2fx" % (cond[1] / curl_cond[1]))
PY
