/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_ARRAY_H
#define PWRU_ARRAY_H

#include <stddef.h>

/*
 * The one growable array of the tree. An array is three fields kept by the
 * owner (a pointer, a count, a capacity); array_reserve() makes room for
 * `need` elements, doubling the capacity so n pushes cost O(n) copies.
 * Returns 0, or -ENOMEM with the array untouched.
 *
 *	if (array_reserve(l->v, l->cap, l->n + 1))
 *		return -ENOMEM;
 *	l->v[l->n++] = item;
 */
int array_grow(void **items, size_t *cap, size_t need, size_t elem_size);

#define array_reserve(items, cap, need) \
	array_grow((void **)&(items), &(cap), (need), sizeof(*(items)))

#endif
