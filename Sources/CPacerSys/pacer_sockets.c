// SPDX-License-Identifier: GPL-2.0-or-later
/* Socket calls Swift cannot make as directly: accept4 with flags, and UDP receives with the
 * kernel's arrival timestamp (SO_TIMESTAMPNS). */
#define _GNU_SOURCE
#include "pacer_sys.h"
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

int pacer_accept(int fd) {
    return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int pacer_accept_from(int fd, void *address, unsigned int *length) {
    socklen_t len = *length;
    int accepted = accept4(fd, (struct sockaddr *)address, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    *length = len;
    return accepted;
}

int pacer_enable_receive_timestamps(int fd) {
    int one = 1;
    return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
}

long pacer_recv_timestamped(int fd, void *buffer, unsigned long length, void *from, unsigned int *from_length,
                            long long *realtime_ns) {
    struct iovec vector;
    struct msghdr message;
    struct cmsghdr *control;
    char space[CMSG_SPACE(sizeof(struct timespec))];
    ssize_t n;

    vector.iov_base = buffer;
    vector.iov_len = length;
    memset(&message, 0, sizeof message);
    message.msg_name = from;
    message.msg_namelen = *from_length;
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = space;
    message.msg_controllen = sizeof space;
    *realtime_ns = 0;
    n = recvmsg(fd, &message, MSG_DONTWAIT);
    if (n < 0) return -1;
    *from_length = message.msg_namelen;
    for (control = CMSG_FIRSTHDR(&message); control != NULL; control = CMSG_NXTHDR(&message, control)) {
        if (control->cmsg_level == SOL_SOCKET && control->cmsg_type == SCM_TIMESTAMPNS) {
            struct timespec stamp;
            memcpy(&stamp, CMSG_DATA(control), sizeof stamp);
            *realtime_ns = (long long)stamp.tv_sec * 1000000000LL + stamp.tv_nsec;
        }
    }
    return (long)n;
}
