/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_KSYMS_H
#define PWRU_KSYMS_H

#include <stddef.h>
#include <stdint.h>

struct ksyms;

/* Loads text symbols from a kallsyms file (normally /proc/kallsyms). */
int ksyms_load(const char *path, struct ksyms **out);
void ksyms_free(struct ksyms *k);
/* "nf_hook_slow+0x9a"; returns -ENOENT (and the bare address) when unknown. */
int ksyms_format(const struct ksyms *k, uint64_t addr, char *buf, size_t len);
/* Address of a symbol by name, 0 when absent (binary search on a name index). */
uint64_t ksyms_addr(const struct ksyms *k, const char *name);

#endif
