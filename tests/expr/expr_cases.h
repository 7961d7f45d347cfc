/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differential test's expressions, each with its meaning written in C
 * and compiled by the C compiler (expr_eval.c, which includes vmlinux.h):
 * this header is the interface, free of kernel types.
 */
#ifndef PWRU_EXPR_CASES_H
#define PWRU_EXPR_CASES_H

/* Built-in types only: expr_eval.c cannot include the C library's headers. */
unsigned long expr_fake_size(_Bool xdp);
/* Random field values, biased towards the constants the cases compare with. */
void expr_fake_fill(_Bool xdp, void *fake, unsigned long long *rng);
int expr_case_count(_Bool xdp);
const char *expr_case_text(_Bool xdp, int i);
/* The C compiler's verdict on the fake context: 1 or 0 (0 also when a NULL is followed). */
int expr_case_eval(_Bool xdp, int i, void *fake);
/* --output-*-metadata fields: C's value of each, as a u64 (0 when a NULL is followed). */
int expr_value_count(_Bool xdp);
const char *expr_value_text(_Bool xdp, int i);
unsigned long long expr_value_eval(_Bool xdp, int i, void *fake);
/* Where the kernel stored value slot k of the fake context. */
unsigned long long expr_fake_out(_Bool xdp, const void *fake, int k);
/* What the fields read were, for a mismatch report. */
void expr_fake_describe(_Bool xdp, const void *fake, char *buf, unsigned long len);

#endif /* PWRU_EXPR_CASES_H */
