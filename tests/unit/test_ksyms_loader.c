// SPDX-License-Identifier: GPL-2.0
/* kallsyms symbolization and the probe-id patch applied to every clone. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/bpf.h>

#include "ksyms.h"
#include "loader.h"

static void symbols_with_offsets(void **state)
{
	char path[] = "/tmp/pwru-ksyms-XXXXXX", buf[128];
	struct ksyms *k = NULL;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fprintf(f, "ffffffff81000000 T _text\n"
		   "ffffffff81200000 t nf_hook_slow\n"
		   "ffffffff81200100 T ip_rcv\n"
		   "ffffffff81300000 D some_data\n"
		   "ffffffffc0000000 t veth_xmit\t[veth]\n");
	fclose(f);
	assert_int_equal(ksyms_load(path, &k), 0);
	unlink(path);
	ksyms_format(k, 0xffffffff8120009aULL, buf, sizeof(buf));
	assert_string_equal(buf, "nf_hook_slow+0x9a");
	ksyms_format(k, 0xffffffff81200100ULL, buf, sizeof(buf));
	assert_string_equal(buf, "ip_rcv");
	ksyms_format(k, 0xffffffffc0000010ULL, buf, sizeof(buf));
	assert_string_equal(buf, "veth_xmit+0x10");
	assert_int_equal(ksyms_format(k, 0x1000, buf, sizeof(buf)), -2);
	assert_string_equal(buf, "0x1000");
	assert_true(ksyms_addr(k, "ip_rcv") == 0xffffffff81200100ULL);
	ksyms_free(k);
}

static void hidden_addresses_are_an_error(void **state)
{
	char path[] = "/tmp/pwru-ksyms-XXXXXX";
	struct ksyms *k = NULL;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	/* what a process without CAP_SYSLOG reads */
	fprintf(f, "0000000000000000 T _text\n0000000000000000 t ip_rcv\n");
	fclose(f);
	assert_int_equal(ksyms_load(path, &k), -61 /* -ENODATA */);
	unlink(path);
}

static void probe_id_patch(void **state)
{
	const uint64_t magic = PWRU_PROBE_ID_MAGIC;
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 1, .imm = 5 },
		{ .code = BPF_LD | BPF_IMM | BPF_DW,
		  .dst_reg = 2,
		  .imm = (int32_t)(uint32_t)magic },
		{ .imm = (int32_t)(uint32_t)(magic >> 32) },
		/* a map reference with the same low bits must be left alone */
		{ .code = BPF_LD | BPF_IMM | BPF_DW,
		  .dst_reg = 3,
		  .src_reg = BPF_PSEUDO_MAP_FD,
		  .imm = (int32_t)(uint32_t)magic },
		{ .imm = (int32_t)(uint32_t)(magic >> 32) },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	assert_int_equal(loader_patch_probe_id(insns, 6, 1234), 1);
	assert_int_equal(insns[1].imm, 1234);
	assert_int_equal(insns[2].imm, 0);
	assert_int_equal((uint32_t)insns[3].imm, (uint32_t)magic);
	assert_int_equal(loader_patch_probe_id(insns, 6, 7), 0); /* already patched */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(symbols_with_offsets),
		cmocka_unit_test(hidden_addresses_are_an_error),
		cmocka_unit_test(probe_id_patch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
