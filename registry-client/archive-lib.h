/* libarchive, loaded with dlopen by the commands that read or write an
 * oci-archive: only.  Linked in, it and what it pulls in (libxml2, ICU,
 * libstdc++: 10 of tong-regctl's 45 shared libraries) cost every
 * invocation, pulls included, about 9 ms of CPU and 15 ms of wall time to
 * map and relocate on this guest. */
#ifndef REGCTL_ARCHIVE_LIB_H
#define REGCTL_ARCHIVE_LIB_H

#include <archive.h>
#include <archive_entry.h>

#include "oci/error.h"

/* What transport-oci.c calls, with the types archive.h declares. */
#define ARCHIVE_LIB_FUNCTIONS(X)                                                                         \
  X (archive_errno) X (archive_error_string) X (archive_read_new) X (archive_read_free)                  \
  X (archive_read_support_format_tar) X (archive_read_support_filter_all) X (archive_read_open_fd)       \
  X (archive_read_open_filename) X (archive_read_next_header) X (archive_read_data)                     \
  X (archive_write_new) X (archive_write_free) X (archive_write_set_format_pax_restricted)              \
  X (archive_write_open_fd) X (archive_write_open_filename) X (archive_write_header)                    \
  X (archive_write_data) X (archive_write_close) X (archive_entry_new) X (archive_entry_free)          \
  X (archive_entry_pathname) X (archive_entry_filetype) X (archive_entry_set_pathname)                 \
  X (archive_entry_set_filetype) X (archive_entry_set_perm) X (archive_entry_set_size)                 \
  X (archive_entry_set_mtime)

struct archive_lib {
  void *handle;
#define ARCHIVE_LIB_MEMBER(name) __typeof__ (name) *name;
  ARCHIVE_LIB_FUNCTIONS (ARCHIVE_LIB_MEMBER)
#undef ARCHIVE_LIB_MEMBER
};

int archive_lib_open (struct archive_lib *ret, struct oci_error *err);
/* NULL handle (never opened) is fine. */
void archive_lib_close (struct archive_lib *l);
static inline void
archive_lib_closep (struct archive_lib *l)
{
  archive_lib_close (l);
}
#define cleanup_archive_lib __attribute__ ((cleanup (archive_lib_closep)))

#endif
