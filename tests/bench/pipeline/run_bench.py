#!/usr/bin/env python3
"""run_bench.py: the pipeline benchmark of issue 7, in one run on one machine.

1. generates corpora with tests/bench/gen_corpus.py (fixed seed; cached in
   --work): SMALL MB (default 100) and LARGE MB (default 1000);
2. bench_scan on the small corpus: per-stage MB/s on one thread (cJSON post
   parsing, raw Hyperscan over the rule set's patterns, normalise, entities,
   match, Bayes, the whole scan path);
3. `waspada ingest` end to end (JSONL -> scan -> SQLite) on the small corpus
   with --jobs 1 and --jobs 2 (fresh database each), wall time and peak RSS;
4. `waspada ingest --jobs 2` on the large corpus for peak RSS.
Figures are printed as ratios against baselines measured in the same run.
"""
import argparse
import json
import os
import subprocess
import sys
import time


def gen(work, mb, seed):
    path = os.path.join(work, "corpus-%dmb-s%d.jsonl" % (mb, seed))
    if not os.path.exists(path):
        subprocess.run([sys.executable, "tests/bench/gen_corpus.py",
                        "--size-mb", str(mb), "--seed", str(seed),
                        "--style", "social", "-o", path], check=True)
    return path


def timed(cmd):
    """Run cmd; return (wall seconds, peak RSS MB, stdout)."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), err.decode()[-2000:]))
    return wall, ru.ru_maxrss / 1024.0, out.decode()


def ingest(args, corpus, jobs, tag):
    db = os.path.join(args.work, "bench-%s.db" % tag)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    cmd = [args.waspada, "ingest", "--db", db, "--jobs", str(jobs), "--json",
           "--rules", args.rules, "--model", args.model,
           "--gazetteer", args.gazetteer, "-q", corpus]
    wall, rss, out = timed(cmd)
    return wall, rss, json.loads(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--waspada", required=True)
    ap.add_argument("--bench-scan", required=True)
    ap.add_argument("--work", default="build/bench-work")
    ap.add_argument("--small-mb", type=int, default=100)
    ap.add_argument("--large-mb", type=int, default=1000)
    ap.add_argument("--rules", default="rules")
    ap.add_argument("--model", default="models/default.model")
    ap.add_argument("--gazetteer", default="rules/gazetteer.tsv")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)

    small = gen(a.work, a.small_mb, 1)
    size = os.path.getsize(small) / 1e6
    _, _, out = timed([a.bench_scan, small, a.rules, a.model, a.gazetteer, "2"])
    st = json.loads(out)
    text_mb = st["text_mb"]
    hs = st["hs_raw"]["mb_s"]
    print("corpus: %s, %d posts, %.1f MB JSONL, %.1f MB text, %d patterns "
          "(%d in Hyperscan)" % (small, st["posts"], st["jsonl_mb"], text_mb,
                                 st["patterns"], st["hs_patterns"]))
    print("\nper stage, one thread (MB/s of post text; json: of JSONL):")
    for k in ("json", "hs_raw", "normalize", "entities", "match", "bayes",
              "scan"):
        if k in st:
            print("  %-10s %8.1f MB/s %9.0f posts/s   %5.2fx raw Hyperscan"
                  % (k, st[k]["mb_s"], st[k]["posts_s"], st[k]["mb_s"] / hs))

    results = {}
    for jobs in (1, 2):
        wall, rss, summary = ingest(a, small, jobs, "j%d" % jobs)
        results[jobs] = (wall, rss, summary)
        print("\ningest --jobs %d: %.1f s, %.0f posts/s, %.1f MB/s text "
              "(%.1f MB/s JSONL), peak RSS %.0f MB; %s"
              % (jobs, wall, summary["scanned"] / wall, text_mb / wall,
                 size / wall, rss, json.dumps(summary)))
    j1 = text_mb / results[1][0]
    j2 = text_mb / results[2][0]
    print("\nratios (same run):")
    print("  scan path / raw Hyperscan      %.2f  (goal >= 0.40)"
          % (st["scan"]["mb_s"] / hs))
    print("  ingest 1 job / raw Hyperscan   %.2f  (goal >= 0.35)" % (j1 / hs))
    print("  ingest 2 jobs / 1 job          %.2f  (goal >= 1.7)" % (j2 / j1))
    print("  ingest 1 job / cJSON parsing   %.2f" % (
        (size / results[1][0]) / st["json"]["mb_s"]))
    if a.large_mb > 0:
        large = gen(a.work, a.large_mb, 2)
        wall, rss, summary = ingest(a, large, 2, "large")
        print("\npeak RSS: %.0f MB at %d MB input, %.0f MB at %d MB input "
              "(ingest --jobs 2; %.1f s for the large one)"
              % (results[2][1], a.small_mb, rss, a.large_mb, wall))


if __name__ == "__main__":
    main()
