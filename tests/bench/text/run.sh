#!/bin/sh
# run.sh BENCH_BINARY WORKDIR SIZE_MB: generate the plain and social corpora
# (one post per line, fixed seeds) and run the text benchmark on them.
set -eu
bin=$1 work=$2 mb=$3
mkdir -p "$work"
for style in plain social; do
  f="$work/$style-$mb.txt"
  [ -s "$f" ] || python3 tests/bench/gen_corpus.py --size-mb "$mb" --seed 7 \
    --style "$style" --format text -o "$f"
done
exec "$bin" --gazetteer rules/gazetteer.tsv "$work/plain-$mb.txt" \
  "$work/social-$mb.txt"
