/* Writing a small file whole or not at all, for every program: the
 * runtime's state.json, pid files and seccomp cache entries, and the
 * store's writes. */
#ifndef OCI_FILE_H
#define OCI_FILE_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "oci/error.h"

/* All of buf to fd, through short writes and EINTR; what names the file
 * in the error. */
int oci_write_all (int fd, const void *buf, size_t len, const char *what, struct oci_error *err);

/* fsync the new file before it takes the name: after a crash, the name
 * holds the old contents or the whole new ones, never an empty file. */
#define OCI_REPLACE_SYNC_FILE 1u
/* fsync the directory after the rename: the new name itself survives a
 * crash. */
#define OCI_REPLACE_SYNC_DIR 2u

/* Replaces path (relative to dirfd, or AT_FDCWD) with the concatenation of
 * parts, created with mode: written to ".NAME.tmp-PID" beside it, then
 * renamed over it, so a reader sees the old file or the new one whole.
 * On failure the temporary file is gone and path is as it was. */
int oci_replace_file_at (int dirfd, const char *path, const struct iovec *parts, size_t n_parts, mode_t mode,
                         unsigned flags, struct oci_error *err);

#endif
