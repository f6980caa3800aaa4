#!/usr/bin/env python3
"""gen_corpus.py: deterministic corpus of realistic Indonesian/English posts
for waspada's benchmarks.

Posts are ~1 KB on average (sentences drawn until a random target length of
300-1700 bytes), about 2% of them scam-like (recruitment red flags), the rest
everyday job ads, news, promotions and chatter. Same seed, same bytes.

  python3 tests/bench/gen_corpus.py --size-mb 100 --seed 1 \
      --style plain|social --format jsonl|text -o corpus.jsonl

--style social sprinkles emoji, hashtags, the odd zero-width character and
"fancy" Unicode letters (mathematical bold/italic) as social-media posts do;
plain stays almost pure ASCII. --format text writes one post per line
(newlines inside a post become spaces); jsonl writes the post contract of
DESIGN.md (id, source, url, author, published, text).
"""
import argparse
import json
import random
import sys

NORMAL = [
    "Dibutuhkan segera staf administrasi untuk kantor cabang {city}, minimal lulusan SMA/SMK sederajat.",
    "Kirim lamaran lengkap ke alamat email rekrutmen perusahaan sebelum tanggal {day} {month}.",
    "Pengalaman minimal {n} tahun di bidang yang sama menjadi nilai tambah bagi pelamar.",
    "Gaji sesuai UMR {city}, BPJS Kesehatan dan Ketenagakerjaan, serta tunjangan hari raya.",
    "Hari ini macet parah di jalan tol menuju {city}, hati-hati di jalan ya semuanya.",
    "Alhamdulillah panen cabai tahun ini lumayan, harga di pasar {city} juga sedang naik.",
    "Promo akhir bulan! Diskon {n}0% untuk semua produk skincare di toko kami, stok terbatas.",
    "Rapat koordinasi pemerintah daerah {city} membahas perbaikan jalan desa dan irigasi.",
    "Siapa yang punya rekomendasi bengkel motor yang jujur di daerah {city}? Terima kasih.",
    "Pertandingan semalam seru sekali, timnas bermain bagus di babak kedua.",
    "Lowongan guru les privat matematika untuk siswa SMP, jadwal fleksibel sore hari.",
    "Toko roti kami buka cabang baru di {city}, mampir ya, ada tester gratis hari pertama.",
    "Seminar kewirausahaan untuk UMKM akan diadakan di aula kecamatan {city} hari {dayname}.",
    "We are hiring a junior accountant for our {city} office; apply through our careers page.",
    "The weather has been unusually hot this week, remember to drink enough water.",
    "Our community library now opens on Saturdays from 9 am to 3 pm for all residents.",
    "Looking for a reliable cleaning service in {city}, any recommendations appreciated.",
    "Interview tahap kedua akan dilaksanakan secara langsung di kantor pusat perusahaan.",
    "Perusahaan terdaftar resmi dan proses rekrutmen tidak dipungut biaya apa pun.",
    "Kami menerima mahasiswa magang jurusan teknik informatika untuk periode enam bulan.",
    "Jual motor bekas tahun {year}, surat lengkap, pajak hidup, mesin halus, harga nego.",
    "Berita hari ini: harga beras di pasar tradisional {city} relatif stabil menjelang akhir bulan.",
    "Posyandu balita di RW {n} dibuka kembali setiap hari Rabu pagi mulai minggu depan.",
    "Please share this vacancy with friends who might be interested in logistics work.",
]
SCAM = [
    "LOKER {dest} gaji {pay} jt per bulan, tanpa biaya, tanpa pengalaman, berangkat cepat!",
    "Dicari admin dan CS untuk perusahaan asing di {dest}, tiket dan mess ditanggung.",
    "Syarat cukup KTP dan paspor, usia 18-35, bisa mengetik, tidak perlu ijazah.",
    "Minat hub WA 08{phone} atau japri sekarang, kuota terbatas, brgkt minggu depan.",
    "Proses cepat pakai visa turis, nanti diurus di sana oleh agen kami.",
    "Biaya administrasi Rp {fee}.000 untuk pengurusan dokumen dan medical, dibayar di muka.",
    "Kerja online cuma like dan subscribe, komisi harian, gabung grup telegram t.me/{handle}.",
    "Job in {dest}, salary {pay}00 USD, free visa and ticket, contact on Telegram @{handle}.",
    "Lowongan ABK kapal ikan luar negeri, gaji dolar, cukup KTP dan KK, kapal besok berangkat.",
    "Tnp biaya, tnp potongan gaji, langsung kerja, hub admin sekarang juga.",
]
CITIES = ["Surabaya", "Bandung", "Medan", "Makassar", "Semarang", "Kupang",
          "Mataram", "Pontianak", "Batam", "Cirebon", "Indramayu", "Denpasar"]
