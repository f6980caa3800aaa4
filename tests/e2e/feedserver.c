/* tests/e2e/feedserver.c: the loopback HTTP server of the feed tests
** (libmicrohttpd). It serves fixture files and misbehaves on request, by
** path, so each test states what the server does:
**   /f/NAME          the file, with ETag and Last-Modified; a matching
**                    If-None-Match or an identical If-Modified-Since gets
**                    304 with the validators
**   /etag/NAME       the file with an ETag only; /lm/NAME Last-Modified only
**   /plain/NAME      the file without validators (always 200)
**   /status/CODE     that status; 429 and 503 carry Retry-After: ?after=N
**                    seconds (default 120) or an HTTP date with ?date=1
**   /gone            410
**   /flaky/N/NAME    500 for the first N requests of this path, then /f/NAME
**   /slow/NAME       the file, one byte every 100 ms (slow drip)
**   /big/N           N bytes of XML comment, chunked (no Content-Length);
**                    /bigcl/N the same with Content-Length
**   /loop/N          302 to /loop/N+1, forever (redirect loop)
**   /moved/NAME      301 to /f/NAME; /moved308/NAME 308; /temp/NAME 302
**   /gzip/NAME       the file gzip-compressed (Content-Encoding: gzip)
**   /charset/NAME    the file with a wrong charset in Content-Type
**                    (ISO-8859-1 for a UTF-8 document)
**   /gen/I           a generated RSS feed (benchmark) with an ETag; by a
**                    hash of I spread over all hosts, 2% answer slowly
**                    (300 ms), 2% answer 500 and 10% have a new item on
**                    every request
**   /real/I          the realistic benchmark mix: 10-90 ms of server time
**                    on every answer, 2% take 1 s, 2% answer 500, 10% have
**                    a new item on every request; ten items of about 55
**                    words, one in twenty a scam ad
** Usage: feedserver DIR [ADDR...]   (default 127.0.0.1). Binds each
** address on an ephemeral port and prints "ADDR PORT" per line on stdout,
** then serves until SIGTERM (or end of file on stdin if it is a pipe). Every
*request is
** logged to stderr as "METHOD PATH ua=... inm=... ims=... min_id=...".
** Only loopback addresses are accepted. */
#define _DEFAULT_SOURCE
#include <microhttpd.h>
#include <zlib.h>

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_DAEMONS 256
#define MAX_FILE (8u << 20)

static const char *dir;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
  char path[256];
  int hits;
} counters[256];
static volatile sig_atomic_t stop;

static int hit(const char *path)
{
  int n = 0;
  pthread_mutex_lock(&lock);
  for (int i = 0; i < 256; i++) {
    if (!counters[i].path[0]) {
      snprintf(counters[i].path, sizeof(counters[i].path), "%s", path);
      n = ++counters[i].hits;
      break;
    }
    if (strcmp(counters[i].path, path) == 0) {
      n = ++counters[i].hits;
      break;
    }
  }
  pthread_mutex_unlock(&lock);
  return n;
}

/* A process-wide request counter (the generated feeds' "new item"). */
static unsigned long hit_count(void)
{
  static unsigned long n;
  unsigned long v;
  pthread_mutex_lock(&lock);
  v = ++n;
  pthread_mutex_unlock(&lock);
  return v;
}

static char *read_file(const char *name, size_t *len, time_t *mtime)
{
  char path[1024];
  struct stat sb;
  FILE *f;
  char *buf;
  if (strstr(name, "..") || strchr(name, '/'))
    return NULL;
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  if (stat(path, &sb) != 0 || sb.st_size > (off_t)MAX_FILE ||
      !(f = fopen(path, "rb")))
    return NULL;
  buf = malloc((size_t)sb.st_size + 1);
  *len = buf ? fread(buf, 1, (size_t)sb.st_size, f) : 0;
  fclose(f);
  *mtime = sb.st_mtime;
  return buf;
}

static const char *ctype_of(const char *name)
{
  const char *dot = strrchr(name, '.');
  if (!dot)
    return "application/octet-stream";
  if (!strcmp(dot, ".json"))
    return "application/json";
  if (!strcmp(dot, ".html"))
    return "text/html; charset=utf-8";
  if (!strcmp(dot, ".atom"))
    return "application/atom+xml";
  if (!strcmp(dot, ".jsonl"))
    return "application/x-ndjson";
  return "application/rss+xml; charset=utf-8";
}

