// SPDX-License-Identifier: GPL-2.0-or-later
#ifndef PACER_SYS_H
#define PACER_SYS_H
#include <stdint.h>
#include <sys/types.h>

/// pidfd_open(2): a file descriptor that becomes readable when process `pid` exits (-1 on error, errno set).
int pacer_pidfd_open(pid_t pid);

/// Spawns `path` with `argv`/`envp` in a new process group (its pgid = its pid), stdin from
/// /dev/null, stdout/stderr to the given descriptors, every other descriptor closed, default
/// signal dispositions and an empty signal mask. Returns 0 and sets *pid, or an errno value.
int pacer_spawn(const char *path, char *const argv[], char *const envp[], int stdout_fd, int stderr_fd, pid_t *pid);
/// `pacer_spawn`, with the child first moved into the cgroup whose `cgroup.procs` is open
/// as `cgroup_procs_fd` (so everything it starts, daemons included, stays there); a
/// negative `cgroup_procs_fd` is plain `pacer_spawn`.
int pacer_spawn_in_cgroup(const char *path, char *const argv[], char *const envp[], int stdout_fd, int stderr_fd,
                          int cgroup_procs_fd, pid_t *pid);
/// `pacer_spawn_in_cgroup` (a negative `cgroup_procs_fd`: no cgroup) that also runs the
/// program as `uid`/`gid` (supplementary groups: `gid` only); (uid_t)-1 / (gid_t)-1 keep
/// the caller's. A failure to change them is reported like a failed exec.
int pacer_spawn_as(const char *path, char *const argv[], char *const envp[], int stdout_fd, int stderr_fd,
                   int cgroup_procs_fd, uid_t uid, gid_t gid, pid_t *pid);
/// pipe2(fds, O_CLOEXEC | O_NONBLOCK): 0 or -1 with errno set.
int pacer_pipe(int fds[2]);
/// Blocks SIGTERM and SIGINT in the calling thread (and threads it creates later) and
/// returns a signalfd delivering them (-1 with errno on error).
int pacer_termination_signalfd(void);

/// Reads one signal from a signalfd: its number, or -1 when none is pending.
int pacer_read_signal(int fd);

/// accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC).
int pacer_accept(int fd);
/// accept4(NONBLOCK|CLOEXEC) that also returns the peer's address (`length` in: its size; out: used).
int pacer_accept_from(int fd, void *address, unsigned int *length);
/// A netlink socket (non-blocking) that becomes readable whenever an interface's link
/// state (up/down, carrier) changes; -1 with errno on error.
int pacer_link_events_socket(void);
/// Reads and discards everything pending on a non-blocking socket; returns how many
/// messages (or overflows) there were.
int pacer_drain(int fd);
/// A blocking NETLINK_ROUTE socket for requests (-1 with errno on error).
int pacer_netlink_route_socket(void);
/// Sets the valid and preferred lifetimes of an address already on `interface` to
/// `lifetime` seconds (RTM_NEWADDR with NLM_F_REPLACE, as `ip addr change`). Returns 0 or
/// an errno value.
int pacer_renew_address(int netlink_fd, int family, const char *address, int prefix_length, const char *interface,
                        unsigned int lifetime);
/// Closes every descriptor from `lowest` up (before exec'ing a fresh copy of the daemon).
void pacer_close_from(int lowest);
/// Asks the kernel to stamp each datagram received on `fd` with its arrival time (SO_TIMESTAMPNS).
int pacer_enable_receive_timestamps(int fd);
/// recvmsg(MSG_DONTWAIT) of one datagram: its length (-1 with errno when none), the sender
/// in `from`, and its arrival time (CLOCK_REALTIME ns; 0 when the kernel gave none).
long pacer_recv_timestamped(int fd, void *buffer, unsigned long length, void *from, unsigned int *from_length,
                            long long *realtime_ns);
/// Makes the calling thread round-robin real-time at `priority` (as corosync runs), with
/// SCHED_RESET_ON_FORK so processes it starts are ordinary; 0 or an errno value.
int pacer_realtime_thread(int priority);
/// Mounts the cgroup2 hierarchy on `path` (created if missing); 0 or an errno value.
int pacer_mount_cgroup2(const char *path);
/// Blocks SIGTERM and SIGINT in the calling thread and every thread it creates afterwards,
/// so that they reach the daemon's signalfd instead of killing the process. Call first thing.
int pacer_block_termination_signals(void);
/// mallopt(M_ARENA_MAX, count): fewer per-thread heaps, less memory held idle.
void pacer_malloc_arenas(int count);
/// malloc_trim(0): returns the heap's free pages to the system.
void pacer_malloc_trim(void);
/// For a short command that builds a large working set on one thread: one heap grown by
/// brk in 4 MiB steps, not a thread heap grown by mprotect a few pages at a time. Call
/// before any thread starts (a thread keeps the heap of its first malloc).
void pacer_malloc_one_heap(void);
/// Whether `address` is configured on `interface` (one RTM_GETADDR dump): 1 yes, 0 no,
/// a negative errno value on error.
int pacer_address_present(int netlink_fd, int family, const char *address, const char *interface);
/// Finds which interface holds `address` (any interface): 1 and its name (IF_NAMESIZE bytes)
/// and prefix length, 0 when no interface has it, or -errno.
int pacer_find_address(int netlink_fd, int family, const char *address, char *interface, int *prefix);
/// epoll_create1(EPOLL_CLOEXEC): -1 with errno on error.
int pacer_epoll_create(void);
/// Adds `fd` to the epoll set for `events` (poll(2)'s bits: EPOLLIN == POLLIN …), reported with
/// `token`; 0 or an errno value.
int pacer_epoll_add(int epfd, int fd, uint32_t events, uint64_t token);
/// Changes the events and token of `fd` in the epoll set; 0 or an errno value.
int pacer_epoll_modify(int epfd, int fd, uint32_t events, uint64_t token);
/// Removes `fd` from the epoll set; 0 or an errno value.
int pacer_epoll_remove(int epfd, int fd);
/// epoll_wait for at most `capacity` (at most 64) ready entries, each given as its token and
/// the events that happened; their count, or -1 with errno.
int pacer_epoll_wait(int epfd, uint64_t *tokens, uint32_t *events, int capacity, int timeout_ms);
/// A non-blocking, close-on-exec eventfd starting at 0 (-1 with errno on error).
int pacer_eventfd(void);
/// A non-blocking, close-on-exec CLOCK_MONOTONIC timerfd (-1 with errno on error).
int pacer_timerfd_create(void);
/// Arms `fd` to fire once at the absolute CLOCK_MONOTONIC time `deadline_ns` (0 disarms).
int pacer_timerfd_arm(int fd, uint64_t deadline_ns);
/// Consumes a timerfd's expiration count (so it stops being readable).
void pacer_timerfd_drain(int fd);
/// CLOCK_MONOTONIC now, in nanoseconds.
uint64_t pacer_monotonic_ns(void);
#endif
