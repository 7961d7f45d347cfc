/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_PROBES_H
#define PWRU_PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct btf;

enum probe_kind { PROBE_FUNC, PROBE_TP, PROBE_BPF_PROG };

/* Probes whose arguments carry more than the skb get their own programs. */
enum probe_special {
	SPECIAL_NONE = 0,
	SPECIAL_KFREE_SKB_TP,	  /* skb:kfree_skb(skb, location[, reason, ...]) */
	SPECIAL_CONSUME_SKB_TP,	  /* skb:consume_skb(skb, ...) */
	SPECIAL_KFREE_SKB_REASON, /* kfree_skb_reason(skb, reason) to 6.10, kfree_skb(skb) < 5.17 */
	SPECIAL_SK_SKB_REASON_DROP, /* sk_skb_reason_drop(sk, skb, reason), 6.11+ */
	SPECIAL_SKB_FREE,	    /* kfree_skbmem(skb): tracking of this address ends */
	SPECIAL_COPY_RESULT2,	    /* copy tracking: skb_clone(skb, gfp) returns the copy */
	SPECIAL_COPY_RESULT4,	    /* ... __pskb_copy_fclone(skb, headroom, gfp, fclone) */
	SPECIAL_COPY_ENTRY,	    /* copy tracking by kprobe: the skb being copied */
	SPECIAL_COPY_RETURN,	    /* ... and by kretprobe: the copy */
	SPECIAL_NON_SKB,	    /* --filter-non-skb-funcs: no skb argument */
	SPECIAL_VETH_ENTRY,	    /* copy tracking: the skb veth_xdp_rcv_skb gets ... */
	SPECIAL_VETH_RETURN,	    /* ... and the one it returns (maybe a copy) */
	SPECIAL_UNTRACK,    /* kfree_skbmem beside --filter-func: forget the skb, emit nothing */
	SPECIAL_MAP_LOOKUP, /* --output-bpfmap: *_lookup_elem(map, key) at entry ... */
	SPECIAL_MAP_LOOKUP_RET,	     /* ... and at return (the event, with the value) */
	SPECIAL_MAP_LOOKUP_ELEM_RET, /* ... returning a struct htab_elem *, the value after its key */
	SPECIAL_MAP_UPDATE,	     /* *_update_elem(map, key, value, flags) */
	SPECIAL_MAP_DELETE,	     /* *_delete_elem(map, key) */
	SPECIAL_NOTIFIER, /* notifier:notifier_run: tp_btf programs forget the devices they remember */
};

struct probe {
	char name[128];
	char group[64]; /* tracepoint system ("skb") or module ("vmlinux") */
	enum probe_kind kind;
	enum probe_special special;
	int skb_pos; /* 0-based argument index of the skb */
	int nargs;
	uint32_t btf_id;    /* FUNC, or the btf_trace_<name> typedef */
	int btf_obj_fd;	    /* 0: vmlinux; else the module's BTF object */
	uint64_t addr;	    /* from kallsyms, functions only */
	uint32_t prog_id;   /* PROBE_BPF_PROG: the traced program */
	char prog_func[64]; /* ... and its entry function's name in its BTF */
};

struct probe_list {
	struct probe *v;
	size_t n, cap;
	int *btf_obj_fds; /* one per module probed (--kmods), closed by probes_free */
	size_t n_btf_obj_fds, cap_btf_obj_fds;
	bool ftrace_checked;   /* available_filter_functions was readable */
	size_t ftrace_dropped; /* functions BTF has but ftrace cannot attach */
};

struct probe_query {
	bool want_funcs;
	bool want_tracepoints;
	const char *filter_func;  /* whole-name regex, NULL: all */
	const char *const *kmods; /* module names for split BTF */
	int n_kmods;
	bool all_kmods;
	const char *tracefs;	   /* mounted tracefs dir, or NULL */
	const struct btf *vmlinux; /* parsed kernel BTF; NULL: parse it here */
};

/* Finds every function and tracepoint taking a struct sk_buff *. */
int probes_discover(const struct probe_query *q, struct probe_list *out, char *err, size_t errlen);
void probes_free(struct probe_list *l);
/* Appends a zeroed probe; NULL when out of memory. */
struct probe *probes_push(struct probe_list *l);

/*
 * The BTF that describes p's function: vmlinux, or its module's (--kmods),
 * loaded then and left in *owned for the caller to btf__free(). NULL when
 * the module's BTF cannot be read.
 */
const struct btf *probe_func_btf(const struct btf *vmlinux, const struct probe *p,
				 struct btf **owned);

/* The first function in btf whose skb argument is at pos (a verification target). */
int btf_find_skb_func(const struct btf *btf, int pos, char *name, size_t len);
/* Exposed for tests: skb argument position of a FUNC_PROTO, or -1. */
int btf_skb_param_pos(const struct btf *btf, uint32_t proto_id, int first, int *nargs);
/* Exposed for tests: does name match regex as a whole? */
int probes_name_filter_compile(const char *regex, void **out, char *err, size_t errlen);
bool probes_name_filter_match(void *re, const char *name);
void probes_name_filter_free(void *re);

/* The kernel BTF object of a loaded module, by name: an fd, 0 when there is none. */
int module_btf_obj_fd(const char *mod);

#endif
