#!/bin/sh
# run.sh BENCH_BINARY WORKDIR SIZE_MB: generate the corpus and rule sets
# (fixed seeds; reused when present) and run the rule-engine benchmark.
set -eu
bin=$1 work=$2 mb=${3:-20}
mkdir -p "$work"
corpus=$work/corpus-$mb.txt
[ -s "$corpus" ] || python3 tests/bench/gen_corpus.py --size-mb "$mb" \
  --seed 1 --style plain --format text -o "$corpus"
[ -s "$work/r300/bench.yaml" ] || python3 tests/bench/match/gen_rules.py \
  --rules 100 --seed 1 -o "$work/r300"
[ -s "$work/r3000/bench.yaml" ] || python3 tests/bench/match/gen_rules.py \
  --rules 1000 --seed 2 -o "$work/r3000"
echo "== generated rule set (100 rules, 300 patterns)"
"$bin" "$work/r300/bench.yaml" "$work/r300/patterns.txt" "$corpus" \
  "$work/r3000/bench.yaml" "$work/cache"
if [ -d rules ]; then
  echo "== the rule packs in rules/"
  "$bin" rules - "$corpus" "$work/r3000/bench.yaml" "$work/cache"
fi
