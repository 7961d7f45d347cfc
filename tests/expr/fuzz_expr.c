// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the expression parser and compiler, against this
 * kernel's BTF. Input byte 0 picks the root (even: skb, odd: xdp), the rest
 * is the expression, compiled as a filter and as a metadata field. A crash, a leak, an error message that is empty or
 * spans lines, or generated code that breaks the contract (empty, not
 * ending in exit, a jump leaving the program or going backwards, a call to
 * anything but bpf_probe_read_kernel) aborts.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/btf.h>

#include "expr/expr.h"

static struct btf *vmlinux;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		abort();
	return 0;
}

static void check_code(const struct ebpf_insn *v, size_t n)
{
	if (!n || v[n - 1].code != (BPF_JMP | BPF_EXIT))
		abort();
	for (size_t i = 0; i < n; i++) {
		uint8_t cls = BPF_CLASS(v[i].code), op = BPF_OP(v[i].code);

		if (v[i].code == (BPF_LD | BPF_IMM | BPF_DW)) {
			i++;
			continue;
		}
		if (cls != BPF_JMP)
			continue;
		if (op == BPF_CALL && v[i].imm != BPF_FUNC_probe_read_kernel)
			abort();
		if (op == BPF_CALL || op == BPF_EXIT)
			continue;
		if (v[i].off < 0 || i + 1 + (size_t)v[i].off >= n)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum expr_root root;
	struct expr_ast *ast;
	struct ebpf_insn *insns;
	char *src, err[512];
	size_t len;
	int ret;

	if (size < 1 || size > EXPR_MAX_LEN + 2)
		return 0;
	root = data[0] & 1 ? EXPR_ROOT_XDP : EXPR_ROOT_SKB;
	src = malloc(size);
	if (!src)
		return 0;
	memcpy(src, data + 1, size - 1);
	src[size - 1] = '\0';
	err[0] = '\0';
	ret = expr_parse(src, &ast, err, sizeof(err));
	if (!ret) {
		struct expr_value_info info;

		ret = expr_compile(ast, root, vmlinux, EXPR_READS_PROBE, &insns, &len, err,
				   sizeof(err));
		if (!ret) {
			check_code(insns, len);
			free(insns);
			/* with direct loads, and as an --output-skb-metadata field */
			if (expr_compile(ast, root, vmlinux, EXPR_READS_DIRECT, &insns, &len, err,
					 sizeof(err)))
				abort();
			check_code(insns, len);
			free(insns);
			for (int reads = 0; reads < 2; reads++) {
				if (expr_compile_values((const struct expr_ast *const *)&ast, 1,
							root, vmlinux, reads, &insns, &len, &info,
							err, sizeof(err)))
					abort();
				check_code(insns, len);
				free(insns);
			}
		}
		expr_ast_free(ast);
	}
	if (ret && ret != -ENOMEM && (!err[0] || strchr(err, '\n')))
		abort();
	free(src);
	return 0;
}
