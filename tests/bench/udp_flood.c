// SPDX-License-Identifier: GPL-2.0
/*
 * Bench traffic: "send ADDR PORT SECONDS" blasts 64-byte UDP datagrams with
 * sendmmsg and prints packets/s and the datagrams sent; "recv PORT SECONDS"
 * drains a socket; "hold PORT SECONDS" binds one and never reads it, so once
 * its buffer is full every datagram is dropped there. All stop by themselves
 * after SECONDS (bounded in time by construction).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int do_send(const char *addr, int port, double secs)
{
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct mmsghdr msgs[BATCH];
	struct iovec iov;
	char payload[64] = "pwru-bench";
	unsigned long long sent = 0;
	double start, end;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || inet_pton(AF_INET, addr, &dst.sin_addr) != 1) {
		perror("udp_flood send");
		return 1;
	}
	iov.iov_base = payload;
	iov.iov_len = sizeof(payload);
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_name = &dst;
		msgs[i].msg_hdr.msg_namelen = sizeof(dst);
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	start = now();
	end = start + secs;
	while (now() < end) {
		int n = sendmmsg(fd, msgs, BATCH, 0);

		if (n > 0)
			sent += n;
	}
	printf("%.0f %llu\n", sent / (now() - start), sent);
	return 0;
}

static int do_recv(int port, double secs)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { .tv_sec = 0, .tv_usec = 100000 };
	unsigned long long got = 0;
	double end = now() + secs;
	char buf[2048];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("udp_flood recv");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (now() < end) {
		if (recv(fd, buf, sizeof(buf), 0) > 0)
			got++;
	}
	printf("%llu\n", got);
	return 0;
}

static int do_hold(int port, double secs)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("udp_flood hold");
		return 1;
	}
	usleep((useconds_t)(secs * 1e6));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "send"))
		return do_send(argv[2], atoi(argv[3]), atof(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "recv"))
		return do_recv(atoi(argv[2]), atof(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "hold"))
		return do_hold(atoi(argv[2]), atof(argv[3]));
	fprintf(stderr,
		"usage: udp_flood send ADDR PORT SECONDS | recv PORT SECONDS | hold PORT SECONDS\n");
	return 2;
}
