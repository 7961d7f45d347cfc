/* SPDX-License-Identifier: GPL-2.0 */
/* The syntax tree shared by the parser and the code generator (internal). */
#ifndef PWRU_EXPR_AST_H
#define PWRU_EXPR_AST_H

#include <stdbool.h>
#include <stdint.h>

enum expr_kind {
	EK_NUM,	   /* num, hex */
	EK_NAME,   /* name: the root, or an enumerator of the kernel */
	EK_MEMBER, /* left -> name, or left . name (arrow) */
	EK_NOT,	   /* ! left */
	EK_BINARY, /* left op right */
};

enum expr_op {
	EO_EQ,
	EO_NE,
	EO_LT,
	EO_LE,
	EO_GT,
	EO_GE,
	EO_BAND, /* & */
	EO_BOR,	 /* | */
	EO_LAND, /* && */
	EO_LOR,	 /* || */
};

struct expr_node {
	enum expr_kind kind;
	enum expr_op op;
	int col; /* 1-based column of the token, for messages */
	bool arrow;
	bool hex;
	uint64_t num;
	const char *name; /* points into expr_ast.text, name_len bytes */
	int name_len;
	int left, right; /* node indexes, -1 for none */
};

struct expr_ast {
	char *text; /* a copy of the source */
	struct expr_node *nodes;
	int n_nodes;
	int root; /* index of the top node */
};

#endif /* PWRU_EXPR_AST_H */
