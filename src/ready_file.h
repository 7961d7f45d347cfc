/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_READY_FILE_H
#define PWRU_READY_FILE_H

#include <stddef.h>

/*
 * --ready-file: created (or truncated) once every probe is attached, so a
 * script can start its traffic; left in place at exit, as cilium/pwru does.
 */
int ready_file_create(const char *path, char *err, size_t errlen);

#endif
