/* Creating the container's processes: clone(2) semantics (a copy of the
 * caller, which continues on a copy of its stack), straight into a v2
 * cgroup where the kernel can. */
#ifndef TONG_CLONE_H
#define TONG_CLONE_H

#include <stdbool.h>
#include <sys/types.h>

/* Like syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0).  With cgroup_fd >= 0
 * (a v2 cgroup directory, O_PATH is enough) tries clone3 with
 * CLONE_INTO_CGROUP first, so the child never runs a single instruction
 * outside that cgroup; *ret_in_cgroup says whether that happened (kernels
 * before 5.7 lack it: then a plain clone, and the caller moves the child).
 * Returns the child's pid in the parent, 0 in the child, -1 with errno. */
pid_t tong_clone (unsigned long flags, int cgroup_fd, bool *ret_in_cgroup);

#endif
