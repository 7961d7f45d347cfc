/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_KERNEL_FEATURES_H
#define PWRU_KERNEL_FEATURES_H

#include <stddef.h>

/*
 * Each probe loads (and where needed attaches) a two-instruction program of
 * that kind: the only reliable answer, since distributions patch and
 * configure kernels independently of their version number.
 * Return 0 when usable, else -errno with a short reason in why.
 */
struct btf;
/* btf: the kernel's BTF, parsed once by the caller (parsing costs ~0.2 s). */
int kf_tp_btf(const struct btf *btf, char *why, size_t len);
int kf_raw_tp(const struct btf *btf, char *why, size_t len);
int kf_fentry(const struct btf *btf, char *why, size_t len);
int kf_kprobe(const struct btf *btf, char *why, size_t len);
int kf_kprobe_multi(const struct btf *btf, char *why, size_t len);

#endif
