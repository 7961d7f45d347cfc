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

/*
 * The template programs of bpf/pwru.bpf.c, by what they serve. Each id is
 * bound to its skeleton handle (skel->progs.X) in loader.c, so renaming a
 * BPF function breaks the build, not a run. Ids that come in runs of five
 * (one per skb argument position) are consecutive: TMPL_KP_SKB0 + pos.
 */
enum tmpl_id {
	TMPL_TP_SKB0, /* tp_btf, skb at ctx[0..4] */
	TMPL_TP_KFREE = TMPL_TP_SKB0 + 5,
	TMPL_TP_CONSUME,
	TMPL_RAW_SKB0, /* raw_tp, where tp_btf is refused */
	TMPL_RAW_KFREE = TMPL_RAW_SKB0 + 5,
	TMPL_RAW_CONSUME,
	TMPL_KP_SKB0, /* kprobe, skb in argument 1..5 */
	TMPL_KP_KFREE_REASON = TMPL_KP_SKB0 + 5,
	TMPL_KP_SK_DROP,
	TMPL_KP_FREE,	     /* kfree_skbmem: the event, then the end of tracking */
	TMPL_KP_COPY_ENTRY,  /* copy tracking by kprobe ... */
	TMPL_KP_COPY_RETURN, /* ... and kretprobe, where fexit is refused */
	TMPL_KPM_ALL,	     /* kprobe-multi: the cookie says where the skb is */
	TMPL_FE_SKB0,	     /* fentry */
	TMPL_FE_KFREE_REASON = TMPL_FE_SKB0 + 5,
	TMPL_FE_SK_DROP,
	TMPL_FE_FREE,
	TMPL_FE_XDP,   /* fentry on an XDP program */
	TMPL_FX_COPY2, /* fexit skb_clone/skb_copy: result after 2 arguments */
	TMPL_FX_COPY4, /* ... after 4 */
	/* --output-return: fexit, kretprobe and kretprobe-multi report a noted call's return */
	TMPL_FX_RET,
	TMPL_KP_RET,
	TMPL_KPM_RET,
	TMPL_KP_NON_SKB, /* --filter-non-skb-funcs: the skb is found by kernel stack */
	TMPL_FE_NON_SKB,
	TMPL_KP_MAP_LOOKUP, /* --output-bpfmap: kprobes (and a kretprobe) on map functions */
	TMPL_KP_MAP_LOOKUP_RET,
	TMPL_KP_MAP_LOOKUP_ELEM_RET,
	TMPL_KP_MAP_UPDATE,
	TMPL_KP_MAP_DELETE,
	TMPL_KP_VETH_ENTRY, /* --filter-track-skb through veth XDP's copies */
	TMPL_KP_VETH_RETURN,
	TMPL_FE_UNTRACK, /* --filter-track-skb: kfree_skbmem when no probe has it */
	TMPL_KP_UNTRACK,
	TMPL_FE_VETH_ENTRY,  /* veth XDP's copies beside fentry: fentry ... */
	TMPL_FX_VETH_RETURN, /* ... and fexit on veth_xdp_rcv_skb */
	TMPL_TP_NOTIFIER,    /* --filter-netns: tp_btf on notifier:notifier_run */
	TMPL_MAX,
};

/* The maps both objects share (one ring buffer, one set of counters). */
enum map_id {
	MAP_EVENTS,
	MAP_COUNTERS,
	MAP_NETNS_FILTER,
	MAP_TRACKED_SKBS,
	MAP_STACKS,
	MAP_STACKID_SKB, /* --filter-track-skb-by-stackid */
	MAP_SKB_STACKID,
	MAP_XDP_HEADS, /* --filter-track-skb with --filter-trace-xdp */
	MAP_MAX,
};

struct loader_opts {
	const struct btf *vmlinux;   /* parsed once by the caller, outlives the loader */
	const char *btf_custom_path; /* --kernel-btf: CO-RE relocates against it */
	struct pwru_config cfg;
	uint32_t ringbuf_size;
	loader_rewrite_fn rewrite;
	void *rewrite_arg;
};

/*
 * The loader owns the BPF objects. The attacher names the templates its
 * probes need (with an attach target when the kernel verifies against one),
 * the loader loads each template once, keeps its final instructions, and then
 * loads one clone per probe with that probe's id patched in. Cloning skips
 * libbpf's per-object work: one verification per probe and nothing else.
 */
int loader_new(const struct loader_opts *o, struct loader **out);
/* attach_target: the function or tracepoint a BTF-typed template is verified against. */
int loader_want(struct loader *l, enum tmpl_id tmpl, const char *attach_target);
/* The same, verified against function func of the BPF program prog_fd (dup'ed). */
int loader_want_prog(struct loader *l, enum tmpl_id tmpl, int prog_fd, const char *func);
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
int loader_clone(struct loader *l, enum tmpl_id tmpl, uint32_t probe_id,
		 const struct clone_target *target, char *log, size_t loglen);
int loader_map_fd(const struct loader *l, enum map_id map);
const struct btf *loader_vmlinux(const struct loader *l);
/* The loaded template itself, for kinds attached many times (kprobes); -ENOENT if not loaded. */
int loader_prog_fd(const struct loader *l, enum tmpl_id tmpl);
/* The BPF function's name, for messages. */
const char *loader_tmpl_name(const struct loader *l, enum tmpl_id tmpl);
/*
 * The notifier template is attached: tp_btf and fentry programs may now
 * remember devices found in no wanted namespace (bpf/pwru.bpf.c says why).
 */
int loader_remember_devices(struct loader *l, uint64_t netdev_notifier);
void loader_free(struct loader *l);

/* Replaces the probe id placeholder in a copy of a program's instructions. */
struct bpf_insn;
int loader_patch_probe_id(struct bpf_insn *insns, size_t cnt, uint32_t probe_id);

#endif
