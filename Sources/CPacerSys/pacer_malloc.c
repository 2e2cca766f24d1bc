// SPDX-License-Identifier: GPL-2.0-or-later
/* glibc malloc tuning: fewer arenas, and memory handed back after a transition. */
#define _GNU_SOURCE
#include "pacer_sys.h"
#include <malloc.h>

void pacer_malloc_arenas(int count) { (void)mallopt(M_ARENA_MAX, count); }

void pacer_malloc_trim(void) { (void)malloc_trim(0); }

void pacer_malloc_one_heap(void) {
    (void)mallopt(M_ARENA_MAX, 1);
    (void)mallopt(M_TOP_PAD, 4 << 20);
}
