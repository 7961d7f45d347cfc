// SPDX-License-Identifier: GPL-2.0
/*
 * Probe: may a tp_btf program load bytes straight through skb->head?
 *
 * Recent verifiers type a non-struct pointer read from a BTF object
 * (unsigned char *head) as read-only untrusted memory, and turn loads through
 * it into fault-safe PROBE_MEM loads; older ones make it a plain number that
 * must go through bpf_probe_read_kernel(). The probe performs the same moves
 * as the generated direct-load code: head + mac_header, a variable offset,
 * a pointer difference for the length, and a byte load.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "inject.h"

/* Byte offset of member 'name' in struct type_id, looking into anonymous members. */
static long member_offset(const struct btf *btf, __u32 type_id, const char *name)
{
	const struct btf_type *t = btf__type_by_id(btf, btf__resolve_type(btf, type_id));
	const struct btf_member *m;

	if (!t || !(btf_is_struct(t) || btf_is_union(t)))
		return -1;
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		long inner;

		if (mn && !strcmp(mn, name))
			return btf_member_bit_offset(t, i) / 8;
		if (mn && *mn)
			continue;
		inner = member_offset(btf, m->type, name);
		if (inner >= 0)
			return btf_member_bit_offset(t, i) / 8 + inner;
	}
	return -1;
}

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

int inject_probe_direct_loads(void)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	long head, mac, tail;
	int skb_id, tp_id, fd;

	if (!vmlinux)
		return 0;
	skb_id = btf__find_by_name_kind(vmlinux, "sk_buff", BTF_KIND_STRUCT);
	tp_id = btf__find_by_name_kind(vmlinux, "btf_trace_netif_receive_skb", BTF_KIND_TYPEDEF);
	head = skb_id > 0 ? member_offset(vmlinux, skb_id, "head") : -1;
	mac = skb_id > 0 ? member_offset(vmlinux, skb_id, "mac_header") : -1;
	tail = skb_id > 0 ? member_offset(vmlinux, skb_id, "tail") : -1;
	btf__free(vmlinux);
	if (tp_id <= 0 || head < 0 || mac < 0 || tail < 0)
		return 0;

	struct bpf_insn prog[] = {
		INSN(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_6, BPF_REG_1, 0, 0), /* skb */
		INSN(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_7, BPF_REG_6, (short)head, 0),
		INSN(BPF_LDX | BPF_MEM | BPF_H, BPF_REG_8, BPF_REG_6, (short)mac, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_X, BPF_REG_7, BPF_REG_8, 0, 0), /* data */
		INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_9, BPF_REG_6, (short)tail, 0),
		INSN(BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_9, 0, 0, 0xffff),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_7, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_X, BPF_REG_2, BPF_REG_9, 0, 0), /* data_end */
		INSN(BPF_ALU64 | BPF_SUB | BPF_X, BPF_REG_2, BPF_REG_7, 0, 0), /* caplen */
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_7, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_X, BPF_REG_1, BPF_REG_2, 0, 0),
		INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_0, BPF_REG_1, 1, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_RAW_TP,
		    .attach_btf_id = (__u32)tp_id);

	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "pwru_pcap_probe", "GPL", prog,
			   sizeof(prog) / sizeof(prog[0]), &opts);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}
