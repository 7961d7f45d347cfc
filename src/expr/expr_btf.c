// SPDX-License-Identifier: GPL-2.0
/*
 * Member chains against the kernel's BTF: where each pointer on the way is,
 * where the last member is (down to the bit), and how to read it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>

#include "errmsg.h"
#include "expr_btf.h"

static const char *const root_structs[] = { "sk_buff", "xdp_buff" };
static const char *const root_names[] = { "skb", "xdp" };

const char *expr_root_name(enum expr_root root)
{
	return root_names[root];
}

static const struct btf_type *skip_mods(const struct btf *btf, uint32_t *id)
{
	const struct btf_type *t = btf__type_by_id(btf, *id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		*id = t->type;
		t = btf__type_by_id(btf, *id);
	}
	return t;
}

/* How C would name the type, for messages: "struct net_device *", "__be16". */
static void type_name(const struct btf *btf, uint32_t id, char *buf, size_t len)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name;
	char inner[128];

	if (!t) {
		snprintf(buf, len, "void");
		return;
	}
	name = btf__name_by_offset(btf, t->name_off);
	if (btf_is_mod(t)) {
		type_name(btf, t->type, buf, len);
	} else if (btf_is_ptr(t)) {
		type_name(btf, t->type, inner, sizeof(inner));
		snprintf(buf, len, "%s *", inner);
	} else if (btf_is_array(t)) {
		type_name(btf, btf_array(t)->type, inner, sizeof(inner));
		snprintf(buf, len, "%s[%u]", inner, btf_array(t)->nelems);
	} else if (btf_is_composite(t) || btf_is_any_enum(t)) {
		snprintf(buf, len, "%s %s",
			 btf_is_struct(t) ? "struct" :
			 btf_is_union(t)  ? "union" :
					    "enum",
			 name && *name ? name : "(anonymous)");
	} else if (btf_is_func_proto(t)) {
		snprintf(buf, len, "a function");
	} else if (btf_is_typedef(t)) {
		uint32_t base = t->type;
		const struct btf_type *bt = skip_mods(btf, &base);

		if (bt && (btf_is_composite(bt) || btf_is_any_enum(bt))) {
			type_name(btf, base, inner, sizeof(inner));
			snprintf(buf, len, "%s (%s)", name, inner);
		} else {
			snprintf(buf, len, "%s", name);
		}
	} else {
		snprintf(buf, len, "%s", name && *name ? name : "?");
	}
}

/* Finds name in a struct or union, looking into anonymous members as C does. */
static int find_member(const struct btf *btf, const struct btf_type *t, const char *name,
		       int name_len, uint32_t *bit_off, uint32_t *type_id, uint32_t *bitfield)
{
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		uint32_t off = btf_member_bit_offset(t, i);

		if (mn && *mn) {
			if ((int)strlen(mn) == name_len && !strncmp(mn, name, name_len)) {
				*bit_off = off;
				*type_id = m->type;
				*bitfield = btf_member_bitfield_size(t, i);
				return 1;
			}
			continue;
		}
		uint32_t inner_id = m->type;
		const struct btf_type *inner = skip_mods(btf, &inner_id);

		if (inner && btf_is_composite(inner) &&
		    find_member(btf, inner, name, name_len, bit_off, type_id, bitfield)) {
			*bit_off += off;
			return 1;
		}
	}
	return 0;
}

static bool is_big_endian(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		const char *name = btf__name_by_offset(btf, t->name_off);

		if (btf_is_typedef(t) && name && !strncmp(name, "__be", 4))
			return true;
		t = btf__type_by_id(btf, t->type);
	}
	return false;
}

struct walk {
	const struct expr_ast *ast;
	const struct btf *btf;
	enum expr_root root;
	char path[256]; /* the chain so far, as the user wrote it */
	char *err;
	size_t errlen;
};

static void path_append(struct walk *w, const struct expr_node *n)
{
	size_t used = strlen(w->path);

	snprintf(w->path + used, sizeof(w->path) - used, "%s%.*s",
		 n->kind == EK_MEMBER ? (n->arrow ? "->" : ".") : "", n->name_len, n->name);
}

