// SPDX-License-Identifier: GPL-2.0-or-later
#ifndef PACER_CQB_SHIM_H
#define PACER_CQB_SHIM_H
/* libqb's IPC, for PacerIPC only (CONVENTIONS.md §3): no other target imports CQB. */
#include <sys/types.h>
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
#endif
