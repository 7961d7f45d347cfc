/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Classic BPF (what libpcap emits) to eBPF that runs inside a tracing
 * program. The interface speaks neither libpcap's nor libbpf's types, so the
 * translator can be unit-tested, fuzzed and differential-tested on its own.
 *
 * Generated code contract (a static BPF subprogram body):
 *   in:  r1 = first byte of the frame, r2 = end of the readable (linear)
 *        bytes, r3 = length of the whole frame on the wire
 *   out: r0 = 1 when the filter accepts the packet, 0 otherwise
 * A load outside [r1, r2) means "no match", exactly like libpcap's
 * bpf_filter(); so does a division by a zero X.
 */
#ifndef PWRU_CBPF_TO_EBPF_H
#define PWRU_CBPF_TO_EBPF_H

#include <stddef.h>
#include <stdint.h>
#include "ebpf_insn.h"

/* Same layout as libpcap's struct bpf_insn and the kernel's sock_filter. */
struct cbpf_insn {
	uint16_t code;
	uint8_t jt;
	uint8_t jf;
	uint32_t k;
};

enum cbpf_load_mode {
	/* Every packet read through bpf_probe_read_kernel(): works wherever
	 * the frame pointer is a plain number (kprobe, raw_tp) or a map value. */
	CBPF_LOAD_PROBE_READ = 0,
	/* Plain loads from r1: needs a verifier that types the frame pointer
	 * as read-only untrusted memory (skb->head from a BTF pointer). */
	CBPF_LOAD_DIRECT = 1,
};

/* Deliberate miscompilations, only for proving the tests can fail. */
enum cbpf_debug_flags {
	CBPF_DEBUG_BREAK_JGT = 1u << 0, /* emit 'jgt k' as 'jge k' */
};

struct cbpf_xlate_opts {
	enum cbpf_load_mode mode;
	unsigned int debug_flags;
};

/* The translator refuses frames whose readable part is longer than this:
 * any load beyond it can then be decided "no match" at translation time. */
#define CBPF_MAX_CAPLEN (1u << 24)

/* Stack bytes the generated body uses below its frame pointer. */
#define CBPF_STACK_BYTES 80

/*
 * Translates prog[0..len) into a freshly allocated array *out of *out_len
 * instructions (free() it). Returns 0, or a negative errno with a one-line
 * reason in err: -EINVAL for a program it cannot translate (unknown opcode,
 * jump out of range, backward jump, falling off the end), -E2BIG for one
 * too long for eBPF's 16-bit jump offsets, -ENOMEM.
 */
int cbpf_to_ebpf(const struct cbpf_insn *prog, size_t len, const struct cbpf_xlate_opts *opts,
		 struct ebpf_insn **out, size_t *out_len, char *err, size_t errlen);

#endif /* PWRU_CBPF_TO_EBPF_H */
