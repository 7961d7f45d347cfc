// SPDX-License-Identifier: GPL-2.0
/* vm-probe: reports which BPF attach kinds this kernel accepts (kprobe,
 * kprobe-multi, fentry, tp_btf), each proven by counting hits while UDP
 * packets go out on loopback, plus what the backends will find in BTF and
 * tracefs. One line per fact, "PROBE ..." so a host can grep them.
 * Usage: vm-probe [-v]   (-v: libbpf's own messages on stderr) */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "probe.skel.h"
#include "skb_funcs.h"

static int verbose;

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return verbose ? vfprintf(stderr, fmt, ap) : 0;
}

/* Sends a few UDP datagrams to 127.0.0.1:9; each passes __dev_queue_xmit. */
static void send_loopback(int n)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		return;
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < n; i++)
		sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to));
	close(fd);
}

struct kind {
	const char *name;
	struct bpf_program *(*prog)(struct probe_bpf *);
	__u64 (*hits)(struct probe_bpf *);
};

#define KIND(field)                                                  \
	static struct bpf_program *prog_##field(struct probe_bpf *s) \
	{                                                            \
		return s->progs.on_##field;                          \
	}                                                            \
	static __u64 hits_##field(struct probe_bpf *s)               \
	{                                                            \
		return s->bss->hits_##field;                         \
	}
KIND(kprobe)
KIND(kprobe_multi)
KIND(fentry)
KIND(tp_btf)

static const struct kind kinds[] = {
	{ "kprobe", prog_kprobe, hits_kprobe },
	{ "kprobe-multi", prog_kprobe_multi, hits_kprobe_multi },
	{ "fentry", prog_fentry, hits_fentry },
	{ "tp_btf", prog_tp_btf, hits_tp_btf },
};

/* Loads only this kind's program so one refusal can't hide the others. */
static void probe_kind(const struct kind *k)
{
	struct probe_bpf *skel = probe_bpf__open();
	struct bpf_program *p;
	const char *stage = "open";
	int err = -errno;

	if (!skel)
		goto report;
	bpf_object__for_each_program(p, skel->obj)
		bpf_program__set_autoload(p, p == k->prog(skel));
	stage = "load";
	err = probe_bpf__load(skel);
	if (err)
		goto report;
	stage = "attach";
	if (!bpf_program__attach(k->prog(skel))) {
		err = -errno;
		goto report;
	}
	send_loopback(10);
	if (k->hits(skel) == 0) {
		stage = "hits";
		err = -ENODATA;
	}
report:
	if (err)
		printf("PROBE kind=%s result=fail stage=%s error=%s\n", k->name, stage,
		       strerror(-err));
	else
		printf("PROBE kind=%s result=ok hits=%llu\n", k->name,
		       (unsigned long long)k->hits(skel));
	fflush(stdout);
	probe_bpf__destroy(skel);
}

int main(int argc, char **argv)
{
	struct skb_funcs f;
	int err;

	verbose = argc > 1 && !strcmp(argv[1], "-v");
	libbpf_set_print(print_libbpf);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		probe_kind(&kinds[i]);

	err = skb_funcs_find(&f);
	if (err) {
		printf("PROBE info skb_funcs error=%s\n", strerror(-err));
		return 1;
	}
	printf("PROBE info available_filter_functions=%s\n",
	       f.filter_readable ? "readable" : "unreadable");
	printf("PROBE info btf_skb_funcs=%zu attachable=%zu\n", f.btf_count, f.count);
	skb_funcs_free(&f);
	return 0;
}
