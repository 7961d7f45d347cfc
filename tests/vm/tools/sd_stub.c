// SPDX-License-Identifier: GPL-2.0
/* Debian's static libdbus-1 (pulled in by static libpcap's D-Bus capture
 * source) refers to two libsystemd calls for socket activation, and Debian
 * ships no static libsystemd. pwru never opens a D-Bus capture, so these
 * stand-ins only have to link: they report "no activation sockets". */
#include <errno.h>

int sd_listen_fds(int unset_environment);
int sd_is_socket(int fd, int family, int type, int listening);

int sd_listen_fds(int unset_environment)
{
	return 0;
}

int sd_is_socket(int fd, int family, int type, int listening)
{
	return -ENOSYS;
}
