// SPDX-License-Identifier: GPL-2.0
/* The only file that sees libpcap. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#include "pcap_compile.h"
#include "errmsg.h"

_Static_assert(sizeof(struct cbpf_insn) == sizeof(struct bpf_insn), "cbpf_insn layout");
_Static_assert(offsetof(struct cbpf_insn, k) == offsetof(struct bpf_insn, k), "cbpf_insn layout");

int pcap_compile_expr(const char *expr, enum pcap_link link, struct cbpf_insn **prog, size_t *len,
		      char *err, size_t errlen)
{
	int dlt = link == PCAP_LINK_ETHERNET ? DLT_EN10MB : DLT_RAW;
	struct bpf_program bp = { 0 };
	pcap_t *p;
	int ret = 0;

	*prog = NULL;
	*len = 0;
	p = pcap_open_dead(dlt, PCAP_COMPILE_SNAPLEN);
	if (!p) {
		return set_err(err, errlen, -ENOMEM, "pcap_open_dead failed");
	}
	if (pcap_compile(p, &bp, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		ret = set_err(err, errlen, -EINVAL, "%s", pcap_geterr(p));
		goto cleanup;
	}
	*prog = malloc(bp.bf_len * sizeof(**prog));
	if (!*prog) {
		ret = -ENOMEM;
		goto cleanup;
	}
	memcpy(*prog, bp.bf_insns, bp.bf_len * sizeof(**prog));
	*len = bp.bf_len;
cleanup:
	pcap_freecode(&bp);
	pcap_close(p);
	return ret;
}

int pcap_reference_match(const struct cbpf_insn *prog, size_t len, const unsigned char *frame,
			 unsigned int wire_len, unsigned int caplen)
{
	(void)len;
	return bpf_filter((const struct bpf_insn *)prog, frame, wire_len, caplen) != 0;
}

int pcap_reference_valid(const struct cbpf_insn *prog, size_t len)
{
	return bpf_validate((const struct bpf_insn *)prog, (int)len);
}
