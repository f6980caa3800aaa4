/* parse/feed_jsonld.c: schema.org JobPosting in JSON-LD, the way job boards
** publish postings: every <script type="application/ld+json"> of an HTML
** page (libxml2 HTML parser, recovery mode, quiet, no network) is parsed
** with cJSON and searched for objects whose @type is JobPosting: top-level
** objects, arrays, @graph, and nesting such as WebPage.mainEntity or
** ItemList.itemListElement[].item.
**
** Mapping: title, description (HTML -> text), identifier / @id / url as the
** id, url, datePosted, hiringOrganization (author and a text line),
** jobLocation (address parts), baseSalary / estimatedSalary as text such as
** "salary 15000000 IDR per MONTH" (MonetaryAmount with a number or a
** QuantitativeValue with value/minValue/maxValue/unitText, or a bare number
** or string), and other descriptive strings (employmentType, skills,
** qualifications, ...) as "key: value" lines.
**
** Bounds: at most 256 scripts per page, JSON walks at most MAX_VISIT values
** and MAX_DEPTH levels (an explicit stack, no recursion). Reentrant.
** @test tests/unit/test_parse_jsonld.c */
#include "parse/feed_int.h"

#include "core/alloc.h"

#include <cJSON.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 16
#define MAX_VISIT 20000
#define MAX_SCRIPTS 256
#define MAX_STACK 2048

static const cJSON *jget(const cJSON *o, const char *key)
{
  return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static const char *jstr(const cJSON *o, const char *key)
{
  const cJSON *v = jget(o, key);
  return cJSON_IsString(v) && v->valuestring && *v->valuestring ? v->valuestring
                                                                : NULL;
}

/* "JobPosting", "schema:JobPosting", "http://schema.org/JobPosting". */
static int type_is(const cJSON *t, const char *want)
{
  const char *s;
  size_t n, w = strlen(want);
  if (!cJSON_IsString(t) || !(s = t->valuestring))
    return 0;
  n = strlen(s);
  return n >= w && strcmp(s + n - w, want) == 0 &&
         (n == w || s[n - w - 1] == '/' || s[n - w - 1] == ':' ||
          s[n - w - 1] == '#');
}

static int is_a(const cJSON *o, const char *want)
{
  const cJSON *t = jget(o, "@type"), *e;
  if (cJSON_IsArray(t)) {
    cJSON_ArrayForEach(e, t) if (type_is(e, want)) return 1;
    return 0;
  }
  return type_is(t, want);
}

static void put(wsp_buf *b, const char *s)
{
  if (s)
    wsp__buf_append_clip(b, s, strlen(s));
}

static void put_num(wsp_buf *b, double v)
{
  char num[64];
  if (!isfinite(v))
    return;
  if (fabs(v) < 1e15 && v == floor(v))
    snprintf(num, sizeof(num), "%.0f", v);
  else
    snprintf(num, sizeof(num), "%g", v);
  put(b, num);
}

/* Write a number or numeric string value of o[key]; 1 if written. */
static int put_value(wsp_buf *b, const cJSON *o, const char *key)
{
  const cJSON *v = key ? jget(o, key) : o;
  if (cJSON_IsNumber(v)) {
    put_num(b, v->valuedouble);
    return 1;
  }
  if (cJSON_IsString(v) && v->valuestring && *v->valuestring) {
    put(b, v->valuestring);
    return 1;
  }
  return 0;
}

/* "salary 15000000 IDR per MONTH" from the shapes baseSalary takes. */
static void salary_text(const cJSON *s, const char *label, wsp_buf *out)
{
  const cJSON *q;
  const char *currency, *unit = NULL;

  if (!s || cJSON_IsNull(s))
    return;
  put(out, label);
  put(out, " ");
  if (cJSON_IsNumber(s) || cJSON_IsString(s)) {
    put_value(out, s, NULL);
    put(out, "\n");
    return;
  }
  currency = jstr(s, "currency");
  if (!currency)
    currency = jstr(s, "salaryCurrency");
  q = jget(s, "value");
  if (cJSON_IsArray(q))
    q = cJSON_GetArrayItem(q, 0);
  if (!q && (jget(s, "minValue") || jget(s, "maxValue") || jget(s, "median")))
    q = s; /* a QuantitativeValue (or a distribution) given directly */
  if (cJSON_IsObject(q)) {
    int have = put_value(out, q, "value");
    if (!have && put_value(out, q, "minValue")) {
      have = 1;
      if (jget(q, "maxValue")) {
        put(out, "-");
        put_value(out, q, "maxValue");
      }
    } else if (!have && put_value(out, q, "maxValue")) {
      have = 1;
    }
    if (!have)
      put_value(out, q, "median");
    unit = jstr(q, "unitText");
    if (!unit)
      unit = jstr(q, "unitCode");
  } else if (q) {
    put_value(out, q, NULL);
  }
  if (!unit)
    unit = jstr(s, "unitText");
  if (currency) {
    put(out, " ");
    put(out, currency);
  }
  if (unit) {
    put(out, " per ");
    put(out, unit);
  }
  put(out, "\n");
}

static const char *name_of(const cJSON *v)
{
  if (cJSON_IsString(v) && v->valuestring && *v->valuestring)
    return v->valuestring;
  if (cJSON_IsArray(v))
    v = cJSON_GetArrayItem(v, 0);
  if (cJSON_IsString(v) && v->valuestring && *v->valuestring)
    return v->valuestring;
  return jstr(v, "name");
}

static void address_text(const cJSON *place, wsp_buf *out)
{
  static const char *const parts[] = {"streetAddress", "addressLocality",
                                      "addressRegion", "postalCode"};
  const cJSON *addr = jget(place, "address");
  int first = 1;

  if (cJSON_IsString(place)) {
    put(out, place->valuestring);
    return;
  }
  if (cJSON_IsString(addr)) {
    put(out, addr->valuestring);
    return;
  }
  if (!cJSON_IsObject(addr)) {
    put(out, jstr(place, "name"));
    return;
  }
  for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
    const char *p = jstr(addr, parts[i]);
    if (p) {
      put(out, first ? "" : ", ");
      put(out, p);
      first = 0;
    }
  }
  {
    const char *country = name_of(jget(addr, "addressCountry"));
    if (country) {
      put(out, first ? "" : ", ");
      put(out, country);
    }
  }
}