DESTS = ["Kamboja", "Myanmar", "Thailand", "Malaysia", "Dubai", "Laos",
         "Cambodia", "Taiwan"]
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
          "Agustus", "September", "Oktober", "November", "Desember"]
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
EMOJI = ["\U0001F525", "\U0001F4B0", "\u2705", "\U0001F4E2", "\U0001F60A",
         "\u2728", "\U0001F64F", "\U0001F447", "\u2764\ufe0f", "\U0001F1EE\U0001F1E9"]
ZW = ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad"]


def fancy(word):
    """Mathematical bold letters, as used to slip past keyword filters."""
    out = []
    for ch in word:
        if "A" <= ch <= "Z":
            out.append(chr(0x1D400 + ord(ch) - ord("A")))
        elif "a" <= ch <= "z":
            out.append(chr(0x1D41A + ord(ch) - ord("a")))
        else:
            out.append(ch)
    return "".join(out)


def fill(rng, template):
    return template.format(
        city=rng.choice(CITIES), dest=rng.choice(DESTS), n=rng.randint(1, 9),
        day=rng.randint(1, 28), month=rng.choice(MONTHS),
        dayname=rng.choice(DAYS), year=rng.randint(2010, 2024),
        pay=rng.randint(8, 25), fee=rng.randint(5, 50) * 100,
        phone="".join(str(rng.randint(0, 9)) for _ in range(10)),
        handle="".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8)))


def socialise(rng, sentence):
    words = sentence.split(" ")
    out = []
    for w in words:
        r = rng.random()
        if r < 0.03 and len(w) > 3:
            w = fancy(w)
        elif r < 0.05 and len(w) > 3:
            i = rng.randint(1, len(w) - 1)
            w = w[:i] + rng.choice(ZW) + w[i:]
        out.append(w)
        if rng.random() < 0.06:
            out.append(rng.choice(EMOJI))
    s = " ".join(out)
    if rng.random() < 0.2:
        s += " #" + rng.choice(["loker", "info", "viral", "fyp", "kerja", "promo"])
    return s


def post(rng, i, style, scam_rate):
    scam = rng.random() < scam_rate
    target = rng.randint(300, 1700)
    parts, size = [], 0
    while size < target:
        pool = SCAM if scam and rng.random() < 0.6 else NORMAL
        s = fill(rng, rng.choice(pool))
        if style == "social":
            s = socialise(rng, s)
        parts.append(s)
        size += len(s.encode("utf-8")) + 1
    text = (" " if rng.random() < 0.7 else "\n").join(parts)
    return scam, text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size-mb", type=float, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--style", choices=["plain", "social"], default="plain")
    ap.add_argument("--format", choices=["jsonl", "text"], default="jsonl")
    ap.add_argument("--scam-rate", type=float, default=0.02)
    ap.add_argument("-o", "--output", default="-")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    out = sys.stdout if a.output == "-" else open(a.output, "w", encoding="utf-8")
    limit = int(a.size_mb * 1024 * 1024)
    written, i = 0, 0
    while written < limit:
        scam, text = post(rng, i, a.style, a.scam_rate)
        if a.format == "text":
            line = text.replace("\n", " ") + "\n"
        else:
            line = json.dumps({
                "id": "gen-%d-%d" % (a.seed, i),
                "source": "bench:%s" % ("jobs" if i % 3 else "social"),
                "url": "https://example.org/p/%d" % i,
                "author": "user%d" % rng.randint(1, 5000),
                "published": "2026-%02d-%02dT%02d:00:00Z" % (
                    1 + i % 12, 1 + i % 28, i % 24),
                "text": text,
            }, ensure_ascii=False) + "\n"
        out.write(line)
        written += len(line.encode("utf-8"))
        i += 1
    if out is not sys.stdout:
        out.close()
    print("gen_corpus: %d posts, %.1f MB" % (i, written / 1048576), file=sys.stderr)


if __name__ == "__main__":
    main()
