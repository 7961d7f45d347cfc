// SPDX-License-Identifier: GPL-2.0
/*
 * Host end-to-end helper for the pcap filter on real socket buffers.
 *
 *   e2e_count write FILE N SEED
 *       writes N well-formed frames (TCP, UDP, ICMP, ARP, IPv6, VLAN, QinQ...)
 *       to a pcap file, for tcpdump -r and for sending
 *   e2e_count send OBJ SEND_NETNS_PATH SEND_DEV FILE MODE
 *       only sends FILE's frames (MODE as below; OBJ holds the tc program)
 *   e2e_count count FILE
 *       prints the number of frames in a pcap file
 *   e2e_count run OBJ EXPR IFINDEX NETNS_INODE SEND_NETNS_PATH SEND_DEV FILE MODE
 *       splices EXPR into the test object's tp_btf counter, attaches it to
 *       netif_receive_skb, counts frames arriving on IFINDEX in the netns
 *       with inode NETNS_INODE, sends FILE's frames raw from SEND_DEV inside
 *       SEND_NETNS_PATH, and prints "seen N matched N tag_in_metadata N". MODE "offload" first
 *       attaches a tc program to SEND_DEV that moves each outer VLAN tag into
 *       skb metadata, as VLAN offload does; "inline" leaves frames alone.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <bpf/libbpf.h>

#include "pcap/pcap_filters.h"
#include "pcap_file.h"

struct counters {
	unsigned int ifindex;
	unsigned int netns;
	unsigned long long seen, matched, tag_in_metadata;
};

static int prepare_load(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	return pcap_filters_splice((struct pcap_filters *)cookie, prog, opts, 1);
}

struct sender {
	int sock;
	struct sockaddr_ll to;
	int offload_fd; /* tc program for SEND_DEV's egress, or -1 */
	struct bpf_tc_hook hook;
};

static int send_one(const unsigned char *data, unsigned int len, void *arg)
{
	struct sender *s = arg;

	/* the frame's own type, so that tc sees a VLAN frame as one */
	s->to.sll_protocol = len >= 14 ? (unsigned short)(data[12] | data[13] << 8) : 0;
	if (sendto(s->sock, data, len, 0, (struct sockaddr *)&s->to, sizeof(s->to)) < 0) {
		fprintf(stderr, "e2e_count: send: %s\n", strerror(errno));
		return -1;
	}
	usleep(200); /* keep the receive backlog from overflowing */
	return 0;
}

/* Frames go out of SEND_DEV in its own netns; the BPF links stay attached. */
static int attach_offload(struct sender *s)
{
	LIBBPF_OPTS(bpf_tc_opts, o, .prog_fd = s->offload_fd);
	int err;

	s->hook.sz = sizeof(s->hook);
	s->hook.ifindex = s->to.sll_ifindex;
	s->hook.attach_point = BPF_TC_EGRESS;
	err = bpf_tc_hook_create(&s->hook);
	if (!err || err == -EEXIST)
		err = bpf_tc_attach(&s->hook, &o);
	if (err)
		fprintf(stderr, "e2e_count: tc egress on %d: %s\n", s->to.sll_ifindex,
			strerror(-err));
	return err;
}

static int send_frames(const char *netns_path, const char *dev, const char *file, int offload_fd)
{
	struct sender s = { .sock = -1,
			    .to = { .sll_family = AF_PACKET },
			    .offload_fd = offload_fd };
	int nsfd = open(netns_path, O_RDONLY), ret = -1;

	if (nsfd < 0 || setns(nsfd, CLONE_NEWNET)) {
		fprintf(stderr, "e2e_count: cannot enter %s: %s\n", netns_path, strerror(errno));
		goto cleanup;
	}
	s.sock = socket(AF_PACKET, SOCK_RAW, 0);
	s.to.sll_ifindex = (int)if_nametoindex(dev);
	if (s.sock < 0 || !s.to.sll_ifindex) {
		fprintf(stderr, "e2e_count: raw socket on %s: %s\n", dev, strerror(errno));
		goto cleanup;
	}
	if (offload_fd >= 0 && attach_offload(&s))
		goto cleanup;
	ret = frames_for_each(file, send_one, &s);
	if (offload_fd >= 0)
		bpf_tc_hook_destroy(&s.hook);
cleanup:
	if (s.sock >= 0)
		close(s.sock);
	if (nsfd >= 0)
		close(nsfd);
	return ret;
}

