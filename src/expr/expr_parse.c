// SPDX-License-Identifier: GPL-2.0
/*
 * Lexer and recursive-descent parser for the expression language of expr.h.
 * Binary operators at one level loop rather than recurse, so only
 * parentheses and '!' nest the C stack; both are bounded.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "expr.h"
#include "expr_ast.h"

/* Parentheses and '!' one inside the other; the code generator has its own limit. */
#define PARSE_MAX_NEST 64

enum tok_kind {
	T_END,
	T_NUM,
	T_NAME,
	T_ARROW,
	T_DOT,
	T_LPAREN,
	T_RPAREN,
	T_NOT,
	T_BAND,
	T_BOR,
	T_LAND,
	T_LOR,
	T_EQ,
	T_NE,
	T_LT,
	T_LE,
	T_GT,
	T_GE,
};

struct tok {
	enum tok_kind kind;
	int pos, len;
	uint64_t num;
	bool hex;
};

struct parser {
	struct expr_ast *ast;
	const char *s;
	int pos;
	struct tok tok; /* the current token */
	int nest;
	char *err;
	size_t errlen;
};

static int syntax(struct parser *p, int pos, const char *what)
{
	const char *s = p->s + pos;
	char near[13];
	int i;

	if (!*s)
		return set_err(p->err, p->errlen, -EINVAL, "syntax error at the end: %s", what);
	/* The message is one printable line whatever the user typed. */
	for (i = 0; i < 12 && s[i]; i++)
		near[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
	near[i] = '\0';
	return set_err(p->err, p->errlen, -EINVAL, "syntax error at column %d (near '%s'): %s",
		       pos + 1, near, what);
}

static int lex_number(struct parser *p, struct tok *t)
{
	const char *s = p->s + t->pos;
	int base = 10, i = 0, digits = 0;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (s[0] == '0' && isdigit((unsigned char)s[1])) {
		return syntax(p, t->pos, "octal numbers are not supported: write decimal or 0x");
	}
	for (;; i++, digits++) {
		int c = (unsigned char)s[i], d;

		if (isdigit(c))
			d = c - '0';
		else if (base == 16 && isxdigit(c))
			d = tolower(c) - 'a' + 10;
		else
			break;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return syntax(p, t->pos, "number does not fit in 64 bits");
		v = v * (uint64_t)base + (uint64_t)d;
	}
	if (!digits)
		return syntax(p, t->pos, "hex number without digits");
	if (isalnum((unsigned char)s[i]) || s[i] == '_')
		return syntax(p, t->pos + i, "unexpected character in a number");
	t->kind = T_NUM;
	t->len = i;
	t->num = v;
	t->hex = base == 16;
	return 0;
}

/* Two-character operators first, then single ones. */
static const struct {
	const char *text;
	enum tok_kind kind;
} operators[] = {
	{ "->", T_ARROW }, { "&&", T_LAND }, { "||", T_LOR },	{ "==", T_EQ },
	{ "!=", T_NE },	   { "<=", T_LE },   { ">=", T_GE },	{ "<", T_LT },
	{ ">", T_GT },	   { "=", T_EQ },    { "!", T_NOT },	{ "&", T_BAND },
	{ "|", T_BOR },	   { ".", T_DOT },   { "(", T_LPAREN }, { ")", T_RPAREN },
};

static int next(struct parser *p)
{
	const char *s = p->s;
	struct tok *t = &p->tok;

	while (isspace((unsigned char)s[p->pos]))
		p->pos++;
	memset(t, 0, sizeof(*t));
	t->pos = p->pos;
	if (!s[p->pos]) {
		t->kind = T_END;
		return 0;
	}
	if (isdigit((unsigned char)s[p->pos])) {
		int ret = lex_number(p, t);

		p->pos += t->len;
		return ret;
	}
	if (isalpha((unsigned char)s[p->pos]) || s[p->pos] == '_') {
		while (isalnum((unsigned char)s[p->pos]) || s[p->pos] == '_')
			p->pos++;
		t->kind = T_NAME;
		t->len = p->pos - t->pos;
		return 0;
	}
	for (size_t i = 0; i < sizeof(operators) / sizeof(operators[0]); i++) {
		size_t n = strlen(operators[i].text);

		if (!strncmp(s + p->pos, operators[i].text, n)) {
			t->kind = operators[i].kind;
			t->len = (int)n;
			p->pos += (int)n;
			return 0;
		}
	}
	return syntax(p, p->pos, "unexpected character");
}

static int new_node(struct parser *p, enum expr_kind kind, int col)
{
	struct expr_ast *a = p->ast;
	struct expr_node *n = &a->nodes[a->n_nodes];

	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->col = col;
	n->left = n->right = -1;
	return a->n_nodes++;
}

static int parse_or(struct parser *p);

static int parse_primary(struct parser *p)
{
	struct tok t = p->tok;
	int n, ret;

	switch (t.kind) {
	case T_NUM:
		n = new_node(p, EK_NUM, t.pos + 1);
		p->ast->nodes[n].num = t.num;
		p->ast->nodes[n].hex = t.hex;
		ret = next(p);
		return ret ? ret : n;
	case T_NAME:
		n = new_node(p, EK_NAME, t.pos + 1);
		p->ast->nodes[n].name = p->ast->text + t.pos;
		p->ast->nodes[n].name_len = t.len;
		ret = next(p);
		return ret ? ret : n;
	case T_LPAREN:
		if (++p->nest > PARSE_MAX_NEST)
			return syntax(p, t.pos, "parentheses nest too deep");
		ret = next(p);
		if (ret)
			return ret;
		n = parse_or(p);
		if (n < 0)
			return n;
		if (p->tok.kind != T_RPAREN)
			return syntax(p, p->tok.pos, "expected ')'");
		p->nest--;
		ret = next(p);
		return ret ? ret : n;
	default:
		return syntax(p, t.pos, "expected a number, a name or '('");
	}
}

static int parse_postfix(struct parser *p)
{
	int n = parse_primary(p), ret;

	while (n >= 0 && (p->tok.kind == T_ARROW || p->tok.kind == T_DOT)) {
		bool arrow = p->tok.kind == T_ARROW;
		int m, col = p->tok.pos + 1;

		ret = next(p);
		if (ret)
			return ret;
		if (p->tok.kind != T_NAME)
			return syntax(p, p->tok.pos,
				      arrow ? "expected a member name after '->'" :
					      "expected a member name after '.'");
		m = new_node(p, EK_MEMBER, col);
		p->ast->nodes[m].arrow = arrow;
		p->ast->nodes[m].left = n;
		p->ast->nodes[m].name = p->ast->text + p->tok.pos;
		p->ast->nodes[m].name_len = p->tok.len;
		ret = next(p);
		if (ret)
			return ret;
		n = m;
	}
	return n;
}

static int parse_unary(struct parser *p)
{
	int n, col, ret;

	if (p->tok.kind != T_NOT)
		return parse_postfix(p);
	col = p->tok.pos + 1;
	if (++p->nest > PARSE_MAX_NEST)
		return syntax(p, p->tok.pos, "'!' nests too deep");
	ret = next(p);
	if (ret)
		return ret;
	n = parse_unary(p);
	if (n < 0)
		return n;
	p->nest--;
	ret = new_node(p, EK_NOT, col);
	p->ast->nodes[ret].left = n;
	return ret;
}

/* One precedence level: operands from sub, joined left to right by its operators. */
struct level {
	int (*sub)(struct parser *p);
	enum tok_kind toks[4];
	enum expr_op ops[4];
	int n;
};

static int parse_level(struct parser *p, const struct level *l)
{
	int left = l->sub(p);

	while (left >= 0) {
		int i, right, n, col = p->tok.pos + 1, ret;

		for (i = 0; i < l->n && p->tok.kind != l->toks[i]; i++)
			;
		if (i == l->n)
			break;
		ret = next(p);
		if (ret)
			return ret;
		right = l->sub(p);
		if (right < 0)
			return right;
		n = new_node(p, EK_BINARY, col);
		p->ast->nodes[n].op = l->ops[i];
		p->ast->nodes[n].left = left;
		p->ast->nodes[n].right = right;
		left = n;
	}
	return left;
}

static int parse_rel(struct parser *p)
{
	static const struct level l = {
		parse_unary, { T_LT, T_LE, T_GT, T_GE }, { EO_LT, EO_LE, EO_GT, EO_GE }, 4
	};
	return parse_level(p, &l);
}

static int parse_eq(struct parser *p)
{
	static const struct level l = { parse_rel, { T_EQ, T_NE }, { EO_EQ, EO_NE }, 2 };
	return parse_level(p, &l);
}

static int parse_band(struct parser *p)
{
	static const struct level l = { parse_eq, { T_BAND }, { EO_BAND }, 1 };
	return parse_level(p, &l);
}

static int parse_bor(struct parser *p)
{
	static const struct level l = { parse_band, { T_BOR }, { EO_BOR }, 1 };
	return parse_level(p, &l);
}

static int parse_and(struct parser *p)
{
	static const struct level l = { parse_bor, { T_LAND }, { EO_LAND }, 1 };
	return parse_level(p, &l);
}

static int parse_or(struct parser *p)
{
	static const struct level l = { parse_and, { T_LOR }, { EO_LOR }, 1 };
	return parse_level(p, &l);
}

void expr_ast_free(struct expr_ast *ast)
{
	if (!ast)
		return;
	free(ast->text);
	free(ast->nodes);
	free(ast);
}

int expr_parse(const char *src, struct expr_ast **out, char *err, size_t errlen)
{
	struct parser p = { .err = err, .errlen = errlen };
	size_t len = strlen(src);
	int ret;

	*out = NULL;
	if (len > EXPR_MAX_LEN)
		return set_err(err, errlen, -EINVAL, "expression longer than %d characters",
			       EXPR_MAX_LEN);
	p.ast = calloc(1, sizeof(*p.ast));
	if (!p.ast)
		return -ENOMEM;
	/* Every node takes at least one character of the source. */
	p.ast->text = strdup(src);
	p.ast->nodes = calloc(len + 1, sizeof(*p.ast->nodes));
	if (!p.ast->text || !p.ast->nodes) {
		expr_ast_free(p.ast);
		return -ENOMEM;
	}
	p.s = p.ast->text;
	ret = next(&p);
	if (!ret && p.tok.kind == T_END)
		ret = syntax(&p, p.tok.pos, "empty expression");
	if (!ret)
		ret = parse_or(&p);
	if (ret >= 0 && p.tok.kind != T_END)
		ret = syntax(&p, p.tok.pos,
			     p.tok.kind == T_RPAREN ? "')' without '('" : "expected an operator");
	if (ret < 0) {
		expr_ast_free(p.ast);
		return ret;
	}
	p.ast->root = ret;
	*out = p.ast;
	return 0;
}
