// SPDX-License-Identifier: GPL-2.0
/* vm-udpsend: a fixed, bounded amount of traffic for per-hit cost figures.
 * Sends COUNT one-byte UDP datagrams to ADDR:PORT and prints
 *   UDPSEND count=N secs=S per_packet_us=U
 * Usage: vm-udpsend ADDR PORT COUNT   (COUNT at most 1000000) */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	unsigned long count;
	double t0, secs;
	int fd;

	if (argc != 4 || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
		fprintf(stderr, "usage: vm-udpsend ADDR PORT COUNT\n");
		return 2;
	}
	to.sin_port = htons(atoi(argv[2]));
	count = strtoul(argv[3], NULL, 10);
	if (count == 0 || count > 1000000) {
		fprintf(stderr, "vm-udpsend: COUNT must be 1..1000000\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("vm-udpsend: socket");
		return 1;
	}
	t0 = now();
	for (unsigned long i = 0; i < count; i++)
		sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to));
	secs = now() - t0;
	printf("UDPSEND count=%lu secs=%.3f per_packet_us=%.2f\n", count, secs, secs * 1e6 / count);
	close(fd);
	return 0;
}
