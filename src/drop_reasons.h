/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_DROP_REASONS_H
#define PWRU_DROP_REASONS_H

#include <stdint.h>

struct btf;
struct drop_reasons;

/* Reads enum skb_drop_reason (and the subsystem enums) from the kernel's BTF. */
int drop_reasons_load(const struct btf *vmlinux, struct drop_reasons **out);
void drop_reasons_free(struct drop_reasons *d);
/* "SKB_DROP_REASON_NETFILTER_DROP", or NULL when the value has no name. */
const char *drop_reason_name(const struct drop_reasons *d, uint32_t value);

#endif
