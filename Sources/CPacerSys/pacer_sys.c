// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "pacer_sys.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_addr.h>
#include <arpa/inet.h>
#include <net/if.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

int pacer_pidfd_open(pid_t pid) {
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

int pacer_spawn(const char *path, char *const argv[], char *const envp[], int stdout_fd, int stderr_fd, pid_t *pid) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    sigset_t empty, all;
    int rc;

    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, stderr_fd, 2);
    /* The agent gets stdin, stdout and stderr only: no descriptor of ours leaks into it
       (or into the daemons it starts), whether or not it was opened close-on-exec. */
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);

    posix_spawnattr_init(&attr);
    sigemptyset(&empty);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &empty);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    rc = posix_spawn(pid, path, &actions, &attr, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    return rc;
}

int pacer_spawn_in_cgroup(const char *path, char *const argv[], char *const envp[], int stdout_fd, int stderr_fd,
                          int cgroup_procs_fd, pid_t *pid) {
    if (cgroup_procs_fd < 0) return pacer_spawn(path, argv, envp, stdout_fd, stderr_fd, pid);
    return pacer_spawn_as(path, argv, envp, stdout_fd, stderr_fd, cgroup_procs_fd, (uid_t)-1, (gid_t)-1, pid);
}

int pacer_spawn_as(const char *path, char *const argv[], char *const envp[], int stdout_fd, int stderr_fd,
                   int cgroup_procs_fd, uid_t uid, gid_t gid, pid_t *pid) {
    int report[2];
    pid_t child;
    int code = 0;
    ssize_t n;

    if (pipe2(report, O_CLOEXEC) != 0) return errno;
    /* vfork: no copy of the daemon's page tables (fork of a 20 MB process and the copy-on-write
       faults after it cost a quarter of an idle active node's CPU). The parent waits until the
       child has exec'd; until then the child only calls async-signal-safe functions and never
       returns from this frame. */
    child = vfork();
    if (child < 0) {
        code = errno;
        close(report[0]);
        close(report[1]);
        return code;
    }
    if (child == 0) {
        /* Only async-signal-safe calls from here to execve. */
        struct sigaction dfl;
        sigset_t empty;
        int devnull, sig;

        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        for (sig = 1; sig < NSIG; sig++) (void)sigaction(sig, &dfl, NULL);
        sigemptyset(&empty);
        if (cgroup_procs_fd >= 0) (void)write(cgroup_procs_fd, "0", 1);   /* into the resource's cgroup: best effort */
        (void)setpgid(0, 0);
        /* Drop to uid/gid: raw system calls, which change this process only (glibc's
           set*id wrappers would signal every thread of the parent, whose memory a vfork
           child shares). The group list goes first, then the gid, the uid last. */
        if (gid != (gid_t)-1) {
            if (syscall(SYS_setgroups, 1, &gid) != 0 || syscall(SYS_setresgid, gid, gid, gid) != 0) goto failed;
        }
        if (uid != (uid_t)-1 && syscall(SYS_setresuid, uid, uid, uid) != 0) goto failed;
        devnull = open("/dev/null", O_RDONLY);
        if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(stdout_fd, 1) < 0 || dup2(stderr_fd, 2) < 0) goto failed;
        /* Everything above 2 closes at exec (the report pipe too, which tells the parent it worked). */
        if (syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */) != 0) {
            int fd;
            for (fd = 3; fd < 1024; fd++) (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
        }
        pthread_sigmask(SIG_SETMASK, &empty, NULL);
        execve(path, argv, envp);
    failed:
        code = errno;
        (void)write(report[1], &code, sizeof code);
        _exit(127);
    }
    close(report[1]);
    do { n = read(report[0], &code, sizeof code); } while (n < 0 && errno == EINTR);
    close(report[0]);
    if (n == (ssize_t)sizeof code) {
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
        return code;
    }
    *pid = child;
    return 0;
}

int pacer_pipe(int fds[2]) {
    return pipe2(fds, O_CLOEXEC | O_NONBLOCK);
}

