#!/usr/bin/env python3
"""gen_rules.py: deterministic synthetic rule pack for the rule-engine
benchmark: N rules of 3 patterns each (about 70% `words:` lists of 3-6
phrases, 30% regexes in the style of real packs), Indonesian and English
vocabulary, conditions mixing and/or/not/N-of. Every pattern is one that
Hyperscan, PCRE2 and ripgrep's default engine all accept, so the same
pattern list can be fed to `rg -f`.

  python3 tests/bench/match/gen_rules.py --rules 100 --seed 1 -o DIR
writes DIR/bench.yaml and DIR/patterns.txt (one PCRE2 expression a line).
"""
import argparse
import os
import random

WORDS = """kerja luar negeri malaysia kamboja taiwan hongkong jepang korea arab
saudi dubai myanmar laos thailand singapura brunei gaji tinggi juta bulan
tanpa biaya gratis potongan paspor visa berangkat cepat langsung proses
hubungi whatsapp telegram admin agen sponsor pt resmi lowongan dibutuhkan
segera pengalaman ijazah usia tahun wanita pria lulusan sma smk smp
pabrik restoran perkebunan kapal nelayan abk pelaut asisten rumah tangga
perawat lansia sopir operator packing buruh bangunan tukang las
bonus lembur makan mess asrama tiket pesawat medical kontrak
transfer deposit admin fee jaminan uang muka daftar sekarang terbatas
online part time freelance tugas like video rating produk komisi
hiring urgent overseas job abroad salary high no experience needed free
flight ticket accommodation visa sponsorship passport processing fast
departure agent contact dm inbox apply now limited slots typing data
entry customer service casino crypto investment task commission daily
payment withdraw recharge level vip member earn dollars per day remote
work from home""".split()

REGEXES = [
    r"gaji\s*(rp\.?\s*)?\d{1,3}\s*(jt|juta)",
    r"(wa|whatsapp)\W{0,3}(\+?62|0)8\d{8,11}",
    r"(tanpa|bebas|gratis)\s+(biaya|potongan)",
    r"berangkat\s+\d{1,2}\s+hari",
    r"usia\s+1[5-7]\s+tahun",
    r"\$\s?\d{2,4}\s*(per|a|/)\s*day",
    r"earn\s+(up\s+to\s+)?\$?\d+",
    r"t\.me/[a-z0-9_]{5,32}",
    r"(dm|inbox)\s+(me|kami|admin)",
    r"(visa|paspor)\s+(diurus|dibantu|gratis)",
]


RARE = """kamboja myanmar laos sihanoukville myawaddy casino crypto telegram
whatsapp paspor sponsor deposit recharge withdraw komisi abk pelaut visa
overseas abroad accommodation sponsorship""".split()


def phrase(rng):
    # real packs use specific phrases; single words only from RARE
    n = rng.choice([1, 2, 2, 2, 3])
    if n == 1:
        return rng.choice(RARE)
    return " ".join(rng.choice(WORDS) for _ in range(n))


def regex(rng):
    if rng.random() < 0.5:
        return rng.choice(REGEXES)
    a, b = rng.choice(RARE), rng.choice(WORDS)
    gap = rng.choice([r"\s+", r"\W{1,3}", r"\s+\w+\s+", r"\s*(,|dan|and)?\s*"])
    return a + gap + b


def yq(s):
    return "'" + s.replace("'", "''") + "'"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rules", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.o, exist_ok=True)
    cats = ["recruitment_fee", "high_pay_no_skill", "fast_departure",
            "document_irregularity", "contact_offplatform", "task_scam",
            "scam_compound_job", "advance_fee"]
    conds = ["a and b and c", "a and (b or c)", "2 of (a, b, c)",
             "a and b and not c", "all of them"]
    out, pats = [], []
    out.append("schema: waspada/1\nrules:\n")
    for i in range(a.rules):
        out.append(f"  - id: BENCH-{i:05d}\n    rev: 1\n"
                   f"    title: generated rule {i}\n"
                   f"    category: {rng.choice(cats)}\n    lang: [id, en]\n"
                   f"    status: stable\n    score: {rng.choice([1, 2, 3])}\n"
                   "    patterns:\n")
        for name in "abc":
            if rng.random() < 0.7:
                ws = sorted({phrase(rng) for _ in range(rng.randint(3, 6))})
                ws = [w for w in ws if len(w) >= 3] or ["lowongan kerja"]
                out.append(f"      {name}: {{words: [{', '.join(yq(w) for w in ws)}]}}\n")
                # one line per pattern, same semantics as the engine's
                pats.append("(?:" + "|".join(
                    r"\b" + r"\s+".join(w.split()) + r"\b" for w in ws) + ")")
            else:
                r = regex(rng)
                out.append(f"      {name}: {{regex: {yq(r)}}}\n")
                pats.append(r)
        out.append(f"    condition: {rng.choice(conds)}\n")
    with open(os.path.join(a.o, "bench.yaml"), "w") as f:
        f.write("".join(out))
    with open(os.path.join(a.o, "patterns.txt"), "w") as f:
        f.write("\n".join(pats) + "\n")


if __name__ == "__main__":
    main()
