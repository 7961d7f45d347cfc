// SPDX-License-Identifier: GPL-2.0
/* Targets: netns paths, interface names, pods and the pcap expression, resolved once. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "array.h"
#include "filters.h"
#include "netns.h"
#include "pods.h"
#include "expr/expr_filters.h"
#include "pcap/pcap_filters.h"
#include "errmsg.h"

static int netns_add(struct filter_set *f, uint32_t inode)
{
	for (size_t i = 0; i < f->n_netns; i++) {
		if (f->netns[i] == inode)
			return 0;
	}
	if (f->n_netns >= PWRU_NETNS_MAX)
		return -E2BIG;
	if (array_reserve(f->netns, f->netns_cap, f->n_netns + 1))
		return -ENOMEM;
	f->netns[f->n_netns++] = inode;
	return 0;
}

static int resolve_netns(struct filter_set *f, const struct options *o, char *err, size_t len)
{
	for (int i = 0; i < o->filter_netns.n; i++) {
		uint32_t inode;
		int ret = netns_resolve(o->filter_netns.items[i], &inode, err, len);

		if (!ret)
			ret = netns_add(f, inode);
		if (ret)
			return ret;
	}
	return 0;
}

static bool pods_wanted(const struct options *o)
{
	return o->filter_pod.n || o->filter_pod_label.n || o->filter_container || o->cri_endpoint;
}

/* Opens the runtime when asked; otherwise only if one answers, to name pods on events. */
static int open_pods(struct filter_set *f, const struct options *o, char *err, size_t len)
{
	struct pods_opts po = {
		.cri_endpoint = o->cri_endpoint,
		.host_root = o->host_root,
		.no_fallback = !pods_wanted(o),
	};
	char ignored[256];
	int ret;

	if (!pods_wanted(o)) {
		if (pods_open(&po, &f->pods, ignored, sizeof(ignored)))
			f->pods = NULL;
		return 0;
	}
	ret = pods_open(&po, &f->pods, err, len);
	return ret;
}

static int resolve_pods(struct filter_set *f, const struct options *o, char *err, size_t len)
{
	struct pod_selector sel = {
		.pods = o->filter_pod.items,
		.n_pods = o->filter_pod.n,
		.default_namespace = o->pod_namespace,
		.labels = o->filter_pod_label.items,
		.n_labels = o->filter_pod_label.n,
		.container = o->filter_container,
		.allow_host_netns = o->allow_host_netns,
	};
	uint32_t *inodes = NULL;
	size_t n = 0;
	int ret = open_pods(f, o, err, len);

	if (ret || !(o->filter_pod.n || o->filter_pod_label.n || o->filter_container))
		return ret;
	ret = pods_select(f->pods, &sel, &inodes, &n, err, len);
	for (size_t i = 0; !ret && i < n; i++)
		ret = netns_add(f, inodes[i]);
	free(inodes);
	return ret;
}

/* The interface name means the one inside the (first) netns we filter on. */
static int resolve_ifname(struct filter_set *f, const struct options *o, char *err, size_t len)
{
	int nsfd = -1, ret;
	uint32_t self;

	if (!o->filter_ifname)
		return 0;
	if (f->n_netns) {
		nsfd = netns_open_inode(o->host_root, f->netns[0]);
		if (nsfd < 0) {
			snprintf(err, len, "--filter-ifname %s: cannot enter netns %u",
				 o->filter_ifname, f->netns[0]);
			return nsfd;
		}
	}
	ret = netns_ifindex(nsfd, o->filter_ifname);
	if (nsfd >= 0)
		close(nsfd);
	if (ret < 0) {
		snprintf(err, len, "--filter-ifname %s: no such interface%s", o->filter_ifname,
			 f->n_netns ? " in that network namespace" : "");
		return ret;
	}
	f->ifindex = (uint32_t)ret;
	/* An ifindex means nothing without its netns: pin this one. */
	if (!f->n_netns && !netns_self(&self))
		return netns_add(f, self);
	return 0;
}

static int resolve_pcap(struct filter_set *f, const struct options *o, char *err, size_t len)
{
	const char *why;
	int ret;

	ret = pcap_filters_compile(o->pcap_filter, &f->pcap, err, len);
	if (ret)
		return ret;
	if (f->pcap && o->verbose && pcap_filters_l3_rejected(f->pcap, &why))
		fprintf(stderr,
			"pcap filter: only packets with a link-layer header can match "
			"(raw IP: %s)\n",
			why);
	return 0;
}

/* The flag's name leads libpcap's message: three filters may be given. */
static int resolve_tunnel(struct filter_set *f, const struct options *o, char *err, size_t len)
{
	char why[512] = "";
	const char *l3_why;
	int ret;

	ret = pcap_filters_compile_slot(o->filter_tunnel_pcap_l2, PCAP_SLOT_TUNNEL_L2,
					&f->tunnel_l2, why, sizeof(why));
	if (ret)
		return set_err(err, len, ret, "--filter-tunnel-pcap-l2: %s", why);
	if (f->tunnel_l2 && o->verbose && pcap_filters_l3_rejected(f->tunnel_l2, &l3_why))
		fprintf(stderr,
			"--filter-tunnel-pcap-l2: IPIP/GRE inner packets (no link header) never "
			"match (raw IP: %s)\n",
			l3_why);
	ret = pcap_filters_compile_slot(o->filter_tunnel_pcap_l3, PCAP_SLOT_TUNNEL_L3,
					&f->tunnel_l3, why, sizeof(why));
	if (ret)
		return set_err(err, len, ret, "--filter-tunnel-pcap-l3: %s", why);
	return 0;
}

