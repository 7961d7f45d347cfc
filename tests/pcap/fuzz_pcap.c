// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the filter compiler and the translator.
 * Input byte 0 chooses what the rest is:
 *   even: a pcap-filter expression, compiled by libpcap for L2 and L3
 *   odd:  byte 1 = instruction count, then raw cBPF instructions, then a frame
 * Every translation is run in tests/pcap/ebpf_interp.c on a few frames: an
 * access outside the frame, an instruction we never emit, a runaway or a
 * verdict other than 0/1 aborts, and so does a verdict different from
 * libpcap's bpf_filter() wherever libpcap's own result is well defined.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pcap/cbpf_to_ebpf.h"
#include "pcap/pcap_compile.h"
#include "ebpf_interp.h"

#define MAX_EXPR 512
#define MAX_INSNS 64

static const uint8_t sample_frames[][80] = {
	/* IPv4/TCP to 198.18.0.2:80 */
	{ 2, 0,	 0,    0,    0,	   2,  2,  0, 0, 0, 0,	 1,  0x08, 0x00, 0x45, 0,
	  0, 40, 0,    0,    0x40, 0,  64, 6, 0, 0, 198, 18, 0,	   1,	 198,  18,
	  0, 2,	 0x9c, 0x40, 0,	   80, 0,  0, 0, 1, 0,	 0,  0,	   0,	 0x50, 0x02 },
	/* VLAN 100, IPv6/UDP */
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1,	 0x81,
	  0x00, 0x00, 100,  0x86, 0xdd, 0x60, 0, 0, 0, 0, 8, 17, 64 },
};

/* libpcap 1.10 leaves shifts by k >= 32 to C and scratch memory uninitialised:
 * compare verdicts only where its answer does not depend on either. */
static int reference_defined(const struct cbpf_insn *prog, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint16_t c = prog[i].code;

		if ((c == 0x64 || c == 0x74) && prog[i].k >= 32) /* alu lsh/rsh k */
			return 0;
		if (c == 0x60 || c == 0x61) /* ld/ldx mem */
			return 0;
	}
	return pcap_reference_valid(prog, len);
}

static void run_one(const struct ebpf_insn *e, size_t n, const struct cbpf_insn *prog, size_t len,
		    const uint8_t *frame, size_t frame_len, int compare)
{
	for (size_t cap = 0; cap <= frame_len; cap += frame_len / 3 + 1) {
		int verdict = -1;

		if (ebpf_interp_run(e, n, frame, cap, frame_len, &verdict) != INTERP_OK)
			abort();
		if (compare && verdict != pcap_reference_match(prog, len, frame,
							       (unsigned)frame_len, (unsigned)cap))
			abort();
	}
}

static void translate_and_run(const struct cbpf_insn *prog, size_t len, const uint8_t *frame,
			      size_t frame_len)
{
	int compare = reference_defined(prog, len);

	for (int mode = CBPF_LOAD_PROBE_READ; mode <= CBPF_LOAD_DIRECT; mode++) {
		struct cbpf_xlate_opts opts = { .mode = mode };
		struct ebpf_insn *e = NULL;
		size_t n = 0;
		char err[256];

		if (cbpf_to_ebpf(prog, len, &opts, &e, &n, err, sizeof(err)))
			continue;
		for (size_t f = 0; f < sizeof(sample_frames) / sizeof(sample_frames[0]); f++)
			run_one(e, n, prog, len, sample_frames[f], sizeof(sample_frames[f]),
				compare);
		if (frame)
			run_one(e, n, prog, len, frame, frame_len, compare);
		free(e);
	}
}

static void fuzz_expression(const uint8_t *data, size_t size)
{
	char expr[MAX_EXPR + 1];
	size_t n = size < MAX_EXPR ? size : MAX_EXPR;

	memcpy(expr, data, n);
	expr[n] = 0;
	for (int link = PCAP_LINK_ETHERNET; link <= PCAP_LINK_RAW_IP; link++) {
		struct cbpf_insn *prog = NULL;
		size_t len = 0;
		char err[256];

		if (pcap_compile_expr(expr, link, &prog, &len, err, sizeof(err)))
			continue;
		translate_and_run(prog, len, NULL, 0);
		free(prog);
	}
}

static void fuzz_cbpf(const uint8_t *data, size_t size)
{
	struct cbpf_insn prog[MAX_INSNS];
	size_t len;

	if (size < 1)
		return;
	len = (size_t)(data[0] % MAX_INSNS) + 1;
	data++, size--;
	if (size < len * sizeof(prog[0]))
		return;
	memcpy(prog, data, len * sizeof(prog[0]));
	translate_and_run(prog, len, data + len * sizeof(prog[0]), size - len * sizeof(prog[0]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		fuzz_cbpf(data + 1, size - 1);
	else
		fuzz_expression(data + 1, size - 1);
	return 0;
}
