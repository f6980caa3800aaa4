/* match/cond.c: rule conditions. Grammar (keywords lower case):
**   expr    := and ('or' and)*
**   and     := unary ('and' unary)*
**   unary   := 'not' unary | primary
**   primary := '(' expr ')' | NAME
**            | (NUMBER | 'any' | 'all') 'of' ('them' | '(' NAME (',' NAME)*
*')')
** Parsed once at load into a postfix program over the rule's pattern-hit
** bitset (at most 64 patterns per rule); evaluation is a few word operations.
** Pure functions; thread-safe. */
#include "match/match_int.h"

#include "core/alloc.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MAX_NEST 64

enum { T_END, T_NAME, T_NUM, T_LP, T_RP, T_COMMA, T_BAD };

typedef struct cparser {
  const char *s;
  size_t pos;  /* current token start */
  size_t next; /* after current token */
  int tok;     /* current token type */
  size_t tlen; /* length of token text */
  unsigned long num;
  const char *const *names;
  size_t npat;
  wsp_cond *c;
  size_t cap;
  int depth;
  char *msg;
  size_t msgsz;
  size_t errpos;
  int failed;
  int nomem;
} cparser;

static void fail_at(cparser *p, size_t pos, const char *msg, const char *arg)
{
  if (p->failed)
    return;
  p->failed = 1;
  p->errpos = pos;
  if (arg)
    snprintf(p->msg, p->msgsz, "%s '%s'", msg, arg);
  else
    snprintf(p->msg, p->msgsz, "%s", msg);
}

static void lex(cparser *p)
{
  const char *s = p->s;
  size_t i = p->next;

  while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
    i++;
  p->pos = i;
  if (!s[i]) {
    p->tok = T_END;
    p->tlen = 0;
    p->next = i;
    return;
  }
  if (s[i] == '(' || s[i] == ')' || s[i] == ',') {
    p->tok = s[i] == '(' ? T_LP : s[i] == ')' ? T_RP : T_COMMA;
    p->tlen = 1;
    p->next = i + 1;
    return;
  }
  if (isdigit((unsigned char)s[i])) {
    size_t j = i;
    unsigned long v = 0;
    while (isdigit((unsigned char)s[j])) {
      if (v < 100000)
        v = v * 10 + (unsigned long)(s[j] - '0');
      j++;
    }
    p->tok = T_NUM;
    p->num = v;
    p->tlen = j - i;
    p->next = j;
    return;
  }
  if (isalpha((unsigned char)s[i]) || s[i] == '_') {
    size_t j = i;
    while (isalnum((unsigned char)s[j]) || s[j] == '_')
      j++;
    p->tok = T_NAME;
    p->tlen = j - i;
    p->next = j;
    return;
  }
  p->tok = T_BAD;
  p->tlen = 1;
  p->next = i + 1;
}

static int is_kw(const cparser *p, const char *kw)
{
  return p->tok == T_NAME && strlen(kw) == p->tlen &&
         memcmp(p->s + p->pos, kw, p->tlen) == 0;
}

static int is_any_kw(const cparser *p)
{
  static const char *kws[] = {"and", "or", "not", "of", "them", "any", "all"};
  for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
    if (is_kw(p, kws[i]))
      return 1;
  return 0;
}

static void emit(cparser *p, uint8_t op, uint32_t n, uint64_t mask)
{
  if (p->failed)
    return;
  if (p->c->nops >= WSP_COND_MAX_OPS) {
    fail_at(p, p->pos, "condition too long (more than 512 operations)", NULL);
    return;
  }
  if (p->c->nops == p->cap) {
    size_t ncap = p->cap ? p->cap * 2 : 8;
    wsp_cop *n2 = wsp_realloc(p->c->ops, ncap * sizeof(*n2));
    if (!n2) {
      p->nomem = 1;
      fail_at(p, p->pos, "out of memory", NULL);
      return;
    }
    p->c->ops = n2;
    p->cap = ncap;
  }
  p->c->ops[p->c->nops++] = (wsp_cop){op, n, mask};
}

static int name_index(cparser *p)
{
  for (size_t i = 0; i < p->npat; i++)
    if (strlen(p->names[i]) == p->tlen &&
        memcmp(p->names[i], p->s + p->pos, p->tlen) == 0)
      return (int)i;
  return -1;
}

static void undefined(cparser *p)
{
  char name[80];
  size_t n = p->tlen < sizeof(name) - 1 ? p->tlen : sizeof(name) - 1;
  memcpy(name, p->s + p->pos, n);
  name[n] = 0;
  fail_at(p, p->pos, "condition names undefined pattern", name);
}

static void parse_or(cparser *p);

/* After NUMBER/any/all: 'of' ('them' | '(' list ')'). Returns the set. */
static uint64_t parse_of_set(cparser *p, size_t *count)
{
  uint64_t set = 0;
  uint64_t all = p->npat >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << p->npat) - 1);

  *count = 0;
  if (!is_kw(p, "of")) {
    fail_at(p, p->pos, "expected 'of'", NULL);
    return 0;
  }
  lex(p);
  if (is_kw(p, "them")) {
    lex(p);
    *count = p->npat;
    return all;
  }
  if (p->tok != T_LP) {
    fail_at(p, p->pos, "expected 'them' or '(' after 'of'", NULL);
    return 0;
  }
  lex(p);
  for (;;) {
    if (p->tok != T_NAME || is_any_kw(p)) {
      fail_at(p, p->pos, "expected a pattern name", NULL);
      return 0;
    }
    int i = name_index(p);
    if (i < 0) {
      undefined(p);
      return 0;
    }
    if (!(set & ((uint64_t)1 << i)))
      (*count)++;
    set |= (uint64_t)1 << i;
    lex(p);
    if (p->tok == T_COMMA) {
      lex(p);
      continue;
    }
    if (p->tok == T_RP) {
      lex(p);
      break;
    }
    fail_at(p, p->pos, "expected ',' or ')' in pattern list", NULL);
    return 0;
  }
  return set;
}