static void http_date(time_t t, char *out, size_t n)
{
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, n, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static enum MHD_Result send_buf(struct MHD_Connection *c, unsigned code,
                                const void *body, size_t len, const char *ctype,
                                const char *h1, const char *v1, const char *h2,
                                const char *v2)
{
  struct MHD_Response *r =
      MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
  enum MHD_Result ret;
  if (!r)
    return MHD_NO;
  if (ctype)
    MHD_add_response_header(r, "Content-Type", ctype);
  if (h1 && v1)
    MHD_add_response_header(r, h1, v1);
  if (h2 && v2)
    MHD_add_response_header(r, h2, v2);
  ret = MHD_queue_response(c, code, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result redirect(struct MHD_Connection *c, unsigned code,
                                const char *to)
{
  return send_buf(c, code, "", 0, "text/plain", "Location", to, NULL, NULL);
}

/* /f, /etag, /lm, /plain, /charset */
static enum MHD_Result serve_file(struct MHD_Connection *c, const char *name,
                                  int etag, int lm, const char *ctype_override)
{
  size_t len = 0;
  time_t mtime = 0;
  char *body = read_file(name, &len, &mtime);
  char tag[64], date[64];
  const char *inm, *ims;
  enum MHD_Result ret;
  struct MHD_Response *r;

  if (!body)
    return send_buf(c, 404, "not found", 9, "text/plain", NULL, NULL, NULL,
                    NULL);
  snprintf(tag, sizeof(tag), "\"%08lx-%zu\"", crc32(0, (void *)body, (uInt)len),
           len);
  http_date(mtime, date, sizeof(date));
  inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
  ims = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Modified-Since");
  if ((etag && inm && strcmp(inm, tag) == 0) ||
      (lm && !inm && ims && strcmp(ims, date) == 0)) {
    free(body);
    return send_buf(c, 304, "", 0, NULL, etag ? "ETag" : NULL, tag,
                    lm ? "Last-Modified" : NULL, date);
  }
  r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
  if (!r) {
    free(body);
    return MHD_NO;
  }
  MHD_add_response_header(r, "Content-Type",
                          ctype_override ? ctype_override : ctype_of(name));
  if (etag)
    MHD_add_response_header(r, "ETag", tag);
  if (lm)
    MHD_add_response_header(r, "Last-Modified", date);
  ret = MHD_queue_response(c, 200, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result serve_gzip(struct MHD_Connection *c, const char *name)
{
  size_t len = 0;
  time_t mtime;
  char *body = read_file(name, &len, &mtime);
  z_stream z;
  unsigned char *out;
  size_t cap;
  enum MHD_Result ret;

  if (!body)
    return send_buf(c, 404, "not found", 9, "text/plain", NULL, NULL, NULL,
                    NULL);
  cap = len + 1024;
  out = malloc(cap);
  memset(&z, 0, sizeof(z));
  if (!out || deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY)) {
    free(body);
    free(out);
    return MHD_NO;
  }
  z.next_in = (unsigned char *)body;
  z.avail_in = (uInt)len;
  z.next_out = out;
  z.avail_out = (uInt)cap;
  deflate(&z, Z_FINISH);
  ret = send_buf(c, 200, out, z.total_out, ctype_of(name), "Content-Encoding",
                 "gzip", NULL, NULL);
  deflateEnd(&z);
  free(body);
  free(out);
  return ret;
}

struct drip {
  char *body;
  size_t len;
  unsigned ms;
};

static ssize_t drip_read(void *cls, uint64_t pos, char *buf, size_t max)
{
  struct drip *d = cls;
  if (pos >= d->len)
    return MHD_CONTENT_READER_END_OF_STREAM;
  usleep(d->ms * 1000u);
  (void)max;
  buf[0] = d->body[pos];
  return 1;
}

static void drip_free(void *cls)
{
  struct drip *d = cls;
  free(d->body);
  free(d);
}

static enum MHD_Result serve_slow(struct MHD_Connection *c, const char *name,
                                  unsigned ms, int whole)
{
  struct drip *d = calloc(1, sizeof(*d));
  time_t mtime;
  struct MHD_Response *r;
  enum MHD_Result ret;
  if (!d || !(d->body = read_file(name, &d->len, &mtime))) {
    free(d);
    return send_buf(c, 404, "not found", 9, "text/plain", NULL, NULL, NULL,
                    NULL);
  }
  d->ms = ms;
  if (whole) { /* a slow server: the whole answer after a delay */
    usleep(ms * 1000u);
    ret = send_buf(c, 200, d->body, d->len, ctype_of(name), NULL, NULL, NULL,
                   NULL);
    drip_free(d);
    return ret;
  }
  r = MHD_create_response_from_callback(d->len, 1, drip_read, d, drip_free);
  if (!r) {
    drip_free(d);
    return MHD_NO;
  }
  MHD_add_response_header(r, "Content-Type", ctype_of(name));
  ret = MHD_queue_response(c, 200, r);
  MHD_destroy_response(r);
  return ret;
}

struct big {
  uint64_t n;
};

static ssize_t big_read(void *cls, uint64_t pos, char *buf, size_t max)
{
  struct big *b = cls;
  static const char head[] = "<?xml version=\"1.0\"?><rss><!--";
  size_t i;
  if (pos >= b->n)
    return MHD_CONTENT_READER_END_OF_STREAM;
  for (i = 0; i < max && pos + i < b->n; i++)
    buf[i] = pos + i < sizeof(head) - 1 ? head[pos + i] : 'x';
  return (ssize_t)i;
}

static enum MHD_Result serve_big(struct MHD_Connection *c, uint64_t n,
                                 int with_length)
{
  struct big *b = malloc(sizeof(*b));
  struct MHD_Response *r;
  enum MHD_Result ret;
  if (!b)
    return MHD_NO;
  b->n = n;
  r = MHD_create_response_from_callback(with_length ? n : MHD_SIZE_UNKNOWN,
                                        65536, big_read, b, free);
  if (!r) {
    free(b);
    return MHD_NO;
  }
  MHD_add_response_header(r, "Content-Type", "application/rss+xml");
  ret = MHD_queue_response(c, 200, r);
  MHD_destroy_response(r);
  return ret;
}

/* The ETag of generated feed I in its GEN-th version ("PREFIX-I-GEN")
** into tag; nonzero if the request's If-None-Match is that ETag. */
static int gen_unchanged(struct MHD_Connection *c, const char *prefix,
                         unsigned long i, unsigned long gen, char *tag,
                         size_t size)
{
  const char *inm;
  snprintf(tag, size, "\"%s-%lu-%lu\"", prefix, i, gen);
  inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
  return inm && strcmp(inm, tag) == 0;
}

static enum MHD_Result serve_gen(struct MHD_Connection *c, unsigned long i)
{
  char body[4096], tag[64];
  int n;

  /* which feeds misbehave: spread over every host by a hash of i */
  unsigned long mix = (i * 2654435761UL) ^ ((i * 2654435761UL) >> 15);
  if (mix % 50 == 13)
    return send_buf(c, 500, "error", 5, "text/plain", NULL, NULL, NULL, NULL);
  if (mix % 50 == 7)
    usleep(300 * 1000);
  /* one feed in ten has a new item on every request */
  unsigned long gen = (mix / 50) % 10 == 3 ? (unsigned long)hit_count() : 0;
  if (gen_unchanged(c, "gen", i, gen, tag, sizeof(tag)))
    return send_buf(c, 304, "", 0, NULL, "ETag", tag, NULL, NULL);
  n = snprintf(body, sizeof(body),
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss "
               "version=\"2.0\"><channel><title>Loker %lu</title>"
               "<link>http://example.invalid/%lu</link>\n",
               i, i);
  for (int k = 0; k < 5 && n < (int)sizeof(body) - 600; k++)
    n += snprintf(body + n, sizeof(body) - (size_t)n,
                  "<item><guid>g%lu-%lu-%d</guid><title>Lowongan %d di kota "
                  "%lu</title><description>%s hub WA 08%09lu</description>"
                  "</item>\n",
                  i, k == 0 ? gen : 0, k, k, i,
                  k == 0 ? "Kerja ke Kamboja tanpa biaya, gaji besar"
                         : "Dicari staf gudang, lamaran via kantor",
                  i * 7 + (unsigned long)k);
  n += snprintf(body + n, sizeof(body) - (size_t)n, "</channel></rss>\n");
  return send_buf(c, 200, body, (size_t)n, "application/rss+xml", "ETag", tag,
                  NULL, NULL);
}

/* ---- /real/I: a generated feed shaped like a real job board's -----------*/

/* Phrase pools for /real/I: ordinary job ads, and recruitment-scam ads of
** the kind the rule packs look for (see ../shared/domain/BRIEF.md). */
static const char *const real_company[] = {
    "PT Sinar Abadi", "CV Maju Jaya",      "PT Nusantara Logistik",
    "Toko Berkah",    "PT Karya Mandiri",  "RS Harapan Kita Swasta",
    "PT Bumi Pangan", "Koperasi Sejahtera"};
static const char *const real_role[] = {
    "staf gudang",      "admin penjualan", "kasir",   "teknisi listrik",
    "sopir pengiriman", "perawat",         "akuntan", "customer service"};
static const char *const real_city[] = {"Surabaya",  "Medan",   "Semarang",
                                        "Makassar",  "Bandung", "Denpasar",
                                        "Palembang", "Kupang"};
static const char *const scam_country[] = {"Kamboja", "Myanmar", "Thailand",
                                           "Laos"};
static const char *const scam_role[] = {"admin", "operator komputer",
                                        "customer service", "marketing online"};

static unsigned long real_hash(unsigned long a, unsigned long b)
{
  unsigned long x = a * 2654435761UL + b * 40503UL + 0x9e3779b9UL;
  x ^= x >> 15;
  x *= 2246822519UL;
  return x ^ (x >> 13);
}

/* One item's description: an excerpt of about 55 words (the length
** WordPress, the usual engine of small job boards, puts in its feeds). */
static int real_description(char *out, size_t n, unsigned long i, int k,
                            int scam)
{
  unsigned long h = real_hash(i, (unsigned long)k);
  if (scam)
    return snprintf(
        out, n,
        "Dibutuhkan segera %lu orang untuk kerja di %s sebagai %s. Gaji "
        "%lu juta per bulan, tanpa biaya, tiket pesawat dan visa ditanggung "
        "perusahaan, tidak perlu pengalaman, tidak perlu bahasa Inggris. "
        "Usia 18-35 tahun, berangkat minggu depan, kuota terbatas. Yang "
        "serius langsung hub WA 08%09lu, jangan tanya-tanya di kolom "
        "komentar, proses cepat dan dijamin berangkat.",
        5 + h % 20, scam_country[h % 4], scam_role[(h >> 4) % 4],
        12 + (h >> 8) % 14, (i * 7 + (unsigned long)k) % 1000000000UL);
  return snprintf(
      out, n,
      "%s membuka lowongan %s untuk penempatan di %s. Kualifikasi: pria atau "
      "wanita usia maksimal 35 tahun, pendidikan minimal SMA/SMK sederajat, "
      "berpengalaman di bidang yang sama minimal 1 tahun, jujur, teliti, "
      "mampu bekerja dalam tim dan bersedia bekerja shift. Kirim lamaran, CV "
      "dan fotokopi ijazah ke kantor kami atau melalui email rekrutmen "
      "paling lambat tanggal %lu bulan depan. Proses seleksi tidak dipungut "
      "biaya apa pun.",
      real_company[h % 8], real_role[(h >> 4) % 8], real_city[(h >> 8) % 8],
      1 + (h >> 12) % 28);
}

/* /real/I: the realistic benchmark mix. Every answer takes 10-90 ms of
** server time (a spread of ordinary servers); by a hash of I, 2% take
** 1 s, 2% answer 500 and 10% have a new item on every request. Ten items
** of about 55 words; one item in twenty is a scam ad. */
static enum MHD_Result serve_real(struct MHD_Connection *c, unsigned long i)
{
  char body[16384], tag[64], desc[1024];
  int n;
  unsigned long mix = real_hash(i, 1000);

  usleep((useconds_t)(mix % 50 == 7 ? 1000000 : (10 + (mix >> 8) % 81) * 1000));
  if (mix % 50 == 13)
    return send_buf(c, 500, "error", 5, "text/plain", NULL, NULL, NULL, NULL);
  unsigned long gen = (mix / 50) % 10 == 3 ? (unsigned long)hit_count() : 0;
  if (gen_unchanged(c, "real", i, gen, tag, sizeof(tag)))
    return send_buf(c, 304, "", 0, NULL, "ETag", tag, NULL, NULL);
  n = snprintf(body, sizeof(body),
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss "
               "version=\"2.0\"><channel><title>Info Loker %lu</title>"
               "<link>http://example.invalid/%lu</link>\n"
               "<description>Lowongan kerja terbaru</description>\n",
               i, i);
  for (int k = 0; k < 10 && n < (int)sizeof(body) - 1500; k++) {
    /* item 0 is the newest: it changes on every request of a busy feed */
    unsigned long item = k == 0 ? gen : 0;
    int scam = real_hash(i * 31 + item, (unsigned long)k) % 20 == 0;
    real_description(desc, sizeof(desc), i + item, k, scam);
    n += snprintf(body + n, sizeof(body) - (size_t)n,
                  "<item><title>Lowongan %s %lu-%d</title>"
                  "<link>http://example.invalid/%lu/%lu/%d</link>"
                  "<guid>r%lu-%lu-%d</guid>"
                  "<pubDate>Mon, 23 Nov 2026 %02d:%02d:00 GMT</pubDate>"
                  "<description>%s</description></item>\n",
                  scam ? "kerja luar negeri" : "kerja", i, k, i, item, k, i,
                  item, k, 10 - k % 10, (int)(i % 60), desc);
  }
  n += snprintf(body + n, sizeof(body) - (size_t)n, "</channel></rss>\n");
  return send_buf(c, 200, body, (size_t)n, "application/rss+xml", "ETag", tag,
                  NULL, NULL);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
  const char *ua, *inm, *ims, *arg;
  char self[512];
  (void)cls, (void)version, (void)upload, (void)upload_size;

  if (!*con_cls) { /* first call: headers only */
    *con_cls = (void *)1;
    return MHD_YES;
  }
  ua = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "User-Agent");
  inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
  ims = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Modified-Since");
  arg = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "min_id");
  fprintf(stderr, "%s %s ua=%s inm=%s ims=%s min_id=%s\n", method, url,
          ua ? ua : "-", inm ? inm : "-", ims ? ims : "-", arg ? arg : "-");
  if (strcmp(method, "GET") != 0)
    return send_buf(c, 405, "", 0, NULL, NULL, NULL, NULL, NULL);
  if (!strncmp(url, "/f/", 3))
    return serve_file(c, url + 3, 1, 1, NULL);
  if (!strncmp(url, "/etag/", 6))
    return serve_file(c, url + 6, 1, 0, NULL);
  if (!strncmp(url, "/lm/", 4))
    return serve_file(c, url + 4, 0, 1, NULL);
  if (!strncmp(url, "/plain/", 7))
    return serve_file(c, url + 7, 0, 0, NULL);
  if (!strncmp(url, "/charset/", 9))
    return serve_file(c, url + 9, 1, 1,
                      "application/rss+xml; charset=ISO-8859-1");
  if (!strncmp(url, "/gzip/", 6))
    return serve_gzip(c, url + 6);
  if (!strncmp(url, "/slow/", 6))
    return serve_slow(c, url + 6, 100, 0);
  if (!strncmp(url, "/delay/", 7))
    return serve_slow(c, url + 7, 300, 1);
  if (!strncmp(url, "/big/", 5))
    return serve_big(c, strtoull(url + 5, NULL, 10), 0);
  if (!strncmp(url, "/bigcl/", 7))
    return serve_big(c, strtoull(url + 7, NULL, 10), 1);
  if (!strncmp(url, "/gen/", 5))
    return serve_gen(c, strtoul(url + 5, NULL, 10));
  if (!strncmp(url, "/real/", 6))
    return serve_real(c, strtoul(url + 6, NULL, 10));
  if (!strcmp(url, "/gone"))
    return send_buf(c, 410, "gone", 4, "text/plain", NULL, NULL, NULL, NULL);
  if (!strncmp(url, "/status/", 8)) {
    unsigned code = (unsigned)strtoul(url + 8, NULL, 10);
    char ra[64] = "";
    if (code < 200 || code > 599)
      code = 500;
    if (code == 429 || code == 503) {
      if ((arg = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "date")))
        http_date(time(NULL) + 3600, ra, sizeof(ra));
      else {
        arg = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "after");
        snprintf(ra, sizeof(ra), "%s", arg ? arg : "120");
      }
    }
    return send_buf(c, code, "status", 6, "text/plain",
                    ra[0] ? "Retry-After" : NULL, ra, NULL, NULL);
  }
  if (!strncmp(url, "/flaky/", 7)) {
    char *rest;
    long n = strtol(url + 7, &rest, 10);
    if (*rest == '/' && hit(url) <= n)
      return send_buf(c, 500, "flaky", 5, "text/plain", NULL, NULL, NULL, NULL);
    return serve_file(c, *rest == '/' ? rest + 1 : rest, 1, 1, NULL);
  }
  if (!strncmp(url, "/loop/", 6)) {
    snprintf(self, sizeof(self), "/loop/%ld", strtol(url + 6, NULL, 10) + 1);
    return redirect(c, 302, self);
  }
  if (!strncmp(url, "/moved/", 7) || !strncmp(url, "/moved308/", 10) ||
      !strncmp(url, "/temp/", 6)) {
    const char *name = strchr(url + 1, '/') + 1;
    snprintf(self, sizeof(self), "/f/%s", name);
    return redirect(c, url[1] == 't' ? 302 : url[6] == '3' ? 308 : 301, self);
  }
  return send_buf(c, 404, "not found", 9, "text/plain", NULL, NULL, NULL, NULL);
}

