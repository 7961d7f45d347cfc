/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_LOADER_H
#define PWRU_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pwru.h"

struct btf;
struct bpf_program;
struct bpf_prog_load_opts;
struct loader;

/*
 * Called inside bpf_object__load() for each template program, after libbpf
 * linked and relocated it and before the kernel sees it: the one point
 * where its instructions may be rewritten (the pcap filter splice).
 * direct is 1 for programs whose skb is BTF-typed (tp_btf, fentry).
 */
typedef int (*loader_rewrite_fn)(void *arg, struct bpf_program *prog,
				 struct bpf_prog_load_opts *opts, int direct);

struct loader_opts {
	const struct btf *vmlinux;   /* parsed once by the caller, outlives the loader */
	const char *btf_custom_path; /* --kernel-btf: CO-RE relocates against it */
	struct pwru_config cfg;
	uint32_t ringbuf_size;
	loader_rewrite_fn rewrite;
	void *rewrite_arg;
};

/*
 * The loader owns the BPF objects. Backends name the template programs they
 * need (with an attach target when the kernel verifies against one), the
 * loader loads each template once, keeps its final instructions, and then
 * loads one clone per probe with that probe's id patched in. Cloning skips
 * libbpf's per-object work: one verification per probe and nothing else.
 */
int loader_new(const struct loader_opts *o, struct loader **out);
/* Template names are the BPF function names in bpf/pwru.bpf.c. */
int loader_want(struct loader *l, const char *tmpl, const char *attach_target);
/* The same, verified against function func of the BPF program prog_fd (dup'ed). */
int loader_want_prog(struct loader *l, const char *tmpl, int prog_fd, const char *func);
int loader_load(struct loader *l, char *err, size_t errlen);
/* What a BTF-verified clone is verified against (all zero for other kinds). */
struct clone_target {
	uint32_t btf_id; /* FUNC or btf_trace_ typedef id */
	int btf_obj_fd;	 /* module BTF object, 0 for vmlinux */
	int prog_fd;	 /* a BPF program, for fentry on TC/XDP programs */
};

/*
 * Loads a clone of tmpl for one probe. Returns a program fd or -errno,
 * with the verifier's last line in log when it refused.
 */
int loader_clone(struct loader *l, const char *tmpl, uint32_t probe_id,
		 const struct clone_target *target, char *log, size_t loglen);
int loader_map_fd(const struct loader *l, const char *map);
const struct btf *loader_vmlinux(const struct loader *l);
/* The loaded template itself, for kinds attached many times (kprobes). */
int loader_prog_fd(const struct loader *l, const char *tmpl);
void loader_free(struct loader *l);

/* Replaces the probe id placeholder in a copy of a program's instructions. */
struct bpf_insn;
int loader_patch_probe_id(struct bpf_insn *insns, size_t cnt, uint32_t probe_id);

#endif
