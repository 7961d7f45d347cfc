/* SPDX-License-Identifier: GPL-2.0 */
/* Member chains resolved against BTF (internal to src/expr). */
#ifndef PWRU_EXPR_BTF_H
#define PWRU_EXPR_BTF_H

#include <stddef.h>
#include <stdint.h>

#include "expr.h"
#include "expr_ast.h"

/*
 * Resolves the member chain ending at node (an EK_MEMBER or the root
 * EK_NAME) into what to read. Returns 0, or -EINVAL with the reason in err.
 */
int expr_btf_resolve(const struct expr_ast *ast, int node, enum expr_root root,
		     const struct btf *btf, struct expr_access *acc, char *err, size_t errlen);

/* An enumerator of the kernel called name: 1 found (*value, *is_signed), 0 not. */
int expr_btf_enumerator(const struct btf *btf, const char *name, int len, int64_t *value,
			bool *is_signed);

#endif /* PWRU_EXPR_BTF_H */