/* The chain from the root name to node, root first. */
static int chain_of(const struct expr_ast *ast, int node, int *chain, int max)
{
	int n = 0;

	for (int i = node; i >= 0; i = ast->nodes[i].kind == EK_MEMBER ? ast->nodes[i].left : -1) {
		if (n == max)
			return -1;
		chain[n++] = i;
	}
	for (int i = 0; i < n / 2; i++) {
		int tmp = chain[i];

		chain[i] = chain[n - 1 - i];
		chain[n - 1 - i] = tmp;
	}
	return n;
}

static int check_root(struct walk *w, const struct expr_node *n, uint32_t *root_id)
{
	const char *want = root_names[w->root];
	int id;

	if (n->kind != EK_NAME || n->name_len != (int)strlen(want) ||
	    strncmp(n->name, want, n->name_len))
		return set_err(w->err, w->errlen, -EINVAL,
			       "column %d: a member chain starts from '%s' (struct %s *)", n->col,
			       want, root_structs[w->root]);
	id = btf__find_by_name_kind(w->btf, root_structs[w->root], BTF_KIND_STRUCT);
	if (id <= 0)
		return set_err(w->err, w->errlen, -ENOENT, "this kernel's BTF has no struct %s",
			       root_structs[w->root]);
	*root_id = (uint32_t)id;
	return 0;
}

/* What the finished walk reads: size, sign, byte order, and that it is a scalar. */
static int describe_last(struct walk *w, uint32_t type_id, bool in_reg, struct expr_access *acc)
{
	uint32_t id = type_id;
	const struct btf_type *t = skip_mods(w->btf, &id);
	char tn[160];
	int64_t size;

	if (in_reg) { /* the bare root pointer */
		acc->is_pointer = true;
		acc->size = 8;
		return 0;
	}
	if (!t || !(btf_is_int(t) || btf_is_any_enum(t) || btf_is_ptr(t))) {
		type_name(w->btf, type_id, tn, sizeof(tn));
		return set_err(w->err, w->errlen, -EINVAL,
			       "'%s' is %s, not a scalar (an integer, enum or pointer)", w->path,
			       tn);
	}
	size = btf__resolve_size(w->btf, id);
	if (size <= 0 || size > 8) {
		type_name(w->btf, type_id, tn, sizeof(tn));
		return set_err(w->err, w->errlen, -EINVAL, "'%s' is %s, wider than 8 bytes",
			       w->path, tn);
	}
	acc->size = (uint32_t)size;
	acc->is_pointer = btf_is_ptr(t);
	if (btf_is_int(t)) {
		acc->is_signed = btf_int_encoding(t) & BTF_INT_SIGNED;
		acc->is_bool = btf_int_encoding(t) & BTF_INT_BOOL;
	} else if (btf_is_any_enum(t)) {
		acc->is_signed = btf_kflag(t);
		acc->enum_id = id;
	}
	acc->big_endian = !acc->bit_size && size > 1 && is_big_endian(w->btf, type_id);
	return 0;
}

/* One '->' or '.' step: from the current type into its member called n->name. */
static int step(struct walk *w, const struct expr_node *n, uint32_t *type_id, bool *in_reg,
		uint32_t *bit_off, struct expr_access *acc)
{
	uint32_t id = *type_id, moff, mtype, mbits;
	const struct btf_type *t = skip_mods(w->btf, &id);
	char tn[160];

	type_name(w->btf, *type_id, tn, sizeof(tn));
	if (acc->bit_size)
		return set_err(w->err, w->errlen, -EINVAL, "'%s' is a bitfield, it has no members",
			       w->path);
	if (n->arrow) {
		if (t && btf_is_composite(t))
			return set_err(w->err, w->errlen, -EINVAL,
				       "'%s' is %s, not a pointer: use '.' for its members",
				       w->path, tn);
		if (!t || !btf_is_ptr(t))
			return set_err(w->err, w->errlen, -EINVAL,
				       "'%s' is %s, which has no members", w->path, tn);
		if (!*in_reg) {
			if (acc->hops + 1 >= EXPR_MAX_DEPTH)
				return set_err(w->err, w->errlen, -EINVAL,
					       "'%s': more than %d pointers to follow", w->path,
					       EXPR_MAX_DEPTH - 1);
			acc->offsets[acc->hops++] = *bit_off / 8;
		}
		*in_reg = false;
		*bit_off = 0;
		id = t->type;
		t = skip_mods(w->btf, &id);
		type_name(w->btf, id, tn, sizeof(tn));
	} else if (t && btf_is_ptr(t)) {
		return set_err(w->err, w->errlen, -EINVAL,
			       "'%s' is a pointer (%s): use '->' for its members", w->path, tn);
	}
	if (!t || !btf_is_composite(t))
		return set_err(w->err, w->errlen, -EINVAL, "'%s' is %s, which has no members",
			       w->path, tn);
	if (!find_member(w->btf, t, n->name, n->name_len, &moff, &mtype, &mbits))
		return set_err(w->err, w->errlen, -EINVAL, "%s has no member '%.*s'", tn,
			       n->name_len, n->name);
	*bit_off += moff;
	*type_id = mtype;
	acc->bit_size = mbits;
	return 0;
}

