/* clone3 with CLONE_INTO_CGROUP, clone as the fallback (clone.h). */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "clone.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* The kernel's struct clone_args up to its cgroup field (CLONE_ARGS_SIZE_VER2);
 * glibc has no wrapper for clone3. */
struct tong_clone_args {
  uint64_t flags;
  uint64_t pidfd;
  uint64_t child_tid;
  uint64_t parent_tid;
  uint64_t exit_signal;
  uint64_t stack;
  uint64_t stack_size;
  uint64_t tls;
  uint64_t set_tid;
  uint64_t set_tid_size;
  uint64_t cgroup;
};

pid_t
tong_clone (unsigned long flags, int cgroup_fd, bool *ret_in_cgroup)
{
  *ret_in_cgroup = false;
#ifdef SYS_clone3
  if (cgroup_fd >= 0)
    {
      struct tong_clone_args args = {
        .flags = (uint64_t) flags | CLONE_INTO_CGROUP,
        .exit_signal = SIGCHLD,
        .cgroup = (uint64_t) cgroup_fd,
      };
      /* No stack: the child runs on a copy of ours, as after fork. */
      long pid = syscall (SYS_clone3, &args, sizeof args);
      if (pid >= 0)
        {
          if (pid > 0)
            *ret_in_cgroup = true;
          return (pid_t) pid;
        }
      /* ENOSYS: no clone3 (< 5.3, or a seccomp filter of the caller's
       * that hides it, as container engines' default profiles do); E2BIG:
       * no cgroup field (< 5.7).  Whatever else failed, a plain clone and
       * the move into the cgroup report it in their own words. */
    }
#else
  (void) cgroup_fd;
#endif
  return (pid_t) syscall (SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
}
