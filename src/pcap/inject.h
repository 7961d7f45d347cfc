/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replacing placeholder subprograms in a program libbpf has already linked,
 * from inside libbpf's prog_prepare_load_fn (the one point where
 * bpf_program__set_insns() is allowed, after call and CO-RE relocations).
 */
#ifndef PWRU_PCAP_INJECT_H
#define PWRU_PCAP_INJECT_H

#include <stddef.h>
#include "cbpf_to_ebpf.h"

struct bpf_program;
struct bpf_prog_load_opts;

/* The new body of the static subprogram called 'name'. */
struct inject_body {
	const char *name;
	const struct ebpf_insn *insns;
	size_t len;
};

/* Memory handed to libbpf through the load options; free after loading. */
struct inject_keep;

/*
 * Replaces each named subprogram present in prog, keeping bpf-to-bpf calls,
 * func_info and line_info consistent, and points opts at the new func/line
 * info (kept alive in *keep, which accumulates across calls). Returns the
 * number of subprograms replaced (0 when the program calls none), or a
 * negative errno with a reason in err.
 */
int inject_splice(struct bpf_program *prog, struct bpf_prog_load_opts *opts,
		  const struct inject_body *bodies, size_t n_bodies, struct inject_keep **keep,
		  char *err, size_t errlen);

void inject_keep_free(struct inject_keep *keep);

/*
 * Does this kernel's verifier accept plain loads through skb->head read from
 * a BTF-typed skb (read-only untrusted memory, fault-safe loads)? Loads a
 * small tp_btf program without attaching it. 1 yes, 0 no.
 */
int inject_probe_direct_loads(void);

#endif /* PWRU_PCAP_INJECT_H */
