// SPDX-License-Identifier: GPL-2.0-or-later
#ifndef PACER_CQB_SHIM_H
#define PACER_CQB_SHIM_H
/* libqb's loop and IPC, for PacerIPC only (CONVENTIONS.md §3): no other target imports CQB. */
#include <sys/types.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <sys/uio.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <qb/qbdefs.h>
#include <qb/qbloop.h>
#include <qb/qbipc_common.h>
#include <qb/qbipcs.h>
#include <qb/qbipcc.h>
#include <qb/qblog.h>

/// qb_log() is a macro over callsite sections and qb_log_from_external_source() is variadic;
/// Swift can call neither, so this logs one preformatted message through libqb.
static inline void pacer_qb_log(uint8_t priority, const char *message) {
    qb_log_from_external_source(__func__, "PacerIPC", "%s", priority, 0, 0, message);
}
/// A non-blocking, close-on-exec CLOCK_MONOTONIC timerfd (-1 with errno on error).
static inline int pacer_timerfd_create(void) {
    return timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
}

/// Arms `fd` to fire once at the absolute CLOCK_MONOTONIC time `deadline_ns` (0 disarms).
static inline int pacer_timerfd_arm(int fd, uint64_t deadline_ns) {
    struct itimerspec spec = {0};
    spec.it_value.tv_sec = (time_t)(deadline_ns / 1000000000ull);
    spec.it_value.tv_nsec = (long)(deadline_ns % 1000000000ull);
    return timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, NULL);
}

/// Consumes a timerfd's expiration count (so it stops being readable).
static inline void pacer_timerfd_drain(int fd) {
    uint64_t count;
    (void)read(fd, &count, sizeof count);
}

/// CLOCK_MONOTONIC now, in nanoseconds.
static inline uint64_t pacer_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
#endif
