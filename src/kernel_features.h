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
int kf_tp_btf(char *why, size_t len);
int kf_raw_tp(char *why, size_t len);
int kf_fentry(char *why, size_t len);
int kf_kprobe(char *why, size_t len);
int kf_kprobe_multi(char *why, size_t len);

#endif
