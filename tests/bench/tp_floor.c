// SPDX-License-Identifier: GPL-2.0
/*
 * The floor for pwru's per-packet cost: an empty `return 0` tp_btf program
 * on every tracepoint pwru attaches to. Runs until SIGINT/SIGTERM.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "probes.h"
#include "tracefs.h"

static const struct bpf_insn ret0[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

int main(void)
{
	struct probe_query q = { .want_tracepoints = true, .tracefs = tracefs_find() };
	struct probe_list pl;
	char err[256];
	sigset_t mask;
	int sig, n = 0;

	if (probes_discover(&q, &pl, err, sizeof(err))) {
		fprintf(stderr, "tp_floor: %s\n", err);
		return 1;
	}
	for (size_t i = 0; i < pl.n; i++) {
		LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_RAW_TP,
			    .attach_btf_id = pl.v[i].btf_id);
		int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "floor", "GPL", ret0, 2, &o);

		if (fd >= 0 && bpf_raw_tracepoint_open(NULL, fd) >= 0)
			n++;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	fprintf(stderr, "Attached %d empty programs\nListening for events...\n", n);
	sigwait(&mask, &sig);
	probes_free(&pl);
	return 0;
}
