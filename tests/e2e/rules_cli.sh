#!/bin/sh
# e2e: `waspada rules check|test` on the starter fixture pack and a broken
# pack: exit codes, file:line:col diagnostics, tiers, JSON, cache use.
set -u
bin=$1
fix=tests/fixtures/rules
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export WSP_CACHE_DIR="$tmp/cache"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin" rules check "$fix/starter" >"$tmp/out" 2>"$tmp/err" ||
  fail "starter pack: rc $? $(cat "$tmp/err")"
grep -q "tests: 19 passed, 0 failed" "$tmp/out" || fail "summary: $(cat "$tmp/out")"
grep -q "T-ID-0005.repeated: prefilter" "$tmp/out" || fail "prefilter tier"
grep -q "T-EN-0003.age: pcre_only" "$tmp/out" || fail "pcre_only tier"
ls "$tmp/cache"/*.hsdb >/dev/null 2>&1 || fail "no cache file written"
"$bin" rules check "$fix/starter" >"$tmp/out" 2>/dev/null || fail "second run"
grep -q "(cache hit)" "$tmp/out" || fail "no cache hit: $(cat "$tmp/out")"

"$bin" rules check "$fix/bad" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] || fail "broken pack must exit 1"
grep -q "^$fix/bad/broken.yaml:6:5: error: unknown key 'titel' in rule (did you mean 'title'?)" \
  "$tmp/err" || fail "diagnostic: $(cat "$tmp/err")"
grep -q "broken.yaml:13:22: error: condition names undefined pattern 'b'" \
  "$tmp/err" || fail "condition diagnostic"

"$bin" rules check --json "$fix/bad" >"$tmp/out" 2>/dev/null
grep -q '"ok":false' "$tmp/out" || fail "json ok"
grep -q '"line":6,"col":5,"severity":"error"' "$tmp/out" || fail "json diag"

"$bin" rules check "$tmp/nonexistent" >/dev/null 2>&1
[ $? -eq 1 ] || fail "missing path must fail"

cat >"$tmp/c.jsonl" <<'JSONL'
{"text":"Lowongan kerja ke Malaysia tanpa biaya! hubungi WA 081234567890","label":"scam"}
{"text":"Hati-hati modus lowongan kerja ke Kamboja!","label":0}
not json
JSONL
"$bin" rules test --json --rules "$fix/starter" "$tmp/c.jsonl" >"$tmp/out" ||
  fail "rules test rc $?"
grep -q '"posts":2,"errors":1,"positives":1,"negatives":1' "$tmp/out" ||
  fail "rules test json: $(cat "$tmp/out")"
grep -q '{"id":"T-ID-0001","hits":1,"tp":1,"fp":0,"precision":1.0000' \
  "$tmp/out" || fail "per-rule precision"
echo ok
