// SPDX-License-Identifier: GPL-2.0-or-later
/* Real-time scheduling for the heartbeat thread. */
#define _GNU_SOURCE
#include "pacer_sys.h"
#include <errno.h>
#include <sched.h>
#include <string.h>

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif

int pacer_realtime_thread(int priority) {
    struct sched_param parameter;
    memset(&parameter, 0, sizeof parameter);
    parameter.sched_priority = priority;
    /* The calling thread only; its children (agents) start as ordinary processes again. */
    if (sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &parameter) != 0) return errno;
    return 0;
}
