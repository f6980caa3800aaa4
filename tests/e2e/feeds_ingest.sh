#!/bin/sh
# End-to-end: waspada ingest of feed documents (RSS in ISO-8859-1, Atom,
# JSON Feed; tests/fixtures/feeds/e2e): what is stored (ids, sources, URLs,
# dates, text from HTML with hrefs, decoded characters), idempotent re-runs,
# --format, standard input, and inputs that are not feeds.
# Usage: feeds_ingest.sh PATH/TO/waspada
set -u
W=$1
F=tests/fixtures/feeds/e2e
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
DB="$tmp/w.db"
RULES="--rules tests/fixtures/ingest/rules.yaml --model none --gazetteer none --cache-dir $tmp/cache"
OPTS="--db $DB $RULES"

check() { # check DESCRIPTION EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then echo "FAIL: $1: expected '$2', got '$3'"; fail=1; fi
}
jget() { # jget EXPR < json
  python3 -c 'import json,sys; v=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

# 1. three feeds, 7 items: r1, r3, a1, j1 flagged; a2 is news (negative)
out=$("$W" ingest $OPTS --json "$F/feed.rss" "$F/feed.atom" "$F/feed.json")
check "exit" 0 $?
check "scanned" 7 "$(echo "$out" | jget 'v["scanned"]')"
check "flagged" 4 "$(echo "$out" | jget 'v["flagged"]')"
check "errors" 0 "$(echo "$out" | jget 'v["errors"]')"

rows=$("$W" flagged --db "$DB" --json)
row() { # row SOURCE_ID EXPR
  printf '%s\n' "$rows" | python3 -c 'import json,sys; v=[p for p in json.load(sys.stdin) if p["source_id"]==sys.argv[1]]; p=v[0] if v else {}; print(eval(sys.argv[2]))' "$1" "$2"
}
check "ids" "https://rss.example.com/r3 j1 r1 urn:e2e:a1" \
  "$(printf '%s\n' "$rows" | jget '" ".join(sorted(p["source_id"] for p in v))')"
# RSS: guid id, file source, WIB date, ISO-8859-1 decoded, title + body
check "rss source" "file:feed.rss" "$(row r1 'p["source"]')"
check "rss url" "https://rss.example.com/r1" "$(row r1 'p["url"]')"
check "rss published" "2026-11-23T02:00:00Z" "$(row r1 'p["published"]')"
check "rss latin-1" "True" "$(row r1 '"café gratis" in p["text"]')"
check "rss title first" "True" "$(row r1 'p["text"].startswith("Loker Kamboja tanpa biaya\n\n")')"
# RSS without guid: the link is the id; HTML became text, the href is kept
check "rss html to text" "True" "$(row https://rss.example.com/r3 '"Tanpa biaya! Minat?" in p["text"] and "<b>" not in p["text"]')"
check "rss href kept" "True" "$(row https://rss.example.com/r3 '"https://wa.me/6281234567802" in p["text"]')"
# Atom: entry id, alternate link, published with offset, author, html title
check "atom source" "file:feed.atom" "$(row urn:e2e:a1 'p["source"]')"
check "atom url" "https://atom.example.com/a1" "$(row urn:e2e:a1 'p["url"]')"
check "atom published" "2026-11-22T03:00:00Z" "$(row urn:e2e:a1 'p["published"]')"
check "atom author" "agen" "$(row urn:e2e:a1 'p["author"]')"
check "atom title" "Luar negeri tanpa biaya" "$(row urn:e2e:a1 'p["title"]')"
# JSON Feed
check "json source" "file:feed.json" "$(row j1 'p["source"]')"
check "json url" "https://json.example.com/j1" "$(row j1 'p["url"]')"
check "json published" "2026-11-20T08:00:00Z" "$(row j1 'p["published"]')"

# 2. the same feeds again store nothing new
out=$("$W" ingest $OPTS "$F/feed.rss" "$F/feed.atom" "$F/feed.json")
check "re-run" "scanned 7, flagged 0, duplicates 7, errors 0" "$out"
check "still 4 posts" 4 "$("$W" flagged --db "$DB" --json | jget 'len(v)')"

# 3. --format names the format; standard input is sniffed ('<' is a feed)
out=$("$W" ingest --db "$tmp/s.db" $RULES --json --source tg:stdin - < "$F/feed.rss")
check "stdin exit" 0 $?
check "stdin flagged" 2 "$(echo "$out" | jget 'v["flagged"]')"
check "stdin source" "tg:stdin" "$("$W" flagged --db "$tmp/s.db" --json | jget 'v[0]["source"]')"
out=$("$W" ingest --db "$tmp/f.db" $RULES --json --format jsonfeed - < "$F/feed.json")
check "stdin jsonfeed" 1 "$(echo "$out" | jget 'v["flagged"]')"
out=$("$W" ingest --db "$tmp/f.db" $RULES --json --format atom "$F/feed.atom")
check "--format atom" 2 "$(echo "$out" | jget 'v["scanned"]')"

# the other formats are sniffed too (Mastodon, Bluesky array, Reddit, JSON-LD)
X=tests/fixtures/feeds
out=$("$W" ingest --db "$tmp/o.db" $RULES --json "$X/waspada/mastodon_timeline.json" \
  "$X/atproto/derived/author-feed.test.ts.snap__export1.feed.json" \
  "$X/waspada/reddit_listing.json" "$X/waspada/jobposting.html")
check "other formats scanned" 11 "$(echo "$out" | jget 'v["scanned"]')"
check "other formats errors" 0 "$(echo "$out" | jget 'v["errors"]')"

# 4. not a feed: refused before anything is read (exit 2, file named)
printf 'just text\n' > "$tmp/notes.txt"
err=$("$W" ingest $OPTS "$tmp/notes.txt" 2>&1 >/dev/null)
check "not a feed exit" 2 $?
case "$err" in *notes.txt*) ;; *) echo "FAIL: message names the file: $err"; fail=1 ;; esac
"$W" ingest $OPTS --format gopher "$F/feed.rss" >/dev/null 2>&1
check "unknown format exit" 2 $?
# a broken document is one error; the other inputs are still read
printf '{"version": "https://jsonfeed.org/version/1", "items": [' > "$tmp/broken.json"
out=$("$W" ingest --db "$tmp/b.db" $RULES --json -q --format jsonfeed "$tmp/broken.json" "$F/feed.json" 2>/dev/null)
check "broken counted" 1 "$(echo "$out" | jget 'v["errors"]')"
check "next input read" 2 "$(echo "$out" | jget 'v["scanned"]')"
# a truncated XML feed is read in recovery mode (the first two items)
head -c 600 "$F/feed.rss" > "$tmp/cut.rss"
out=$("$W" ingest --db "$tmp/c.db" $RULES --json "$tmp/cut.rss" 2>"$tmp/log")
check "truncated exit" 0 $?
check "truncated scanned" 2 "$(echo "$out" | jget 'v["scanned"]')"
grep -q "recovery mode" "$tmp/log" || { echo "FAIL: no recovery warning"; fail=1; }

exit $fail