int pacer_termination_signalfd(void) {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    if (pthread_sigmask(SIG_BLOCK, &mask, NULL) != 0) return -1;
    return signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
}

int pacer_read_signal(int fd) {
    struct signalfd_siginfo info;
    ssize_t n = read(fd, &info, sizeof info);
    return n == (ssize_t)sizeof info ? (int)info.ssi_signo : -1;
}

int pacer_accept(int fd) {
    return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int pacer_accept_from(int fd, void *address, unsigned int *length) {
    socklen_t len = *length;
    int accepted = accept4(fd, (struct sockaddr *)address, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    *length = len;
    return accepted;
}

int pacer_link_events_socket(void) {
    struct sockaddr_nl address;
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
    if (fd < 0) return -1;
    memset(&address, 0, sizeof address);
    address.nl_family = AF_NETLINK;
    address.nl_groups = RTMGRP_LINK;
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int pacer_drain(int fd) {
    char buffer[8192];
    int count = 0;
    for (;;) {
        ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n > 0) { count++; continue; }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == ENOBUFS) { count++; continue; }   /* overflowed: something changed */
        return count;
    }
}

static void pacer_add_attribute(struct nlmsghdr *message, unsigned short type, const void *data, size_t length) {
    struct rtattr *attribute = (struct rtattr *)((char *)message + NLMSG_ALIGN(message->nlmsg_len));
    attribute->rta_type = type;
    attribute->rta_len = (unsigned short)RTA_LENGTH(length);
    memcpy(RTA_DATA(attribute), data, length);
    message->nlmsg_len = NLMSG_ALIGN(message->nlmsg_len) + RTA_ALIGN(attribute->rta_len);
}

int pacer_renew_address(int netlink_fd, int family, const char *address, int prefix_length, const char *interface,
                        unsigned int lifetime) {
    struct {
        struct nlmsghdr header;
        struct ifaddrmsg body;
        char attributes[128];
    } request;
    struct ifa_cacheinfo lifetimes;
    unsigned char bytes[16];
    char reply[1024];
    unsigned int index;
    size_t length = family == AF_INET6 ? 16 : 4;
    ssize_t n;
    static unsigned int sequence;

    if (inet_pton(family, address, bytes) != 1) return EINVAL;
    index = if_nametoindex(interface);
    if (index == 0) return errno;
    memset(&request, 0, sizeof request);
    request.header.nlmsg_len = NLMSG_LENGTH(sizeof request.body);
    request.header.nlmsg_type = RTM_NEWADDR;
    /* Replace only: the lifetimes of an existing address change (ip addr change). */
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_REPLACE | NLM_F_ACK;
    request.header.nlmsg_seq = ++sequence;
    request.body.ifa_family = (unsigned char)family;
    request.body.ifa_prefixlen = (unsigned char)prefix_length;
    request.body.ifa_index = index;
    pacer_add_attribute(&request.header, IFA_LOCAL, bytes, length);
    pacer_add_attribute(&request.header, IFA_ADDRESS, bytes, length);
    memset(&lifetimes, 0, sizeof lifetimes);
    lifetimes.ifa_prefered = lifetime;
    lifetimes.ifa_valid = lifetime;
    pacer_add_attribute(&request.header, IFA_CACHEINFO, &lifetimes, sizeof lifetimes);
    if (send(netlink_fd, &request, request.header.nlmsg_len, 0) < 0) return errno;
    for (;;) {
        struct nlmsghdr *answer;
        n = recv(netlink_fd, reply, sizeof reply, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno;
        for (answer = (struct nlmsghdr *)reply; NLMSG_OK(answer, (unsigned int)n); answer = NLMSG_NEXT(answer, n)) {
            if (answer->nlmsg_seq != sequence) continue;
            if (answer->nlmsg_type == NLMSG_ERROR) {
                struct nlmsgerr *error = (struct nlmsgerr *)NLMSG_DATA(answer);
                return -error->error;
            }
        }
    }
}

int pacer_netlink_route_socket(void) {
    return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}

void pacer_close_from(int lowest) {
    if (syscall(SYS_close_range, (unsigned int)lowest, ~0U, 0U) != 0) {
        int fd;
        for (fd = lowest; fd < 65536; fd++) (void)close(fd);
    }
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

#include <sched.h>
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

#include <sys/mount.h>
#include <sys/stat.h>

int pacer_mount_cgroup2(const char *path) {
    if (mkdir(path, 0755) != 0 && errno != EEXIST) return errno;
    if (mount("cgroup2", path, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) return errno;
    return 0;
}

int pacer_block_termination_signals(void) {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    return pthread_sigmask(SIG_BLOCK, &mask, NULL);
}

#include <malloc.h>

void pacer_malloc_arenas(int count) { (void)mallopt(M_ARENA_MAX, count); }

void pacer_malloc_trim(void) { (void)malloc_trim(0); }

/* Dumps the family's addresses and looks for `address` (on interface `index`, or any when 0);
 * when found, fills the interface name and prefix length if asked. 1 found, 0 not, -errno. */
static int address_lookup(int netlink_fd, int family, const char *address, unsigned int index, char *interface_out,
                          int *prefix_out) {
    struct {
        struct nlmsghdr header;
        struct ifaddrmsg body;
    } request;
    unsigned char bytes[16];
    char reply[16384];
    size_t length = family == AF_INET6 ? 16 : 4;
    static unsigned int sequence = 0x40000000;
    int found = 0;

    if (inet_pton(family, address, bytes) != 1) return -EINVAL;
    memset(&request, 0, sizeof request);
    request.header.nlmsg_len = NLMSG_LENGTH(sizeof request.body);
    request.header.nlmsg_type = RTM_GETADDR;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.header.nlmsg_seq = ++sequence;
    request.body.ifa_family = (unsigned char)family;
    request.body.ifa_index = index;   /* honoured as a filter where strict checking is on */
    if (send(netlink_fd, &request, request.header.nlmsg_len, 0) < 0) return -errno;
    for (;;) {
        struct nlmsghdr *answer;
        ssize_t n = recv(netlink_fd, reply, sizeof reply, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -errno;
        for (answer = (struct nlmsghdr *)reply; NLMSG_OK(answer, (unsigned int)n); answer = NLMSG_NEXT(answer, n)) {
            struct ifaddrmsg *entry;
            struct rtattr *attribute;
            int attributes_length;
            if (answer->nlmsg_seq != sequence) continue;
            if (answer->nlmsg_type == NLMSG_DONE) return found;
            if (answer->nlmsg_type == NLMSG_ERROR) return -((struct nlmsgerr *)NLMSG_DATA(answer))->error;
            if (answer->nlmsg_type != RTM_NEWADDR) continue;
            entry = (struct ifaddrmsg *)NLMSG_DATA(answer);
            if ((index != 0 && entry->ifa_index != index) || entry->ifa_family != family || found) continue;
            attributes_length = (int)IFA_PAYLOAD(answer);
            for (attribute = IFA_RTA(entry); RTA_OK(attribute, attributes_length); attribute = RTA_NEXT(attribute, attributes_length)) {
                if ((attribute->rta_type == IFA_LOCAL || (family == AF_INET6 && attribute->rta_type == IFA_ADDRESS))
                    && RTA_PAYLOAD(attribute) == length && memcmp(RTA_DATA(attribute), bytes, length) == 0) {
                    found = 1;
                    if (prefix_out) *prefix_out = entry->ifa_prefixlen;
                    if (interface_out && if_indextoname(entry->ifa_index, interface_out) == NULL) interface_out[0] = 0;
                }
            }
        }
    }
}

int pacer_address_present(int netlink_fd, int family, const char *address, const char *interface) {
    unsigned int index = if_nametoindex(interface);
    if (index == 0) return 0;
    return address_lookup(netlink_fd, family, address, index, NULL, NULL);
}

int pacer_find_address(int netlink_fd, int family, const char *address, char *interface, int *prefix) {
    return address_lookup(netlink_fd, family, address, 0, interface, prefix);
}
