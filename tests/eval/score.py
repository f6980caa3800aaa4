#!/usr/bin/env python3
"""Score waspada on a labelled evaluation set.

Usage:
    WASPADA=build/release/scanner/waspada python3 tests/eval/score.py \
        tests/eval/posts.jsonl [--min-recall 0.90] [--max-fpr 0.10] [-v]

For every post (one JSON object per line with "text", "label" = "scam"|"ok"
and "category") runs `$WASPADA [$WASPADA_ARGS] check --json -` with the text
on stdin, reads "flagged" (and "score") from the JSON verdict, and prints
recall (scam posts flagged) and false-positive rate (ok posts flagged),
overall and per category, then the misses and false positives with their
scores. Exit status: 0 when recall >= min-recall and FPR <= max-fpr, 1 when
below the thresholds, 2 on usage or runtime errors.

WASPADA_ARGS (optional) is split like a shell command line and inserted
before `check`, e.g. WASPADA_ARGS="--config my.conf".
CHECK_ARGS (optional) is inserted after `check`, e.g. CHECK_ARGS="--model none".
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
from collections import OrderedDict


def run_check(exe, pre, post, text):
    cmd = [exe] + pre + ["check", "--json"] + post + ["-"]
    p = subprocess.run(cmd, input=text.encode("utf-8"), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if p.returncode not in (0, 1):
        raise RuntimeError("%s exited %d: %s" % (" ".join(cmd), p.returncode,
                                                 p.stderr.decode(errors="replace").strip()))
    return json.loads(p.stdout.decode("utf-8"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--min-recall", type=float, default=0.90)
    ap.add_argument("--max-fpr", type=float, default=0.10)
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print every post's score")
    a = ap.parse_args()
    exe = os.environ.get("WASPADA")
    if not exe:
        print("score.py: set WASPADA to the waspada binary", file=sys.stderr)
        return 2
    pre = shlex.split(os.environ.get("WASPADA_ARGS", ""))
    post = shlex.split(os.environ.get("CHECK_ARGS", ""))

    per = OrderedDict()  # (label, category) -> [n, flagged]
    wrong = []
    try:
        with open(a.corpus, encoding="utf-8") as f:
            for ln, line in enumerate(f, 1):
                if not line.strip():
                    continue
                post_ = json.loads(line)
                label = post_.get("label")
                if label not in ("scam", "ok"):
                    print("%s:%d: label must be scam or ok" % (a.corpus, ln),
                          file=sys.stderr)
                    return 2
                v = run_check(exe, pre, post, post_["text"])
                flagged = bool(v.get("flagged"))
                key = (label, post_.get("category", "?"))
                st = per.setdefault(key, [0, 0])
                st[0] += 1
                st[1] += flagged
                bad = flagged != (label == "scam")
                if bad or a.verbose:
                    rules = ",".join("%s(%g)" % (r.get("id"), r.get("score", 0))
                                     for r in v.get("rules", []))
                    line_out = "%-4s %-6s %-22s score %6.2f  %s  | %s" % (
                        "MISS" if bad and label == "scam" else
                        ("FP" if bad else "ok"), post_.get("id", ln), key[1],
                        v.get("score") or 0.0, rules,
                        post_["text"].replace("\n", " ")[:100])
                    if bad:
                        wrong.append(line_out)
                    elif a.verbose:
                        print(line_out)
    except (OSError, ValueError, RuntimeError) as e:
        print("score.py: %s" % e, file=sys.stderr)
        return 2

    def tot(label):
        n = sum(v[0] for k, v in per.items() if k[0] == label)
        fl = sum(v[1] for k, v in per.items() if k[0] == label)
        return n, fl

    print("per category (label, category: flagged / posts):")
    for (label, cat), (n, fl) in sorted(per.items()):
        what = "recall" if label == "scam" else "FPR"
        print("  %-4s %-22s %3d / %-3d  %s %.3f" % (label, cat, fl, n, what,
                                                  fl / n if n else 0.0))
    P, tp = tot("scam")
    N, fp = tot("ok")
    recall = tp / P if P else 0.0
    fpr = fp / N if N else 0.0
    for w in wrong:
        print(w)
    print("recall %.3f (%d/%d)  false-positive rate %.3f (%d/%d)  "
          "[thresholds: recall >= %.2f, FPR <= %.2f]"
          % (recall, tp, P, fpr, fp, N, a.min_recall, a.max_fpr))
    ok = recall >= a.min_recall and fpr <= a.max_fpr
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
