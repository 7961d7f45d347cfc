/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_FILTERS_H
#define PWRU_FILTERS_H

#include <stddef.h>
#include <stdint.h>

#include "loader.h"
#include "options.h"

struct pods;
struct pcap_filters;
struct expr_filters;
struct btf;

/* What to watch, resolved from names on the command line to kernel numbers. */
struct filter_set {
	uint32_t *netns; /* inodes for the netns_filter map */
	size_t n_netns, netns_cap;
	uint32_t ifindex;
	struct pods *pods; /* open when pods are asked for or a runtime answers */
	struct pcap_filters *pcap;
	struct expr_filters *expr; /* --filter-skb-expr, --filter-xdp-expr */

	/* --filter-tunnel-pcap-l2/-l3 */
	struct pcap_filters *tunnel_l2, *tunnel_l3;
};

int filters_resolve(struct filter_set *f, const struct options *o, char *err, size_t errlen);
/* The C expressions need the kernel's BTF, parsed once by the caller. */
int filters_compile_exprs(struct filter_set *f, const struct options *o, const struct btf *vmlinux,
			  char *err, size_t errlen);
void filters_to_config(const struct filter_set *f, const struct options *o,
		       struct pwru_config *cfg);
void filters_loader_hooks(struct filter_set *f, struct loader_opts *lo);
int filters_fill_maps(const struct filter_set *f, struct loader *l, char *err, size_t errlen);
void filters_free(struct filter_set *f);

#endif
