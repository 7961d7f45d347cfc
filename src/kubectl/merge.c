// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cjson/cJSON.h>

#include "kubectl/merge.h"

static bool is_json_object(const char *line, size_t len)
{
	cJSON *obj;
	bool yes;

	if (!len || line[0] != '{')
		return false;
	obj = cJSON_ParseWithLength(line, len);
	yes = cJSON_IsObject(obj);
	cJSON_Delete(obj);
	return yes;
}

/* The node goes in as text in front of pwru's own members, which are passed
 * on byte for byte: re-printing the event through cJSON would round 64-bit
 * numbers (skb addresses, timestamps) to doubles. */
static bool write_json_with_node(FILE *out, const char *label, const char *line, size_t len)
{
	cJSON *node = cJSON_CreateObject();
	char *head = NULL;
	size_t head_len, rest = 1;

	if (node && cJSON_AddStringToObject(node, "node", label))
		head = cJSON_PrintUnformatted(node);
	cJSON_Delete(node);
	if (!head)
		return false;
	head_len = strlen(head) - 1; /* drop the closing brace */
	while (rest < len && (line[rest] == ' ' || line[rest] == '\t'))
		rest++;
	fwrite(head, 1, head_len, out);
	if (line[rest] != '}')
		fputc(',', out);
	fwrite(line + rest, 1, len - rest, out);
	fputc('\n', out);
	free(head);
	return true;
}

void write_labelled_line(FILE *out, const char *label, const char *line, size_t len)
{
	if (!label) {
		fwrite(line, 1, len, out);
		fputc('\n', out);
	} else if (!is_json_object(line, len) || !write_json_with_node(out, label, line, len)) {
		fprintf(out, "[%s] %.*s\n", label, (int)len, line);
	}
}

static void write_complete_lines(struct line_stream *s, FILE *out)
{
	size_t start = 0;
	char *nl;

	while ((nl = memchr(s->buf + start, '\n', s->len - start))) {
		write_labelled_line(out, s->label, s->buf + start, nl - (s->buf + start));
		start = nl - s->buf + 1;
	}
	if (start == 0 && s->len == sizeof(s->buf)) {
		write_labelled_line(out, s->label, s->buf, s->len);
		start = s->len;
	}
	memmove(s->buf, s->buf + start, s->len - start);
	s->len -= start;
}

static void write_rest(struct line_stream *s, FILE *out)
{
	if (s->len)
		write_labelled_line(out, s->label, s->buf, s->len);
	s->len = 0;
	fflush(out);
}

int line_stream_pump(struct line_stream *s, FILE *out)
{
	ssize_t n = read(s->fd, s->buf + s->len, sizeof(s->buf) - s->len);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -errno;
	if (n == 0) {
		write_rest(s, out);
		return 0;
	}
	s->len += n;
	s->consumed += n;
	write_complete_lines(s, out);
	fflush(out);
	return 1;
}

void line_stream_feed(struct line_stream *s, const char *data, size_t len, FILE *out)
{
	while (len) {
		size_t n = sizeof(s->buf) - s->len;

		if (n > len)
			n = len;
		memcpy(s->buf + s->len, data, n);
		s->len += n;
		s->consumed += n;
		data += n;
		len -= n;
		write_complete_lines(s, out);
	}
	write_rest(s, out);
}
