#!/bin/sh
# End-to-end: reviewers' decisions feed the Bayes model.
# `waspada train --from-reviews` adds the latest decision of every reviewed
# post (scam / not_scam; unsure left out) to the training data, so the
# model's counts change by exactly those posts.
# Usage: train_reviews.sh PATH/TO/waspada
set -u
W=$1
F=tests/fixtures/ingest
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
DB="$tmp/w.db"
check() {
  if [ "$2" != "$3" ]; then echo "FAIL: $1: expected '$2', got '$3'"; fail=1; fi
}
jget() {
  python3 -c 'import json,sys; v=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

"$W" ingest --db "$DB" --rules "$F/rules.yaml" --model none --gazetteer none \
  --cache-dir "$tmp/cache" -q "$F/a.jsonl" >/dev/null
ids=$("$W" flagged --db "$DB" --json | jget '" ".join(str(p["id"]) for p in sorted(v, key=lambda p: p["id"]))')
set -- $ids
check "flagged posts" 3 $#
"$W" review decide "$1" not_scam --db "$DB" -q   # overruled below
"$W" review decide "$1" scam --db "$DB" -q
"$W" review decide "$2" not_scam --db "$DB" -q
"$W" review decide "$3" unsure --db "$DB" -q     # left out

base=$("$W" train --json --out "$tmp/base.model" --gazetteer none --scam-values scam "$F/labelled.jsonl")
check "base exit" 0 $?
more=$("$W" train --json --db "$DB" --from-reviews --out "$tmp/more.model" \
  --gazetteer none --scam-values scam "$F/labelled.jsonl" 2>/dev/null)
check "from-reviews exit" 0 $?
check "base posts" 12 "$(echo "$base" | jget 'v["posts"]')"
check "posts added" 14 "$(echo "$more" | jget 'v["posts"]')"
check "scam added" 7 "$(echo "$more" | jget 'v["scam"]')"
[ "$(echo "$more" | jget 'v["vocab"]')" -gt "$(echo "$base" | jget 'v["vocab"]')" ] ||
  { echo "FAIL: vocabulary did not grow"; fail=1; }
# reviews alone are enough when there are both classes
only=$("$W" train --json --db "$DB" --from-reviews --out "$tmp/only.model" \
  --gazetteer none 2>/dev/null)
check "reviews only" 2 "$(echo "$only" | jget 'v["posts"]')"
"$W" train --out "$tmp/x.model" 2>/dev/null
check "no data exit" 2 $?

[ $fail -eq 0 ] && echo "train_reviews: ok"
exit $fail
