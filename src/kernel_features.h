/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_KERNEL_FEATURES_H
#define PWRU_KERNEL_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Each probe loads (and where needed attaches) a two-instruction program of
 * that kind: the only reliable answer, since distributions patch and
 * configure kernels independently of their version number.
 */
struct btf;

enum kfeature {
	KF_TP_BTF,
	KF_RAW_TP,
	KF_FENTRY, /* fexit and fentry on BPF programs share its fate */
	KF_KPROBE,
	KF_KPROBE_MULTI,
	KF_MAX,
};

/* Answers 0 when usable, else -errno with a short reason in why. */
typedef int (*kfeature_probe_fn)(void *ctx, enum kfeature f, char *why, size_t len);

/* Every feature asked for is probed at most once and remembered. */
struct kfeatures {
	kfeature_probe_fn probe;
	void *ctx;
	bool probed[KF_MAX];
	int verdict[KF_MAX];
	char why[KF_MAX][128];
};

/* The real probes; ctx is the kernel's BTF (const struct btf *). */
int kfeature_probe_kernel(void *btf, enum kfeature f, char *why, size_t len);
void kfeatures_init(struct kfeatures *k, kfeature_probe_fn probe, void *ctx);
/* 0 when the kernel runs it, else -errno; the reason is kfeature_why(). */
int kfeature_check(struct kfeatures *k, enum kfeature f);
const char *kfeature_why(const struct kfeatures *k, enum kfeature f);

#endif
