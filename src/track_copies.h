/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_TRACK_COPIES_H
#define PWRU_TRACK_COPIES_H

struct loader;
struct attach_set;

/*
 * With --filter-track-skb on kernels that load fexit programs: follow a
 * tracked skb into its clones and copies (skb_clone, skb_copy,
 * __pskb_copy_fclone, skb_copy_expand). prepare before loader_load; attach
 * returns how many functions are watched (0 when fexit is refused).
 */
int track_copies_prepare(struct loader *l);
int track_copies_attach(struct loader *l, struct attach_set *s);

#endif
