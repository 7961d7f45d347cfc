/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_RETNAMES_H
#define PWRU_RETNAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct btf;
struct probe_list;
struct retnames;

/*
 * --output-return: what a probed function's result means, read once from its
 * BTF return type and the kernel's conventions: a negative errno, a
 * netfilter verdict, a NET_XMIT or NET_RX code, an enum's name, a pointer.
 */
int retnames_new(const struct btf *vmlinux, const struct probe_list *pl, struct retnames **out);
void retnames_free(struct retnames *rn);

struct ret_value {
	int64_t value;	  /* the register cut to the type's width, sign-extended when signed */
	bool pointer;	  /* print in hex */
	const char *name; /* "-EPERM", "NF_DROP", or NULL when the value has none */
	char buf[64];	  /* room for the name when it is formatted */
};

void retnames_decode(const struct retnames *rn, uint32_t probe_id, uint64_t raw,
		     struct ret_value *out);
/* "EHOSTUNREACH" for 113, the kernel's own codes (ENOTSUPP) too; NULL when unknown. */
const char *errno_name(int err);

#endif
