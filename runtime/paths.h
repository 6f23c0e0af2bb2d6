/* Paths inside the container's rootfs, resolved so that nothing a rootfs
 * holds (symlinks, "..") can send a mount or a write outside it
 * (CVE-2021-30465 and the 2025 /dev/console and maskedPaths races): every
 * lookup is openat2(RESOLVE_IN_ROOT), every mount targets the resolved fd
 * through /proc/self/fd. */
#ifndef TONG_PATHS_H
#define TONG_PATHS_H

#include <stdbool.h>
#include <sys/types.h>

#include "oci/error.h"

enum tong_target_kind {
  TONG_TARGET_DIR,
  TONG_TARGET_FILE,
};

/* Opens path (relative to, and confined in, rootfd) as O_PATH; with
 * `create`, missing directories on the way are made, and a missing last
 * component is made as `kind`. */
int tong_open_in_root (int rootfd, const char *path, bool create, enum tong_target_kind kind, int *ret_fd,
                       struct oci_error *err);
/* Like tong_open_in_root, but any symlink on the way is an error: proc and
 * sysfs must never be mounted over one (CVE-2019-19921). */
int tong_open_in_root_nosymlinks (int rootfd, const char *path, int *ret_fd, struct oci_error *err);
/* Fails unless fd is on a procfs (CVE-2025-52881: writes meant for proc
 * must not land elsewhere). */
int tong_check_procfs (int fd, const char *what, struct oci_error *err);
/* "/proc/self/fd/N" for mount(2). */
void tong_fd_path (int fd, char *buf, size_t len);
int tong_mkdir_p (const char *path, mode_t mode, struct oci_error *err);

#endif
