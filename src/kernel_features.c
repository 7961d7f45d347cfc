// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "kernel_features.h"

static const struct bpf_insn ret0[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

static int btf_id_of(const struct btf *btf, const char *name, int kind)
{
	return btf ? btf__find_by_name_kind(btf, name, kind) : -ENOENT;
}

static int load_trivial(enum bpf_prog_type type, enum bpf_attach_type attach, int btf_id)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = attach,
		    .attach_btf_id = btf_id, );
	int fd = bpf_prog_load(type, "pwru_feature", "GPL", ret0, 2, &o);

	return fd < 0 ? -errno : fd;
}

static int verdict(int fd, const char *what, char *why, size_t len)
{
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	snprintf(why, len, "%s (%s)", what, fd == -EPERM ? "EPERM" : strerror(-fd));
	return fd;
}

static int kf_tp_btf(const struct btf *btf, char *why, size_t len)
{
	int id = btf_id_of(btf, "btf_trace_kfree_skb", BTF_KIND_TYPEDEF);

	if (id < 0) {
		snprintf(why, len, "no kfree_skb tracepoint in BTF");
		return -ENOENT;
	}
	return verdict(load_trivial(BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, id), "refused", why,
		       len);
}

static int kf_raw_tp(const struct btf *btf, char *why, size_t len)
{
	return verdict(load_trivial(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0), "refused", why, len);
}

static int kf_fentry(const struct btf *btf, char *why, size_t len)
{
	int id = btf_id_of(btf, "ip_rcv", BTF_KIND_FUNC);

	if (id < 0) {
		snprintf(why, len, "no BTF for kernel functions");
		return -ENOENT;
	}
	return verdict(load_trivial(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, id), "refused", why,
		       len);
}

static int has_kprobe_pmu(void)
{
	return access("/sys/bus/event_source/devices/kprobe/type", R_OK) == 0;
}

static int kf_kprobe(const struct btf *btf, char *why, size_t len)
{
	if (!has_kprobe_pmu()) {
		snprintf(why, len, "not available (no kprobe support in this kernel)");
		return -EOPNOTSUPP;
	}
	return verdict(load_trivial(BPF_PROG_TYPE_KPROBE, 0, 0), "refused", why, len);
}

static int kf_kprobe_multi(const struct btf *btf, char *why, size_t len)
{
	const char *syms[] = { "ip_rcv" };
	LIBBPF_OPTS(bpf_link_create_opts, lo, .kprobe_multi.syms = syms, .kprobe_multi.cnt = 1, );
	int fd, link;

	if (!has_kprobe_pmu()) {
		snprintf(why, len, "not available (no kprobe support in this kernel)");
		return -EOPNOTSUPP;
	}
	fd = load_trivial(BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0);
	if (fd < 0)
		return verdict(fd, "not available", why, len);
	link = bpf_link_create(fd, 0, BPF_TRACE_KPROBE_MULTI, &lo);
	link = link < 0 ? -errno : link;
	close(fd);
	if (link < 0) {
		snprintf(why, len, "not available (%s)",
			 link == -EOPNOTSUPP ? "kernel built without fprobe, needs 5.18+" :
					       strerror(-link));
		return link;
	}
	close(link);
	return 0;
}

int kfeature_probe_kernel(void *btf, enum kfeature f, char *why, size_t len)
{
	switch (f) {
	case KF_TP_BTF:
		return kf_tp_btf(btf, why, len);
	case KF_RAW_TP:
		return kf_raw_tp(btf, why, len);
	case KF_FENTRY:
		return kf_fentry(btf, why, len);
	case KF_KPROBE:
		return kf_kprobe(btf, why, len);
	case KF_KPROBE_MULTI:
		return kf_kprobe_multi(btf, why, len);
	default:
		snprintf(why, len, "unknown feature");
		return -EINVAL;
	}
}

void kfeatures_init(struct kfeatures *k, kfeature_probe_fn probe, void *ctx)
{
	memset(k, 0, sizeof(*k));
	k->probe = probe;
	k->ctx = ctx;
}

int kfeature_check(struct kfeatures *k, enum kfeature f)
{
	if ((unsigned)f >= KF_MAX)
		return -EINVAL;
	if (!k->probed[f]) {
		k->verdict[f] = k->probe(k->ctx, f, k->why[f], sizeof(k->why[f]));
		k->probed[f] = true;
	}
	return k->verdict[f];
}

const char *kfeature_why(const struct kfeatures *k, enum kfeature f)
{
	return (unsigned)f < KF_MAX && k->probed[f] && k->verdict[f] ? k->why[f] : "";
}