static void list_line(wsp_buf *out, const char *label, const cJSON *v,
                      void (*each)(const cJSON *, wsp_buf *))
{
  const cJSON *e;
  size_t before;
  if (!v || cJSON_IsNull(v))
    return;
  put(out, label);
  put(out, ": ");
  before = out->len;
  if (cJSON_IsArray(v)) {
    int first = 1;
    cJSON_ArrayForEach(e, v)
    {
      size_t at = out->len;
      if (!first)
        put(out, "; ");
      each(e, out);
      if (out->len == at + (first ? 0 : 2) && !first)
        out->len = at; /* nothing written for this one */
      else
        first = 0;
    }
  } else {
    each(v, out);
  }
  if (out->len == before)
    out->len -= strlen(label) + 2;
  else
    put(out, "\n");
  if (out->data)
    out->data[out->len] = 0;
}

static void name_each(const cJSON *v, wsp_buf *out)
{
  const char *n = name_of(v);
  if (!n && cJSON_IsObject(v))
    n = jstr(v, "credentialCategory");
  put(out, n);
}

static wsp_rc job_posting(wsp__feed_ctx *c, const cJSON *o, wsp_buf *extra)
{
  static const char *const strings[] = {"employmentType",
                                        "jobLocationType",
                                        "industry",
                                        "occupationalCategory",
                                        "skills",
                                        "qualifications",
                                        "responsibilities",
                                        "experienceRequirements",
                                        "educationRequirements",
                                        "jobBenefits",
                                        "incentiveCompensation",
                                        "workHours",
                                        "validThrough"};
  wsp__feed_item it = {0};
  const cJSON *id = jget(o, "identifier");
  const cJSON *org = jget(o, "hiringOrganization");
  char *raw = NULL;
  char idbuf[64];
  wsp_rc rc;

  wsp_buf_reset(extra);
  if (cJSON_IsString(id) && id->valuestring && *id->valuestring)
    it.id = id->valuestring;
  else if (cJSON_IsObject(id)) {
    const cJSON *v = jget(id, "value");
    if (cJSON_IsString(v) && v->valuestring && *v->valuestring)
      it.id = v->valuestring;
    else if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
      snprintf(idbuf, sizeof(idbuf), "%.0f", v->valuedouble);
      it.id = idbuf;
    }
  }
  if (!it.id)
    it.id = jstr(o, "@id");
  it.url = jstr(o, "url");
  it.title = jstr(o, "title");
  if (!it.title)
    it.title = jstr(o, "name");
  it.title_html = 1;
  it.body = jstr(o, "description");
  it.body_html = 1;
  it.author = name_of(org);
  {
    const char *d = jstr(o, "datePosted");
    if (d)
      wsp_feed_date_parse(d, strlen(d), &it.published);
  }
  if (it.author) {
    put(extra, "hiringOrganization: ");
    put(extra, it.author);
    put(extra, "\n");
  }
  list_line(extra, "jobLocation", jget(o, "jobLocation"), address_text);
  list_line(extra, "applicantLocationRequirements",
            jget(o, "applicantLocationRequirements"), name_each);
  salary_text(jget(o, "baseSalary"), "salary", extra);
  salary_text(jget(o, "estimatedSalary"), "estimated salary", extra);
  for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
    list_line(extra, strings[i], jget(o, strings[i]), name_each);
  it.extra = extra->len ? extra->data : NULL;
  raw = cJSON_PrintUnformatted(o);
  it.raw = raw;
  it.raw_len = raw ? strlen(raw) : 0;
  rc = wsp__feed_emit(c, &it);
  cJSON_free(raw);
  return rc;
}

