/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An eBPF instruction as our code generators write it: the kernel's struct
 * bpf_insn layout under a name of our own, so generators need neither
 * libbpf's headers nor libpcap's (which defines a struct bpf_insn of its own).
 */
#ifndef PWRU_EBPF_INSN_H
#define PWRU_EBPF_INSN_H

#include <stdint.h>

struct ebpf_insn {
	uint8_t code;
	uint8_t dst_reg : 4;
	uint8_t src_reg : 4;
	int16_t off;
	int32_t imm;
};

#endif /* PWRU_EBPF_INSN_H */
