// SPDX-License-Identifier: GPL-2.0
/* --output-skb-metadata values as the user reads them. */
#include <inttypes.h>
#include <stdio.h>
#include <bpf/btf.h>

#include "expr.h"

/* The enumerator called v in enum type id, or NULL. */
static const char *enumerator(const struct btf *btf, uint32_t id, uint64_t v)
{
	const struct btf_type *t = btf ? btf__type_by_id(btf, id) : NULL;

	if (t && btf_is_enum(t)) {
		const struct btf_enum *e = btf_enum(t);

		for (int i = 0; i < btf_vlen(t); i++, e++)
			if ((uint32_t)e->val == (uint32_t)v)
				return btf__name_by_offset(btf, e->name_off);
	} else if (t && btf_is_enum64(t)) {
		const struct btf_enum64 *e = btf_enum64(t);

		for (int i = 0; i < btf_vlen(t); i++, e++)
			if (btf_enum64_value(e) == v)
				return btf__name_by_offset(btf, e->name_off);
	}
	return NULL;
}

int expr_value_format(const struct expr_value_info *info, const struct btf *btf, uint64_t v,
		      char *buf, size_t len)
{
	const char *name;

	switch (info->format) {
	case EXPR_FMT_HEX:
		snprintf(buf, len, "0x%0*" PRIx64, (int)(2 * info->size), v);
		return 0;
	case EXPR_FMT_BOOL:
		snprintf(buf, len, "%s", v ? "true" : "false");
		return 0;
	case EXPR_FMT_ENUM:
		name = enumerator(btf, info->enum_id, v);
		if (name) {
			snprintf(buf, len, "%s", name);
			return 0;
		}
		break;
	default:
		break;
	}
	if (info->format == EXPR_FMT_SIGNED)
		snprintf(buf, len, "%" PRId64, (int64_t)v);
	else
		snprintf(buf, len, "%" PRIu64, v);
	return 1;
}