/* libbpf's load hook: splice the filters into each program as it loads. */
static int splice_filter(void *arg, struct bpf_program *prog, struct bpf_prog_load_opts *opts,
			 int direct)
{
	struct filter_set *f = arg;
	int ret = pcap_filters_splice(f->pcap, prog, opts, direct);

	if (!ret)
		ret = pcap_filters_splice(f->tunnel_l2, prog, opts, direct);
	if (!ret)
		ret = pcap_filters_splice(f->tunnel_l3, prog, opts, direct);
	return ret ? ret : expr_filters_splice(f->expr, prog, opts, direct);
}

int filters_compile_exprs(struct filter_set *f, const struct options *o, const struct btf *vmlinux,
			  char *err, size_t errlen)
{
	struct expr_filters_opts eo = {
		.skb_expr = o->filter_skb_expr,
		.xdp_expr = o->filter_xdp_expr,
		.skb_meta = o->output_skb_metadata.items,
		.n_skb_meta = (size_t)o->output_skb_metadata.n,
		.xdp_meta = o->output_xdp_metadata.items,
		.n_xdp_meta = (size_t)o->output_xdp_metadata.n,
	};

	int ret = expr_filters_compile(&eo, vmlinux, &f->expr, err, errlen);

	if (!ret && o->verbose && expr_filters_direct(f->expr) >= 0)
		fprintf(stderr, "skb expressions: %s in tp_btf and fentry programs\n",
			expr_filters_direct(f->expr) ?
				"direct loads" :
				"probe reads (the kernel refused direct loads)");
	return ret;
}

int filters_resolve(struct filter_set *f, const struct options *o, char *err, size_t errlen)
{
	int ret;

	memset(f, 0, sizeof(*f));
	ret = resolve_netns(f, o, err, errlen);
	if (!ret)
		ret = resolve_pods(f, o, err, errlen);
	if (!ret)
		ret = resolve_ifname(f, o, err, errlen);
	if (!ret)
		ret = resolve_pcap(f, o, err, errlen);
	if (!ret)
		ret = resolve_tunnel(f, o, err, errlen);
	return ret;
}

void filters_to_config(const struct filter_set *f, const struct options *o, struct pwru_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->filter_netns = f->n_netns > 0;
	if (f->n_netns && f->n_netns <= PWRU_NETNS_INLINE) {
		cfg->netns_inline_n = f->n_netns;
		memcpy(cfg->netns_inline, f->netns, f->n_netns * sizeof(f->netns[0]));
	}
	cfg->filter_ifindex = f->ifindex;
	cfg->filter_mark = o->filter_mark_set;
	cfg->mark_value = o->filter_mark & o->filter_mark_mask;
	cfg->mark_mask = o->filter_mark_mask;
	cfg->track_skb = o->filter_track_skb;
	cfg->track_xdp_heads = o->filter_track_skb && o->filter_trace_xdp;
	cfg->output_meta = o->output_meta;
	cfg->output_tuple = o->output_tuple; /* JSON honours --output-tuple=false too */
	/* cilium/pwru shows __sk_buff->cb[] with --filter-trace-tc too: TC programs write it */
	cfg->output_cb = o->output_meta && (o->output_skb_cb || o->filter_trace_tc);
	/* Tracepoint programs cannot read a return address: the caller comes from the stack. */
	cfg->output_stack = o->output_stack || o->output_caller;
	cfg->output_caller = o->output_caller;
	cfg->output_skb = o->output_skb;
	cfg->pcap_snaplen = o->output_pcap ? o->output_pcap_snaplen : 0;
	cfg->has_pcap_filter = f->pcap != NULL;
	cfg->has_skb_expr = expr_filters_has_skb(f->expr);
	cfg->has_xdp_expr = expr_filters_has_xdp(f->expr);
	cfg->has_skb_meta = expr_filters_meta_count(f->expr, false) > 0;
	cfg->has_xdp_meta = expr_filters_meta_count(f->expr, true) > 0;
	cfg->has_tunnel_l2 = f->tunnel_l2 != NULL;
	cfg->has_tunnel_l3 = f->tunnel_l3 != NULL;
	cfg->output_tunnel = o->output_tunnel;
	cfg->track_stackid = o->filter_track_skb_by_stackid;
	cfg->track_any = cfg->track_skb || cfg->track_xdp_heads || cfg->track_stackid;
	cfg->output_shinfo = o->output_shinfo;
	cfg->dump_len = o->set_percpu_buf;
}

void filters_loader_hooks(struct filter_set *f, struct loader_opts *lo)
{
	if (f->pcap || f->expr || f->tunnel_l2 || f->tunnel_l3) {
		lo->rewrite = splice_filter;
		lo->rewrite_arg = f;
	}
}

int filters_fill_maps(const struct filter_set *f, struct loader *l, char *err, size_t errlen)
{
	int fd = loader_map_fd(l, MAP_NETNS_FILTER);
	uint8_t one = 1;

	for (size_t i = 0; i < f->n_netns; i++) {
		if (bpf_map_update_elem(fd, &f->netns[i], &one, BPF_ANY)) {
			int ret = -errno;

			return set_err(err, errlen, ret, "netns filter map: %s", strerror(errno));
		}
	}
	return 0;
}

void filters_free(struct filter_set *f)
{
	pcap_filters_free(f->pcap);
	pcap_filters_free(f->tunnel_l2);
	pcap_filters_free(f->tunnel_l3);
	expr_filters_free(f->expr);
	if (f->pods)
		pods_close(f->pods);
	free(f->netns);
	memset(f, 0, sizeof(*f));
}
