#!/bin/sh
# Crash safety: kill -9 in the middle of a large ingest, then run it again.
# The database must open, keep everything that was committed, store nothing
# twice, and end up equal to a clean run's (same posts, same counters).
# Usage: crash.sh PATH/TO/waspada
set -u
W=$1
F=tests/fixtures/ingest
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
OPTS="--rules $F/rules.yaml --model none --gazetteer none --cache-dir $tmp/cache"

python3 tests/bench/gen_corpus.py --size-mb 8 --seed 11 --scam-rate 0.3 \
  -o "$tmp/in.jsonl" 2>/dev/null

# the reference: one clean run
"$W" ingest $OPTS --db "$tmp/clean.db" -q "$tmp/in.jsonl" >/dev/null || fail=1

# killed run: SIGKILL as soon as the first batches are committed (polled,
# so the kill lands mid-run however fast or loaded the machine is)
killed=0
python3 - "$W" "$tmp" $OPTS <<'PY' && killed=1
import signal, sqlite3, subprocess, sys, time
w, tmp, opts = sys.argv[1], sys.argv[2], sys.argv[3:]
db = tmp + "/crash.db"
proc = subprocess.Popen([w, "ingest"] + opts + ["--db", db, "--batch", "100",
                        "-q", tmp + "/in.jsonl"], stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
deadline = time.time() + 60
while proc.poll() is None and time.time() < deadline:
    try:
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=0.1)
        n = con.execute("select count(*) from seen").fetchone()[0]
        con.close()
    except sqlite3.Error:
        n = 0
    if n > 0:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        sys.exit(0)
    time.sleep(0.005)
proc.kill()
proc.wait()
sys.exit(1)
PY
[ $killed -eq 1 ] || { echo "FAIL: could not kill an ingest mid-run"; fail=1; }

# run again to completion on the crashed database
"$W" ingest $OPTS --db "$tmp/crash.db" -q "$tmp/in.jsonl" >/dev/null
[ $? -eq 0 ] || { echo "FAIL: re-run after crash"; fail=1; }

python3 - "$tmp/clean.db" "$tmp/crash.db" <<'PY' || fail=1
import sqlite3, sys
def state(path):
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", path
    return {
        "posts": db.execute("select count(*) from posts").fetchone()[0],
        "texts": db.execute("select count(distinct norm_hash) from posts").fetchone()[0],
        "ids": sorted(r[0] for r in db.execute("select ext_id from posts")),
        "scanned": db.execute("select sum(scanned) from counters").fetchone()[0],
        "flagged": db.execute("select sum(flagged) from counters").fetchone()[0],
        "seen": db.execute("select count(*) from seen").fetchone()[0],
        "matches": db.execute("select count(*) from matches").fetchone()[0],
        "sightings": db.execute("select count(*) from sightings").fetchone()[0],
    }
a, b = state(sys.argv[1]), state(sys.argv[2])
bad = [k for k in a if a[k] != b[k]]
if bad:
    for k in bad:
        print("FAIL: %s clean=%s crashed+rerun=%s" % (k, str(a[k])[:80], str(b[k])[:80]))
    sys.exit(1)
if a["posts"] == 0:
    print("FAIL: nothing flagged in the reference run"); sys.exit(1)
print("crash: %d posts, %d scanned; equal after kill -9 and re-run" % (a["posts"], a["scanned"]))
PY
exit $fail
