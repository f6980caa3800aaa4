#!/usr/bin/env python3
"""bench_bayes.py: waspada's naive Bayes scorer against scikit-learn on the
same train/test splits, plus speed.

For each labelled data set in ../shared/data (see its SOURCES.md):
  * waspada: `waspada eval TRAIN --test TEST --json` (fit on train, with the
    shipped model's default settings, report on test);
  * scikit-learn: MultinomialNB on word 1-2-gram counts and on TF-IDF, and
    a linear SVM on character 2-5-gram TF-IDF, fitted on the same train split.
Scam-class precision / recall / F1, accuracy and ROC-AUC side by side.
Then: training speed (`waspada train` on all train splits, as for the shipped
model), scoring throughput against raw Hyperscan (bench_bayes binary on a
generated corpus) and tokenise + score throughput in CPU time (bench_bayes
--tokscore).

Exit status 1 if waspada's F1 is below MultinomialNB's (counts) on any data
set, so `ctest -L bench` notices a regression. scikit-learn is a bench tool
only (scripts/setup --bench), never a dependency of waspada.

  bench_bayes.py --waspada BIN --bench-bin BIN --source REPO --data DIR
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

DATASETS = [
    # name, train, test, reader, waspada spec suffix
    ("sms_spam_id (fraud vs normal+promo)", "sms_spam_id/train.csv",
     "sms_spam_id/test.csv", "id", "::text=Teks,label=Label,scam=1"),
    ("sms_spam_uci (spam vs ham)", "sms_spam_uci/train.tsv",
     "sms_spam_uci/test.tsv", "uci", "::text=SMS,label=Label,scam=spam"),
]


def load(path, kind):
    xs, ys = [], []
    if kind == "id":
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                xs.append(row["Teks"])
                ys.append(1 if row["Label"].strip() == "1" else 0)
    else:
        with open(path, encoding="utf-8") as f:
            next(f)
            for line in f:
                label, text = line.rstrip("\n").split("\t", 1)
                xs.append(text)
                ys.append(1 if label == "spam" else 0)
    return xs, ys


def sklearn_rows(xtr, ytr, xte, yte):
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.metrics import (accuracy_score, f1_score, precision_score,
                                 recall_score, roc_auc_score)
    from sklearn.naive_bayes import MultinomialNB
    from sklearn.svm import LinearSVC

    models = [
        ("sklearn MultinomialNB, word 1-2 counts",
         CountVectorizer(ngram_range=(1, 2)), MultinomialNB()),
        ("sklearn MultinomialNB, word 1-2 TF-IDF",
         TfidfVectorizer(ngram_range=(1, 2)), MultinomialNB(alpha=0.1)),
        ("sklearn LinearSVC, char 2-5 TF-IDF",
         TfidfVectorizer(analyzer="char", ngram_range=(2, 5),
                         sublinear_tf=True), LinearSVC(C=1.0)),
    ]
    rows = []
    for name, vec, clf in models:
        t0 = time.perf_counter()
        a = vec.fit_transform(xtr)
        clf.fit(a, ytr)
        fit_s = time.perf_counter() - t0
        b = vec.transform(xte)
        pred = clf.predict(b)
        score = (clf.predict_proba(b)[:, 1] if hasattr(clf, "predict_proba")
                 else clf.decision_function(b))
        rows.append((name, precision_score(yte, pred), recall_score(yte, pred),
                     f1_score(yte, pred), accuracy_score(yte, pred),
                     roc_auc_score(yte, score), fit_s))
    return rows


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("bench_bayes: %s failed: %s" % (" ".join(cmd), r.stderr))
    return r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--waspada", required=True)
    ap.add_argument("--bench-bin", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--corpus-mb", type=float, default=20)
    args = ap.parse_args()
    if not os.path.isdir(args.data):
        print("bench_bayes: SKIP, no labelled data at %s" % args.data)
        return 0
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("bench_bayes: SKIP, scikit-learn missing (scripts/setup --bench)")
        return 0

    worse = []
    fmt = "  %-42s %6.4f %6.4f %6.4f %6.4f %6.4f %7.2fs"
    for name, tr, te, kind, spec in DATASETS:
        trp, tep = os.path.join(args.data, tr), os.path.join(args.data, te)
        xtr, ytr = load(trp, kind)
        xte, yte = load(tep, kind)
        print("\n%s: train %d (%d scam), test %d (%d scam)" %
              (name, len(ytr), sum(ytr), len(yte), sum(yte)))
        print("  %-42s %6s %6s %6s %6s %6s %8s" %
              ("model", "prec", "recall", "F1", "acc", "AUC", "time"))
        t0 = time.perf_counter()
        w = json.loads(run([args.waspada, "eval", "--json", trp + spec,
                            "--test", tep + spec]))
        wt = time.perf_counter() - t0
        print(fmt % ("waspada naive Bayes (default settings)", w["precision"],
                     w["recall"], w["f1"], w["accuracy"], w["auc"], wt))
        rows = sklearn_rows(xtr, ytr, xte, yte)
        for r in rows:
            print(fmt % r)
        mnb = rows[0][3]
        print("  waspada F1 - MultinomialNB F1 = %+.4f; - best sklearn = %+.4f"
              % (w["f1"] - mnb, w["f1"] - max(r[3] for r in rows)))
        if w["f1"] < mnb:
            worse.append(name)

    # training speed: the shipped model's command
    with tempfile.TemporaryDirectory() as tmp:
        model = os.path.join(tmp, "bench.model")
        specs = [os.path.join(args.data, tr) + spec
                 for _, tr, _, _, spec in DATASETS]
        specs.append(os.path.join(args.source, "models/data/"
                                  "recruitment_train.jsonl::scam=scam"))
        tr = json.loads(run([args.waspada, "train", "--json", "--out", model]
                            + specs))
        total = tr["read_seconds"] + tr["fit_seconds"]
        print("\ntraining: %d posts in %.2fs = %.0f posts/s (featurise %.2fs, "
              "fit with calibration %.2fs), %d tokens, model %.1f MB" %
              (tr["posts"], total, tr["posts"] / total, tr["read_seconds"],
               tr["fit_seconds"], tr["vocab"],
               os.path.getsize(model) / 1e6))
        corpus = os.path.join(tmp, "corpus.txt")
        run([sys.executable, os.path.join(args.source, "tests/bench/gen_corpus.py"),
             "--size-mb", str(args.corpus_mb), "--format", "text", "-o", corpus])
        gaz = os.path.join(args.source, "rules/gazetteer.tsv")
        cmd = [args.bench_bin, model, corpus]
        if os.path.exists(gaz):
            cmd.append(gaz)
        print("\nscoring (one thread, %.0f MB generated corpus):" % args.corpus_mb)
        for line in run(cmd).splitlines():
            print("  " + line)
        print("\ntokenise + score only, CPU time (bench_bayes --tokscore):")
        tokscore = [args.bench_bin, "--tokscore"] + cmd[1:]
        if len(cmd) > 3:
            tokscore.append("1")  # one round
        for line in run(tokscore).splitlines():
            print("  " + line)
    if worse:
        print("\nbench_bayes: waspada below MultinomialNB on: " + ", ".join(worse))
        return 1
    print("\nbench_bayes: waspada beats MultinomialNB on every data set")
    return 0


if __name__ == "__main__":
    sys.exit(main())