static void on_term(int sig)
{
  (void)sig;
  stop = 1;
}

int main(int argc, char **argv)
{
  struct MHD_Daemon *d[MAX_DAEMONS];
  int nd = 0;
  char c;

  if (argc < 2) {
    fprintf(stderr, "usage: feedserver DIR [ADDR...]\n");
    return 2;
  }
  dir = argv[1];
  signal(SIGPIPE, SIG_IGN);
  signal(SIGTERM, on_term);
  for (int i = 2; i < argc || (i == 2 && argc == 2); i++) {
    const char *addr = i < argc ? argv[i] : "127.0.0.1";
    struct sockaddr_in sa;
    const union MHD_DaemonInfo *info;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1 ||
        (ntohl(sa.sin_addr.s_addr) >> 24) != 127 || nd == MAX_DAEMONS) {
      fprintf(stderr, "feedserver: %s is not a loopback address\n", addr);
      return 2;
    }
    d[nd] = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
            MHD_USE_ERROR_LOG,
        0, NULL, NULL, handle, NULL, MHD_OPTION_SOCK_ADDR, &sa,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_END);
    if (!d[nd] ||
        !(info = MHD_get_daemon_info(d[nd], MHD_DAEMON_INFO_BIND_PORT))) {
      fprintf(stderr, "feedserver: cannot listen on %s\n", addr);
      return 1;
    }
    printf("%s %u\n", addr, (unsigned)info->port);
    nd++;
  }
  fflush(stdout);
  /* serve until SIGTERM, stdin (a pipe) closes, or the lifetime
  ** ($FEEDSERVER_LIFETIME seconds, default 600) ends: a test that dies
  ** never leaves a server behind for long */
  {
    struct stat sb;
    const char *life = getenv("FEEDSERVER_LIFETIME");
    signal(SIGALRM, on_term);
    alarm(life ? (unsigned)atoi(life) : 600u);
    if (fstat(0, &sb) == 0 && S_ISFIFO(sb.st_mode))
      while (!stop && read(0, &c, 1) > 0)
        ;
    while (!stop)
      pause();
  }
  for (int i = 0; i < nd; i++)
    MHD_stop_daemon(d[i]);
  return 0;
}