int expr_btf_resolve(const struct expr_ast *ast, int node, enum expr_root root,
		     const struct btf *btf, struct expr_access *acc, char *err, size_t errlen)
{
	struct walk w = { .ast = ast, .btf = btf, .root = root, .err = err, .errlen = errlen };
	int chain[EXPR_MAX_LEN], n;
	uint32_t type_id, bit_off = 0;
	bool in_reg = true;
	int ret;

	memset(acc, 0, sizeof(*acc));
	n = chain_of(ast, node, chain, EXPR_MAX_LEN);
	if (n < 1)
		return set_err(err, errlen, -EINVAL, "member chain too long");
	ret = check_root(&w, &ast->nodes[chain[0]], &type_id);
	if (ret)
		return ret;
	path_append(&w, &ast->nodes[chain[0]]);
	/* The root is a pointer held in a register: the first '->' reads nothing. */
	for (int i = 1; i < n; i++) {
		const struct expr_node *m = &ast->nodes[chain[i]];

		if (i == 1 && !m->arrow)
			return set_err(err, errlen, -EINVAL,
				       "'%s' is a pointer (struct %s *): use '->' for its members",
				       w.path, root_structs[root]);
		if (i > 1 || !m->arrow) {
			ret = step(&w, m, &type_id, &in_reg, &bit_off, acc);
		} else {
			/* skb->x: the struct itself is the current type, already in hand. */
			struct expr_node dot = *m;

			dot.arrow = false;
			in_reg = false;
			ret = step(&w, &dot, &type_id, &in_reg, &bit_off, acc);
		}
		if (ret)
			return ret;
		path_append(&w, m);
	}
	acc->offsets[acc->hops] = bit_off / 8;
	acc->bit_offset = acc->bit_size ? bit_off % 8 : 0;
	if (acc->bit_size && acc->bit_offset + acc->bit_size > 64)
		return set_err(err, errlen, -EINVAL, "'%s': a bitfield across more than 8 bytes",
			       w.path);
	if (!acc->bit_size && bit_off % 8)
		return set_err(err, errlen, -EINVAL, "'%s' does not start on a byte", w.path);
	ret = describe_last(&w, type_id, in_reg, acc);
	if (ret)
		return ret;
	if (acc->bit_size) /* its bytes, not its base type's */
		acc->size = (acc->bit_offset + acc->bit_size + 7) / 8;
	return 0;
}

int expr_btf_enumerator(const struct btf *btf, const char *name, int len, int64_t *value,
			bool *is_signed)
{
	uint32_t n = btf__type_cnt(btf);

	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t);

			for (int i = 0; i < btf_vlen(t); i++, e++) {
				const char *en = btf__name_by_offset(btf, e->name_off);

				if ((int)strlen(en) == len && !strncmp(en, name, len)) {
					*is_signed = btf_kflag(t);
					*value = btf_kflag(t) ? (int64_t)e->val :
								(int64_t)(uint32_t)e->val;
					return 1;
				}
			}
		} else if (btf_is_enum64(t)) {
			const struct btf_enum64 *e = btf_enum64(t);

			for (int i = 0; i < btf_vlen(t); i++, e++) {
				const char *en = btf__name_by_offset(btf, e->name_off);

				if ((int)strlen(en) == len && !strncmp(en, name, len)) {
					*is_signed = btf_kflag(t);
					*value = (int64_t)btf_enum64_value(e);
					return 1;
				}
			}
		}
	}
	return 0;
}
