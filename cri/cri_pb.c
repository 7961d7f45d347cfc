// SPDX-License-Identifier: GPL-2.0
/* Compiles the protobuf-c code that the build generates from
 * cri/proto/cri.proto into $(OUT), so it is never committed. */
#include "cri/cri_proto.h"
#include "cri.pb-c.c"
