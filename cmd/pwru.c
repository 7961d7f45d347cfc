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
	/* As with pflag, --help wins over --version, and either only after a clean parse. */
	if (opts.show_help || opts.show_version) {
		if (opts.show_help)
			options_print_help(stdout, argv[0]);
		else
			printf("pwru %s\n", PWRU_VERSION);
		free((char *)opts.pcap_filter);
		return 0;
	}
	opts.progress_tty = isatty(STDERR_FILENO);
	ret = run_trace(&opts);
	free((char *)opts.pcap_filter);
	return ret;
}
