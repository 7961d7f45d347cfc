/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small C expression on a kernel structure ("skb->len > 1000",
 * "(skb->mark & 0xff) != 0", "xdp->rxq->dev->ifindex == 2"), compiled against
 * the running kernel's BTF into the body of a static BPF subprogram.
 *
 *   expr_parse()    text -> syntax tree (no BTF): syntax errors
 *   expr_compile()  syntax tree + BTF -> eBPF: unknown members, non-scalars
 *
 * Language: decimal and hex numbers, enumerator names of the kernel,
 * member chains from the root name (skb or xdp) with -> and ., the
 * operators ! & | == != < <= > >= && || and parentheses, with C's
 * precedence, integer promotions and usual arithmetic conversions. '=' is
 * read as '==' because cilium/pwru accepts it.
 *
 * Meaning, where C leaves it open:
 *   - a member whose type is a __be16/__be32/__be64 typedef is converted to
 *     host byte order when read: 'skb->protocol == 0x0800' is IPv4, as in
 *     cilium/pwru; '<' and '>' on such a member compare numbers too.
 *   - reading through a NULL pointer, or a read the kernel refuses, makes
 *     the whole expression false (the packet does not match).
 *
 * Generated code contract: r1 = the root pointer; out r0 = 1 (match) or 0.
 * It uses at most EXPR_STACK_BYTES below r10. Reads are made one of two ways
 * (enum expr_reads).
 */
#ifndef PWRU_EXPR_H
#define PWRU_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ebpf_insn.h"

/* libbpf's parsed BTF: the compiler only looks types up in it. */
struct btf;

struct expr_ast;

enum expr_root {
	EXPR_ROOT_SKB = 0, /* skb, a struct sk_buff * */
	EXPR_ROOT_XDP,	   /* xdp, a struct xdp_buff * */
};

enum expr_reads {
	/* bpf_probe_read_kernel() into the stack: any program type, any pointer. */
	EXPR_READS_PROBE = 0,
	/* Plain loads through a BTF-typed root (tp_btf, fentry), which the
	 * verifier checks member by member and makes fault-safe: no helper
	 * call. Whether it accepts a given body is for the kernel to say. */
	EXPR_READS_DIRECT = 1,
};

/* Nesting the compiler accepts: parentheses and operand depth. */
#define EXPR_MAX_DEPTH 12
#define EXPR_MAX_LEN 4096
#define EXPR_STACK_BYTES (8 * (EXPR_MAX_DEPTH + 1))

/*
 * Parses src. Returns 0 with *out set (free with expr_ast_free()), or
 * -EINVAL with one line in err ("syntax error at column 9: ...").
 */
int expr_parse(const char *src, struct expr_ast **out, char *err, size_t errlen);
void expr_ast_free(struct expr_ast *ast);

/*
 * Compiles a parsed expression whose root name is root's ("skb"/"xdp")
 * against btf into a freshly allocated *out of *out_len instructions (free()
 * it). Returns 0, or -EINVAL with one line in err naming the member and the
 * type ("struct sk_buff has no member 'foo'"), -ENOMEM.
 */
int expr_compile(const struct expr_ast *ast, enum expr_root root, const struct btf *btf,
		 enum expr_reads reads, struct ebpf_insn **out, size_t *out_len, char *err,
		 size_t errlen);

/* What one member chain ("skb->dev->ifindex") reads, for tests and tools. */
struct expr_access {
	unsigned int hops;		  /* pointers followed before the last read */
	uint32_t offsets[EXPR_MAX_DEPTH]; /* byte offset read at each hop, then the last */
	uint32_t bit_offset;		  /* of the last member, from offsets[hops] * 8 */
	uint32_t bit_size;		  /* 0: not a bitfield */
	uint32_t size;			  /* bytes of the last member's type */
	bool is_signed;
	bool big_endian; /* __be typedef: converted to host order */
	bool is_pointer;
	bool is_bool;
	uint32_t enum_id; /* BTF id of the member's enum type, 0 if not an enum */
};

/* Resolves a lone member chain. Same errors as expr_compile(). */
int expr_resolve(const char *src, enum expr_root root, const struct btf *btf,
		 struct expr_access *acc, char *err, size_t errlen);

const char *expr_root_name(enum expr_root root);

/* --output-skb-metadata: how a value reads back to the user. */
enum expr_format {
	EXPR_FMT_UNSIGNED = 0,
	EXPR_FMT_SIGNED,
	EXPR_FMT_HEX,  /* pointers, and __be members (in host order) */
	EXPR_FMT_BOOL, /* _Bool members: true/false */
	EXPR_FMT_ENUM, /* the enumerator's name when the kernel has one */
};

struct expr_value_info {
	char name[64]; /* the last member ("mtu" for skb->dev->mtu), else the text */
	enum expr_format format;
	uint32_t size;	  /* bytes, for the width of hex */
	uint32_t enum_id; /* EXPR_FMT_ENUM: the enum's BTF id */
};

#define EXPR_MAX_VALUES 4

/*
 * Compiles up to EXPR_MAX_VALUES expressions into one body that stores
 * their values as u64 (in C's value of each: sign-extended when signed) at
 * r2[0..n). A NULL pointer on the way gives 0 for that value only.
 * Contract: r1 = root, r2 = u64 out[n]; r0 = 0. info[i] describes value i.
 */
int expr_compile_values(const struct expr_ast *const *asts, size_t n, enum expr_root root,
			const struct btf *btf, enum expr_reads reads, struct ebpf_insn **out,
			size_t *out_len, struct expr_value_info *info, char *err, size_t errlen);

/* Writes value v as info says; returns 1 when the text is a plain JSON number. */
int expr_value_format(const struct expr_value_info *info, const struct btf *btf, uint64_t v,
		      char *buf, size_t len);

#endif /* PWRU_EXPR_H */
