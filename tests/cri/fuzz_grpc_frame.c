// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: the gRPC reply decoder and the trailer parser, on bytes cut
 * into arbitrary read sizes (first byte picks the chunk size). */
#include "cri/grpc_frame.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct grpc_reader r;
	struct grpc_status s;
	uint8_t *msg = NULL;
	size_t len, chunk, off = 1;
	char err[160];
	int ret = 0;

	if (size < 1)
		return 0;
	chunk = data[0] ? data[0] : 1;
	grpc_reader_init(&r, 4096);
	while (off < size && ret == 0) {
		size_t n = size - off < chunk ? size - off : chunk;

		ret = grpc_reader_feed(&r, data + off, n, err, sizeof(err));
		off += n;
	}
	if (ret == 0 && grpc_reader_finish(&r, &msg, &len, err, sizeof(err)) == 0)
		free(msg);
	grpc_reader_free(&r);

	/* The same bytes as header/trailer lines. */
	grpc_status_init(&s);
	for (size_t start = 1, i = 1; i <= size; i++) {
		if (i == size || data[i] == '\n') {
			grpc_status_header(&s, (const char *)data + start, i - start);
			start = i + 1;
		}
	}
	(void)grpc_code_name(s.grpc_status);
	return 0;
}
