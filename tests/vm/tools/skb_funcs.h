/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel functions taking a struct sk_buff *, as the backends will find
 * them: from vmlinux BTF, kept only if ftrace can patch them. */
#ifndef VM_SKB_FUNCS_H
#define VM_SKB_FUNCS_H

#include <stddef.h>

struct skb_funcs {
	char **names;
	size_t count;	     /* attachable: in BTF and available_filter_functions */
	size_t btf_count;    /* with an skb parameter in BTF, attachable or not */
	int filter_readable; /* available_filter_functions could be read */
};

/* 0 or negative errno; on success free with skb_funcs_free(). */
int skb_funcs_find(struct skb_funcs *out);
void skb_funcs_free(struct skb_funcs *f);

#endif
