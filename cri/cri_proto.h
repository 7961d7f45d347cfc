/* SPDX-License-Identifier: GPL-2.0 */
/* The generated CRI protobuf-c types. Include this, never cri.pb-c.h: with
 * -std=gnu11 the compiler predefines `linux` as 1, and the CRI messages
 * have fields named linux. */
#ifndef PWRU_CRI_PROTO_H
#define PWRU_CRI_PROTO_H
#undef linux
#include "cri.pb-c.h"
#endif
