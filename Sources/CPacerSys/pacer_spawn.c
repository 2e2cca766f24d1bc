// SPDX-License-Identifier: GPL-2.0-or-later
/* Starting agents: posix_spawn in a new process group (optionally in a cgroup, or as another
 * user), pidfds to wait on them, pipes for their output, and the cgroup2 mount. */
#define _GNU_SOURCE
#include "pacer_sys.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

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

void pacer_close_from(int lowest) {
    if (syscall(SYS_close_range, (unsigned int)lowest, ~0U, 0U) != 0) {
        int fd;
        for (fd = lowest; fd < 65536; fd++) (void)close(fd);
    }
}

int pacer_mount_cgroup2(const char *path) {
    if (mkdir(path, 0755) != 0 && errno != EEXIST) return errno;
    if (mount("cgroup2", path, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) return errno;
    return 0;
}
