// SPDX-License-Identifier: GPL-2.0
/*
 * Interface names per network namespace. A socket created inside a netns
 * keeps answering SIOCGIFNAME for that netns, so we enter each namespace
 * once (in a short-lived thread) and keep its socket.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "array.h"
#include "ifnames.h"
#include "netns.h"

#define RETRY_NS 1000000000ULL

struct ifname_entry {
	uint32_t netns, ifindex;
	uint64_t retry_at; /* 0: resolved; else when to ask the kernel again */
	char name[IF_NAMESIZE];
};

struct netns_sock {
	uint32_t netns;
	int fd; /* -1 when the netns could not be entered */
	uint64_t retry_at;
};

struct ifnames {
	const char *proc_root;
	struct ifname_entry *e;
	size_t n, cap;
	struct netns_sock *s;
	size_t ns, scap;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

struct ifnames *ifnames_new(const char *proc_root)
{
	struct ifnames *c = calloc(1, sizeof(*c));

	if (c)
		c->proc_root = proc_root;
	return c;
}

void ifnames_free(struct ifnames *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->ns; i++) {
		if (c->s[i].fd >= 0)
			close(c->s[i].fd);
	}
	free(c->s);
	free(c->e);
	free(c);
}

static int netns_sock_get(struct ifnames *c, uint32_t netns)
{
	struct netns_sock *s = NULL;
	int nsfd;

	for (size_t i = 0; i < c->ns; i++) {
		if (c->s[i].netns == netns)
			s = &c->s[i];
	}
	if (s && (s->fd >= 0 || now_ns() < s->retry_at))
		return s->fd;
	if (!s) {
		if (array_reserve(c->s, c->scap, c->ns + 1))
			return -ENOMEM;
		s = &c->s[c->ns++];
		s->netns = netns;
	}
	nsfd = netns_open_inode(c->proc_root, netns);
	s->fd = nsfd >= 0 ? netns_socket(nsfd) : -1;
	if (nsfd >= 0)
		close(nsfd);
	s->retry_at = s->fd >= 0 ? 0 : now_ns() + RETRY_NS;
	return s->fd;
}

static void resolve(struct ifnames *c, struct ifname_entry *e)
{
	struct ifreq ifr = { .ifr_ifindex = (int)e->ifindex };
	int fd = netns_sock_get(c, e->netns);

	if (fd >= 0 && ioctl(fd, SIOCGIFNAME, &ifr) == 0) {
		memcpy(e->name, ifr.ifr_name, IF_NAMESIZE);
		e->name[IF_NAMESIZE - 1] = '\0';
		e->retry_at = 0;
		return;
	}
	e->name[0] = '\0';
	e->retry_at = now_ns() + RETRY_NS;
}

const char *ifnames_get(struct ifnames *c, uint32_t netns, uint32_t ifindex)
{
	struct ifname_entry *e = NULL;

	if (!c || !ifindex)
		return "";
	for (size_t i = 0; i < c->n; i++) {
		if (c->e[i].netns == netns && c->e[i].ifindex == ifindex) {
			e = &c->e[i];
			break;
		}
	}
	if (!e) {
		if (array_reserve(c->e, c->cap, c->n + 1))
			return "";
		e = &c->e[c->n++];
		memset(e, 0, sizeof(*e));
		e->netns = netns;
		e->ifindex = ifindex;
		e->retry_at = 1;
	}
	if (e->retry_at && now_ns() >= e->retry_at)
		resolve(c, e);
	return e->name;
}
