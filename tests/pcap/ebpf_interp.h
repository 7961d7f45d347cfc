/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small user-space interpreter for the eBPF subset cbpf_to_ebpf emits, so
 * unit tests and the fuzzer can run translations without a kernel. Every
 * memory access must fall inside the frame or the stack: anything else is
 * reported as an error, because the generated bounds checks must prevent it.
 */
#ifndef PWRU_TEST_EBPF_INTERP_H
#define PWRU_TEST_EBPF_INTERP_H

#include <stddef.h>
#include <stdint.h>
#include "pcap/cbpf_to_ebpf.h"

enum interp_status {
	INTERP_OK = 0,
	INTERP_BAD_ACCESS = -1, /* a load/store outside the frame and the stack */
	INTERP_BAD_INSN = -2,	/* an opcode the translator should never emit */
	INTERP_RUNAWAY = -3,	/* jumped outside the program or ran too long */
	INTERP_BAD_RET = -4,	/* r0 not exactly 0 or 1 at exit */
};

/* Runs prog on frame[0..caplen) of a wire_len-long packet; *verdict = r0. */
int ebpf_interp_run(const struct ebpf_insn *prog, size_t len, const uint8_t *frame, size_t caplen,
		    uint64_t wire_len, int *verdict);

#endif
