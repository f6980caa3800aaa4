#!/bin/sh
# End-to-end: waspada ingest / flagged / review on fixture posts: stored
# verdicts, idempotent re-runs, sightings across sources, append-only
# reviews, hostile JSONL lines, usage errors, and a database that cannot be
# written (file-size limit standing in for a full disk).
# Usage: ingest.sh PATH/TO/waspada
set -u
W=$1
F=tests/fixtures/ingest
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
DB="$tmp/w.db"
OPTS="--db $DB --rules $F/rules.yaml --model none --gazetteer none --cache-dir $tmp/cache"

check() { # check DESCRIPTION EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then echo "FAIL: $1: expected '$2', got '$3'"; fail=1; fi
}
jget() { # jget KEY < json  (top-level number or string)
  python3 -c 'import json,sys; v=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

# 1. first run: 6 scanned; a1, a3, a6 flagged; a4 is news (negative score)
out=$("$W" ingest $OPTS --json "$F/a.jsonl")
check "first run exit" 0 $?
check "scanned" 6 "$(echo "$out" | jget 'v["scanned"]')"
check "flagged" 3 "$(echo "$out" | jget 'v["flagged"]')"
check "duplicates" 0 "$(echo "$out" | jget 'v["duplicates"]')"
check "errors" 0 "$(echo "$out" | jget 'v["errors"]')"

# 2. the same input again stores nothing new
out=$("$W" ingest $OPTS "$F/a.jsonl")
check "re-run summary" "scanned 6, flagged 0, duplicates 6, errors 0" "$out"
n=$("$W" flagged --db "$DB" --json | jget 'len(v)')
check "stored posts after re-run" 3 "$n"

# 3. the same ad in another source becomes a sighting, not a new post
out=$("$W" ingest $OPTS --json "$F/b.jsonl")
check "other source flagged" 1 "$(echo "$out" | jget 'v["flagged"]')"
check "other source duplicates" 1 "$(echo "$out" | jget 'v["duplicates"]')"
n=$("$W" flagged --db "$DB" --json | jget 'len(v)')
check "still 3 posts" 3 "$n"
id=$("$W" flagged --db "$DB" --json --search kamboja | jget 'v[0]["id"]')
show=$("$W" review show "$id" --db "$DB" --json)
check "sightings" 2 "$(echo "$show" | jget 'len(v["seen"])')"
check "sources" "fb:loker-a tg:kerja-b" "$(echo "$show" | jget '" ".join(sorted(s["source"] for s in v["seen"]))')"
check "categories" "recruitment_fee contact_offplatform" "$(echo "$show" | jget '" ".join(v["categories"])')"
check "phone entity" "True" "$(echo "$show" | jget 'any(e["kind"]=="phone" for e in v["entities"])')"
# spans are offsets into the original text
check "span text" "KAMBOJA" "$(echo "$show" | jget '[v["text"].encode()[m["start"]:m["end"]].decode() for m in v["matches"] if m["pattern"]=="abroad"][0]')"
check "sha256" 64 "$(echo "$show" | jget 'len(v["sha256"])')"

# 4. reviews are appended and read back; the latest is the status
"$W" review decide "$id" unsure --db "$DB" --reviewer ani -q
"$W" review decide "$id" scam --db "$DB" --reviewer budi --note "nomor sama" -q
show=$("$W" review show "$id" --db "$DB" --json)
check "reviews" "unsure/ani scam/budi" "$(echo "$show" | jget '" ".join(r["decision"]+"/"+r["reviewer"] for r in v["reviews"])')"
check "status" scam "$(echo "$show" | jget 'v["status"]')"
check "note" "nomor sama" "$(echo "$show" | jget 'v["reviews"][1]["note"]')"
n=$("$W" flagged --db "$DB" --json --status scam | jget 'len(v)')
check "filter by status" 1 "$n"
"$W" review show "$id" --db "$DB" | grep -q '\[\[KAMBOJA\]\]' || { echo "FAIL: marked text"; fail=1; }
# per-rule outcomes of the reviews: E2E-0001 matched 3 stored posts, one
# confirmed scam; precision among reviewed posts 1.0
st=$("$W" rules stats --db "$DB" --json)
check "rule stats posts" 3 "$(echo "$st" | jget '[r["posts"] for r in v if r["rule"]=="E2E-0001"][0]')"
check "rule stats scam" 1 "$(echo "$st" | jget '[r["scam"] for r in v if r["rule"]=="E2E-0001"][0]')"
check "rule stats pending" 2 "$(echo "$st" | jget '[r["pending"] for r in v if r["rule"]=="E2E-0001"][0]')"
check "rule stats precision" 1.0 "$(echo "$st" | jget '[r["precision"] for r in v if r["rule"]=="E2E-0001"][0]')"
"$W" review decide "$id" maybe --db "$DB" 2>/dev/null
check "bad decision exit" 2 $?
"$W" review decide 9999 scam --db "$DB" 2>/dev/null
check "unknown post exit" 2 $?

# 5. hostile lines are counted with line numbers; the run goes on
python3 - "$tmp/hostile.jsonl" <<'PY'
import sys
with open(sys.argv[1], "wb") as f:
    f.write(b'{"text":"kerja ke kamboja tanpa biaya"}\n')            # 1 ok
    f.write(b'{"text":"' + b"x" * (10 << 20) + b'"}\n')              # 2 10 MB
    f.write(b"[" * 100000 + b"\n")                                   # 3 nesting
    f.write(b'{"text":"nul \x00 byte"}\n')                           # 4 NUL
    f.write(b'{"text":"bad \xff\xfe utf8"}\n')                       # 5 UTF-8
    f.write(b'{"id":"x"}\n')                                         # 6 no text
    f.write(b'{"text":42}\n')                                        # 7 type
    f.write(b'{"text":"escaped \\u0000 nul"}\n')                     # 8 \u0000
    f.write(b'{"text":"lone \\ud800 surrogate"}\n')                  # 9 surrogate
    f.write(b'not json at all\n')                                    # 10
    f.write(b'\n')                                                   # blank
    f.write(b'{"text":"luar negeri tanpa biaya wa 081234567899"}')   # 12 ok, no EOL
PY
out=$("$W" ingest $OPTS --json --errors "$tmp/errors.txt" "$tmp/hostile.jsonl" 2>"$tmp/stderr")
check "hostile exit" 0 $?
check "hostile scanned" 2 "$(echo "$out" | jget 'v["scanned"]')"
check "hostile errors" 9 "$(echo "$out" | jget 'v["errors"]')"
check "error lines" "2 3 4 5 6 7 8 9 10" "$(sed 's/^[^:]*:\([0-9]*\):.*/\1/' "$tmp/errors.txt" | sort -n | tr '\n' ' ' | sed 's/ $//')"
grep -q "hostile.jsonl:5: invalid UTF-8" "$tmp/errors.txt" || { echo "FAIL: utf8 message"; cat "$tmp/errors.txt"; fail=1; }

# 6. usage and input errors: one line, exit 2
"$W" ingest $OPTS "$tmp/missing.jsonl" 2>"$tmp/err"
check "missing file exit" 2 $?
check "missing file lines" 1 "$(wc -l <"$tmp/err")"
printf 'just some notes, not posts\n' >"$tmp/notes.txt"
"$W" ingest $OPTS "$tmp/notes.txt" 2>"$tmp/err"
check "unsupported format exit" 2 $?
check "unsupported format lines" 1 "$(wc -l <"$tmp/err")"
"$W" ingest $OPTS --jobs 0 "$F/a.jsonl" 2>/dev/null
check "bad --jobs" 2 $?
"$W" ingest $OPTS 2>/dev/null
check "no input" 2 $?
"$W" flagged --db "$DB" --level severe 2>/dev/null
check "bad level" 2 $?

# 7. stdin works, and a database that cannot grow fails cleanly (exit 1),
#    keeping what was committed
python3 tests/bench/gen_corpus.py --size-mb 3 --seed 7 --scam-rate 0.5 \
  -o "$tmp/big.jsonl" 2>/dev/null
( trap '' XFSZ; ulimit -f 600; "$W" ingest $OPTS --batch 50 - <"$tmp/big.jsonl" >"$tmp/out" 2>"$tmp/err" )
check "full disk exit" 1 $?
grep -q "w.db: commit" "$tmp/err" || { echo "FAIL: full disk message"; cat "$tmp/err"; fail=1; }
python3 - "$DB" <<'PY' || fail=1
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
ok = db.execute("PRAGMA integrity_check").fetchone()[0]
if ok != "ok":
    print("FAIL: integrity", ok); sys.exit(1)
PY
out=$("$W" ingest $OPTS --json - <"$tmp/big.jsonl")
check "after full disk exit" 0 $?
n=$("$W" flagged --db "$DB" --json --limit 100000 | jget 'len(v)')
[ "$n" -gt 100 ] || { echo "FAIL: big ingest stored only $n"; fail=1; }

# 8. SIGINT while reading stdin: stop reading, store what was read, print
#    the summary so far, exit 130
mkfifo "$tmp/fifo"
DB2="$tmp/sig.db"
"$W" ingest --db "$DB2" --rules $F/rules.yaml --model none --gazetteer none \
  --cache-dir "$tmp/cache" - <"$tmp/fifo" >"$tmp/sig.out" 2>"$tmp/sig.err" &
pid=$!
exec 3>"$tmp/fifo"
cat "$F/a.jsonl" >&3
i=0
until [ "$(python3 -c 'import sqlite3,sys
try: print(sqlite3.connect(sys.argv[1]).execute("select count(*) from seen").fetchone()[0])
except Exception: print(0)' "$DB2")" = 6 ] || [ $i -ge 100 ]; do
  sleep 0.1; i=$((i + 1))
done
kill -INT $pid
wait $pid
check "SIGINT exit" 130 $?
exec 3>&-
check "SIGINT summary" "scanned 6, flagged 3, duplicates 0, errors 0" "$(cat "$tmp/sig.out")"
grep -q "interrupted" "$tmp/sig.err" || { echo "FAIL: SIGINT message"; fail=1; }
n=$("$W" flagged --db "$DB2" --json | jget 'len(v)')
check "SIGINT stored" 3 "$n"

# 9. a database the user may not write: clear error, exit 1, data intact
#    (as root, run the ingest as an unprivileged user)
#    (skipped when that user cannot run the binary, e.g. a build under /root)
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 &&
  setpriv --reuid=65534 --regid=65534 --clear-groups "$W" --version \
    >/dev/null 2>&1; then
  RO="$tmp/ro"
  mkdir -p "$RO" && cp "$DB2" "$RO/r.db" && chmod 755 "$tmp" "$RO" && chmod 444 "$RO/r.db"
  chmod -R a+rX "$tmp/cache" 2>/dev/null
  setpriv --reuid=65534 --regid=65534 --clear-groups "$W" ingest --db "$RO/r.db" \
    --rules $F/rules.yaml --model none --gazetteer none --no-cache \
    "$F/b.jsonl" >/dev/null 2>"$tmp/ro.err"
  code=$?
  [ $code -eq 1 ] || [ $code -eq 2 ] || { echo "FAIL: read-only exit $code"; fail=1; }
  check "read-only message lines" 1 "$(wc -l <"$tmp/ro.err")"
  grep -q "r.db" "$tmp/ro.err" || { echo "FAIL: read-only message"; cat "$tmp/ro.err"; fail=1; }
  n=$("$W" flagged --db "$DB2" --json | jget 'len(v)')
  check "read-only data intact" 3 "$n"
fi

[ $fail -eq 0 ] && echo "ingest: ok"
exit $fail