static void parse_primary(cparser *p)
{
  if (p->failed)
    return;
  if (p->tok == T_LP) {
    size_t open = p->pos;
    if (++p->depth > MAX_NEST) {
      fail_at(p, p->pos, "parentheses nested too deeply", NULL);
      return;
    }
    lex(p);
    parse_or(p);
    p->depth--;
    if (p->failed)
      return;
    if (p->tok != T_RP) {
      fail_at(p, open, "unbalanced '('", NULL);
      return;
    }
    lex(p);
    return;
  }
  if (p->tok == T_NUM || is_kw(p, "any") || is_kw(p, "all")) {
    size_t at = p->pos;
    int kind = p->tok == T_NUM ? 0 : is_kw(p, "any") ? 1 : 2;
    unsigned long num = p->num;
    size_t count;
    lex(p);
    uint64_t set = parse_of_set(p, &count);
    if (p->failed)
      return;
    uint32_t n = kind == 1 ? 1u : kind == 2 ? (uint32_t)count : (uint32_t)num;
    if (kind == 0 && (num == 0 || num > count)) {
      fail_at(p, at, "'N of' needs 1 <= N <= the number of patterns listed",
              NULL);
      return;
    }
    p->c->used |= set;
    emit(p, WSP_COP_NOF, n, set);
    return;
  }
  if (p->tok == T_NAME && !is_any_kw(p)) {
    int i = name_index(p);
    if (i < 0) {
      undefined(p);
      return;
    }
    p->c->used |= (uint64_t)1 << i;
    emit(p, WSP_COP_PAT, 0, (uint64_t)1 << i);
    lex(p);
    return;
  }
  if (p->tok == T_END)
    fail_at(p, p->pos, "condition ends where a pattern name was expected",
            NULL);
  else if (p->tok == T_BAD)
    fail_at(p, p->pos, "unexpected character in condition", NULL);
  else
    fail_at(p, p->pos, "expected a pattern name, '(' or 'N of'", NULL);
}

static void parse_unary(cparser *p)
{
  int nots = 0;
  while (!p->failed && is_kw(p, "not")) {
    nots++;
    lex(p);
  }
  parse_primary(p);
  if (nots & 1)
    emit(p, WSP_COP_NOT, 0, 0);
}

static void parse_and(cparser *p)
{
  parse_unary(p);
  while (!p->failed && is_kw(p, "and")) {
    lex(p);
    parse_unary(p);
    emit(p, WSP_COP_AND, 0, 0);
  }
}

static void parse_or(cparser *p)
{
  parse_and(p);
  while (!p->failed && is_kw(p, "or")) {
    lex(p);
    parse_and(p);
    emit(p, WSP_COP_OR, 0, 0);
  }
}

wsp_rc wsp__cond_parse(const char *src, const char *const *names, size_t npat,
                       wsp_cond *c, size_t *errpos, char *msg, size_t msgsz)
{
  cparser p;

  memset(c, 0, sizeof(*c));
  memset(&p, 0, sizeof(p));
  p.s = src;
  p.names = names;
  p.npat = npat > 64 ? 64 : npat;
  p.c = c;
  p.msg = msg;
  p.msgsz = msgsz;
  *errpos = 0;
  if (msgsz)
    msg[0] = 0;
  if (strlen(src) > WSP_COND_MAX_LEN) {
    snprintf(msg, msgsz, "condition longer than %d bytes", WSP_COND_MAX_LEN);
    return WSP_RULES;
  }
  lex(&p);
  if (p.tok == T_END) {
    snprintf(msg, msgsz, "empty condition");
    return WSP_RULES;
  }
  parse_or(&p);
  if (!p.failed && p.tok != T_END)
    fail_at(&p, p.pos, "unexpected text after the condition", NULL);
  if (p.failed) {
    *errpos = p.errpos;
    wsp__cond_cleanup(c);
    return p.nomem ? WSP_NOMEM : WSP_RULES;
  }
  return WSP_OK;
}

int wsp__cond_eval(const wsp_cond *c, uint64_t hits)
{
  uint8_t st[WSP_COND_MAX_OPS + 1];
  size_t sp = 0;

  for (size_t i = 0; i < c->nops; i++) {
    const wsp_cop *o = &c->ops[i];
    switch (o->op) {
    case WSP_COP_PAT:
      st[sp++] = (hits & o->mask) != 0;
      break;
    case WSP_COP_NOF:
      st[sp++] = (uint32_t)__builtin_popcountll(hits & o->mask) >= o->n;
      break;
    case WSP_COP_NOT:
      st[sp - 1] = !st[sp - 1];
      break;
    case WSP_COP_AND:
      sp--;
      st[sp - 1] = st[sp - 1] && st[sp];
      break;
    case WSP_COP_OR:
      sp--;
      st[sp - 1] = st[sp - 1] || st[sp];
      break;
    }
  }
  return sp == 1 && st[0];
}

void wsp__cond_cleanup(wsp_cond *c)
{
  wsp_free(c->ops);
  c->ops = NULL;
  c->nops = 0;
  c->used = 0;
}
