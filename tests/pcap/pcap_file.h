/* SPDX-License-Identifier: GPL-2.0 */
/* pcap files for the end-to-end test, kept apart from libbpf (<pcap.h> clashes with it). */
#ifndef PWRU_TEST_PCAP_FILE_H
#define PWRU_TEST_PCAP_FILE_H

/* Writes n well-formed generated frames; 0 or -1 with a message on stderr. */
int frames_write(const char *path, unsigned long n, unsigned long seed);

/* Calls fn for every frame of the file, stops at its first non-zero return. */
int frames_for_each(const char *path,
		    int (*fn)(const unsigned char *data, unsigned int len, void *arg), void *arg);

#endif