static int run(char **argv)
{
	int offload = !strcmp(argv[7], "offload");
	struct pcap_filters *f = NULL;
	struct bpf_object *obj = NULL;
	struct bpf_link *link = NULL;
	struct bpf_program *prog;
	struct counters *c, seen;
	unsigned int key = 0;
	char err[512];
	size_t size;
	int handler = -1, ret = 1;

	if (pcap_filters_compile(argv[1], &f, err, sizeof(err)) || !f) {
		fprintf(stderr, "e2e_count: '%s': %s\n", argv[1], f ? err : "empty filter");
		return 1;
	}
	LIBBPF_OPTS(libbpf_prog_handler_opts, ho, .cookie = (long)f,
		    .prog_prepare_load_fn = prepare_load);
	handler = libbpf_register_prog_handler("pcap_test_tp_btf", BPF_PROG_TYPE_TRACING,
					       BPF_TRACE_RAW_TP, &ho);
	obj = bpf_object__open_file(argv[0], NULL);
	if (handler < 0 || !obj) {
		fprintf(stderr, "e2e_count: cannot open %s\n", argv[0]);
		goto cleanup;
	}
	bpf_object__for_each_program(prog, obj) {
		const char *name = bpf_program__name(prog);

		bpf_program__set_autoload(prog,
					  !strcmp(name, "pcap_count_rx") ||
						  (offload && !strcmp(name, "pcap_vlan_offload")));
	}
	bpf_program__set_attach_target(bpf_object__find_program_by_name(obj, "pcap_count_rx"), 0,
				       "netif_receive_skb");
	c = (struct counters *)bpf_map__initial_value(bpf_object__find_map_by_name(obj, ".bss"),
						      &size);
	if (!c || size < sizeof(*c)) {
		fprintf(stderr, "e2e_count: no pcap_count in .bss\n");
		goto cleanup;
	}
	c->ifindex = (unsigned int)strtoul(argv[2], NULL, 0);
	c->netns = (unsigned int)strtoul(argv[3], NULL, 0);
	if (bpf_object__load(obj)) {
		fprintf(stderr, "e2e_count: load: %s\n", pcap_filters_strerror(f));
		goto cleanup;
	}
	link = bpf_program__attach_trace(bpf_object__find_program_by_name(obj, "pcap_count_rx"));
	if (!link) {
		fprintf(stderr, "e2e_count: attach to netif_receive_skb: %s\n", strerror(errno));
		goto cleanup;
	}
	if (send_frames(argv[4], argv[5], argv[6],
			offload ? bpf_program__fd(bpf_object__find_program_by_name(
					  obj, "pcap_vlan_offload")) :
				  -1))
		goto cleanup;
	usleep(300 * 1000);
	/* libbpf 1.1 maps .bss into our memory only for skeletons: read the map */
	if (bpf_map__lookup_elem(bpf_object__find_map_by_name(obj, ".bss"), &key, sizeof(key),
				 &seen, sizeof(seen), 0)) {
		fprintf(stderr, "e2e_count: reading the counters: %s\n", strerror(errno));
		goto cleanup;
	}
	printf("seen %llu matched %llu tag_in_metadata %llu\n", seen.seen, seen.matched,
	       seen.tag_in_metadata);
	ret = 0;
cleanup:
	bpf_link__destroy(link);
	bpf_object__close(obj);
	if (handler > 0)
		libbpf_unregister_prog_handler(handler);
	pcap_filters_free(f);
	return ret;
}

static int count_one(const unsigned char *data, unsigned int len, void *arg)
{
	(*(unsigned long *)arg)++;
	return 0;
}

static int send_only(char **argv)
{
	int offload = !strcmp(argv[4], "offload"), ret = 1;
	struct bpf_object *obj = bpf_object__open_file(argv[0], NULL);
	struct bpf_program *prog;

	if (!obj) {
		fprintf(stderr, "e2e_count: cannot open %s\n", argv[0]);
		return 1;
	}
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(
			prog, offload && !strcmp(bpf_program__name(prog), "pcap_vlan_offload"));
	if (offload && bpf_object__load(obj)) {
		fprintf(stderr, "e2e_count: cannot load the tc program\n");
		goto cleanup;
	}
	ret = send_frames(argv[1], argv[2], argv[3],
			  offload ? bpf_program__fd(bpf_object__find_program_by_name(
					    obj, "pcap_vlan_offload")) :
				    -1) ?
		      1 :
		      0;
cleanup:
	bpf_object__close(obj);
	return ret;
}

/* libbpf's messages only with PWRU_TEST_VERBOSE=1: re-using the clsact qdisc is normal here. */
static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return getenv("PWRU_TEST_VERBOSE") ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	unsigned long n = 0;

	libbpf_set_print(print_libbpf);
	if (argc == 3 && !strcmp(argv[1], "count")) {
		if (frames_for_each(argv[2], count_one, &n))
			return 1;
		printf("%lu\n", n);
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "write"))
		return frames_write(argv[2], strtoul(argv[3], NULL, 0), strtoul(argv[4], NULL, 0)) ?
			       1 :
			       0;
	if (argc == 7 && !strcmp(argv[1], "send"))
		return send_only(argv + 2);
	if (argc == 10 && !strcmp(argv[1], "run"))
		return run(argv + 2);
	fprintf(stderr,
		"usage: %s write FILE N SEED\n       %s count FILE\n"
		"       %s send OBJ SEND_NETNS_PATH SEND_DEV FILE inline|offload\n"
		"       %s run OBJ EXPR IFINDEX NETNS_INODE SEND_NETNS_PATH SEND_DEV FILE inline|offload\n",
		argv[0], argv[0], argv[0], argv[0]);
	return 2;
}
