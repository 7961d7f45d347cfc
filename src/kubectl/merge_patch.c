// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>

#include "kubectl/merge_patch.h"

static int merge_into(cJSON *target, const cJSON *patch)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, patch) {
		cJSON *t = cJSON_GetObjectItemCaseSensitive(target, p->string), *value;
		int ret;

		if (cJSON_IsNull(p)) {
			cJSON_DeleteItemFromObjectCaseSensitive(target, p->string);
			continue;
		}
		if (cJSON_IsObject(p) && cJSON_IsObject(t)) {
			ret = merge_into(t, p);
			if (ret)
				return ret;
			continue;
		}
		/* An object patched onto a non-object starts from {}: its nulls
		 * remove nothing and are not copied. */
		if (cJSON_IsObject(p)) {
			value = cJSON_CreateObject();
			if (value && merge_into(value, p)) {
				cJSON_Delete(value);
				value = NULL;
			}
		} else {
			value = cJSON_Duplicate(p, true);
		}
		if (!value)
			return -ENOMEM;
		if (!(t ? cJSON_ReplaceItemInObjectCaseSensitive(target, p->string, value) :
			  cJSON_AddItemToObject(target, p->string, value))) {
			cJSON_Delete(value);
			return -ENOMEM;
		}
	}
	return 0;
}

int merge_patch_apply(cJSON *target, const cJSON *patch)
{
	if (!cJSON_IsObject(target) || !cJSON_IsObject(patch))
		return -EINVAL;
	return merge_into(target, patch);
}
