// SPDX-License-Identifier: GPL-2.0
/* pwru: where does my packet go in the kernel, and why does it die? */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "options.h"
#include "trace.h"

int main(int argc, char **argv)
{
	struct options opts;
	char err[512] = "";
	int ret;

	ret = options_parse(&opts, argc, argv, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "pwru: %s (see --help)\n", err);
		return 2;
	}
	if (ret > 0)
		return 0;
	opts.progress_tty = isatty(STDERR_FILENO);
	ret = run_trace(&opts);
	free((char *)opts.pcap_filter);
	return ret;
}
