// SPDX-License-Identifier: GPL-2.0
/* --ready-file: the signal cilium/pwru's CI waits for before it sends traffic. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "errmsg.h"
#include "ready_file.h"

int ready_file_create(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

	if (fd < 0)
		return set_err(err, errlen, -errno, "--ready-file %s: %s", path, strerror(errno));
	close(fd);
	return 0;
}