wsp_rc wsp__feed_jsonld_walk(wsp__feed_ctx *c, const void *cjson)
{
  const cJSON *stack[MAX_STACK];
  int depth[MAX_STACK];
  size_t top = 0, visits = 0;
  wsp_buf extra;
  wsp_rc rc = WSP_OK;

  wsp_buf_init(&extra, 64 * 1024);
  stack[top] = cjson;
  depth[top++] = 0;
  while (top > 0 && rc == WSP_OK && !c->stopped && visits < MAX_VISIT) {
    const cJSON *v = stack[--top], *child;
    int d = depth[top];
    visits++;
    if (cJSON_IsObject(v) && is_a(v, "JobPosting")) {
      rc = job_posting(c, v, &extra);
      continue;
    }
    if (d + 1 >= MAX_DEPTH || !(cJSON_IsObject(v) || cJSON_IsArray(v)))
      continue;
    /* push children in reverse so postings come out in document order */
    for (child = v->child; child && child->next; child = child->next)
      ;
    for (; child; child = child->prev == child ? NULL : child->prev) {
      if ((cJSON_IsObject(child) || cJSON_IsArray(child)) &&
          top < sizeof(stack) / sizeof(stack[0])) {
        stack[top] = child;
        depth[top++] = d + 1;
      }
      if (child == v->child)
        break;
    }
  }
  wsp_buf_cleanup(&extra);
  return rc;
}

/* JSON of a script body, tolerating the wrappers pages put around it
** ("<!-- ... -->", "//<![CDATA[ ... //]]>") and trailing semicolons. */
static cJSON *parse_script(const char *js)
{
  static const char *const heads[] = {"<!--", "//<![CDATA[", "<![CDATA["};
  static const char *const tails[] = {"-->", "//]]>", "]]>", ";"};
  const char *a = js, *b = js + strlen(js);
  int again = 1;

  while (again) {
    again = 0;
    while (a < b && (*a == ' ' || *a == '\t' || *a == '\r' || *a == '\n'))
      a++;
    while (b > a &&
           (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r' || b[-1] == '\n'))
      b--;
    for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
      size_t n = strlen(heads[i]);
      if ((size_t)(b - a) >= n && memcmp(a, heads[i], n) == 0) {
        a += n;
        again = 1;
      }
    }
    for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
      size_t n = strlen(tails[i]);
      if ((size_t)(b - a) >= n && memcmp(b - n, tails[i], n) == 0) {
        b -= n;
        again = 1;
      }
    }
  }
  return cJSON_ParseWithLength(a, (size_t)(b - a));
}

static int ieq_prefix(const char *s, const char *p)
{
  for (; *p; s++, p++) {
    char a = *s >= 'A' && *s <= 'Z' ? (char)(*s + 32) : *s;
    if (a != *p)
      return 0;
  }
  return 1;
}

wsp_rc wsp__feed_parse_jsonld_html(wsp__feed_ctx *c, const char *utf8,
                                   size_t len)
{
  htmlDocPtr doc;
  xmlNode *root, *n;
  size_t scripts = 0;
  wsp_rc rc = WSP_OK;

  c->meta->format = WSP_FEED_JSONLD;
  if (len > (size_t)INT32_MAX)
    return wsp_err_set(c->err, WSP_TOOBIG, "feed: page too large");
  doc = htmlReadMemory(utf8, (int)len, c->in->url, "UTF-8",
                       HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                           HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                           HTML_PARSE_COMPACT);
  root = doc ? xmlDocGetRootElement(doc) : NULL;
  if (!root) {
    xmlFreeDoc(doc);
    return wsp_err_set(c->err, WSP_PARSE, "feed: not an HTML page");
  }
  /* page title as the feed title */
  n = root;
  while (n && rc == WSP_OK && !c->stopped && scripts < MAX_SCRIPTS) {
    if (n->type == XML_ELEMENT_NODE && n->name) {
      const char *name = (const char *)n->name;
      if (strcmp(name, "title") == 0 && !c->meta->title) {
        xmlChar *t = xmlNodeGetContent(n);
        if (t && *t)
          rc = wsp__feed_set_str(&c->meta->title, (const char *)t);
        xmlFree(t);
      } else if (strcmp(name, "script") == 0) {
        xmlChar *type = xmlGetProp(n, (const xmlChar *)"type");
        if (type && ieq_prefix((const char *)type, "application/ld+json")) {
          xmlChar *js = xmlNodeGetContent(n);
          cJSON *j = js ? parse_script((const char *)js) : NULL;
          scripts++;
          if (j)
            rc = wsp__feed_jsonld_walk(c, j);
          else
            c->meta->skipped++;
          cJSON_Delete(j);
          xmlFree(js);
        }
        xmlFree(type);
      }
      if (n->children && strcmp(name, "script") != 0 &&
          strcmp(name, "style") != 0) {
        n = n->children;
        continue;
      }
    }
    while (n && !n->next && n != root)
      n = n->parent;
    if (!n || n == root)
      break;
    n = n->next;
  }
  xmlFreeDoc(doc);
  return rc;
}
