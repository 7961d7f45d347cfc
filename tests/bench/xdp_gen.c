// SPDX-License-Identifier: GPL-2.0
/*
 * Bench traffic made in the kernel: "xdp_gen IFNAME SRC DST PORT SECONDS
 * [FRAMES]", run inside IFNAME's network namespace, has the kernel receive
 * 64-byte UDP datagrams SRC -> DST:PORT on IFNAME as fast as it can (FRAMES
 * of them at most) and prints packets/s.
 *
 * A socket sender spends most of its time in the send path, so the events
 * it offers a tracer stay well below what the tracer's reader could take.
 * Here a two-instruction XDP program returning XDP_PASS is test-run in
 * live-frames mode (BPF_F_TEST_XDP_LIVE_FRAMES, Linux 5.18): every repeat
 * turns the frame into an skb of IFNAME and hands it to the stack
 * (netif_receive_skb_list), with no system call per packet. Bounded by
 * construction: REPEAT frames a call, and no call starts after SECONDS.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#define REPEAT 16384
#define FRAME_LEN 106 /* Ethernet 14 + IPv4 20 + UDP 8 + 64 bytes of payload */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static __u16 ip_checksum(const void *hdr, size_t len)
{
	const __u16 *w = hdr;
	__u32 sum = 0;

	for (; len > 1; len -= 2)
		sum += *w++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* The frame is addressed to IFNAME's own MAC, so the stack takes it as PACKET_HOST. */
static int build_frame(unsigned char *frame, const char *ifname, const char *src, const char *dst,
		       int port)
{
	struct iphdr *ip = (struct iphdr *)(frame + 14);
	struct udphdr *udp = (struct udphdr *)(frame + 34);
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int err = 0;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr))
		err = -errno;
	if (fd >= 0)
		close(fd);
	if (err)
		return err;
	memset(frame, 0, FRAME_LEN);
	memcpy(frame, ifr.ifr_hwaddr.sa_data, 6);
	/* from a locally administered address, EtherType IPv4 */
	memcpy(frame + 6, "\x02\x00\xc6\x12\x00\x01", 6);
	frame[12] = 0x08;
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(FRAME_LEN - 14);
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	if (inet_pton(AF_INET, src, &ip->saddr) != 1 || inet_pton(AF_INET, dst, &ip->daddr) != 1)
		return -EINVAL;
	ip->check = ip_checksum(ip, sizeof(*ip));
	udp->source = htons(40000);
	udp->dest = htons(port);
	udp->len = htons(FRAME_LEN - 34); /* checksum 0: none, as IPv4 allows */
	memcpy(frame + 42, "pwru-bench", 10);
	return 0;
}

static int load_xdp_pass(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "xdp_gen", "GPL", insns, 2, NULL);
}

int main(int argc, char **argv)
{
	unsigned char frame[FRAME_LEN];
	struct xdp_md md = { .data_end = FRAME_LEN };
	unsigned long long frames = 0, max_frames;
	double start, end;
	int prog, err;

	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: xdp_gen IFNAME SRC DST PORT SECONDS [FRAMES]\n");
		return 2;
	}
	max_frames = argc == 7 ? strtoull(argv[6], NULL, 10) : ~0ULL;
	md.ingress_ifindex = if_nametoindex(argv[1]);
	if (!md.ingress_ifindex) {
		fprintf(stderr, "xdp_gen: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	err = build_frame(frame, argv[1], argv[2], argv[3], atoi(argv[4]));
	if (err) {
		fprintf(stderr, "xdp_gen: %s: %s\n", argv[1], strerror(-err));
		return 1;
	}
	prog = load_xdp_pass();
	if (prog < 0) {
		fprintf(stderr, "xdp_gen: loading the XDP program: %s\n", strerror(errno));
		return 1;
	}
	start = now();
	end = start + atof(argv[5]);
	while (now() < end && frames < max_frames) {
		__u32 n = max_frames - frames < REPEAT ? (__u32)(max_frames - frames) : REPEAT;
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = FRAME_LEN,
			    .ctx_in = &md, .ctx_size_in = sizeof(md), .repeat = n,
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 64);

		if (bpf_prog_test_run_opts(prog, &opts)) {
			fprintf(stderr, "xdp_gen: test run: %s\n", strerror(errno));
			return 1;
		}
		frames += n;
	}
	printf("%.0f\n", frames / (now() - start));
	return 0;
}
