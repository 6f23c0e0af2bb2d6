/* Loading libarchive on demand (archive-lib.h). */
#include <dlfcn.h>
#include <errno.h>
#include <string.h>

#include "archive-lib.h"

/* The soname libarchive-dev links against on Debian 12 (libarchive 3.6). */
#define ARCHIVE_SONAME "libarchive.so.13"

int
archive_lib_open (struct archive_lib *ret, struct oci_error *err)
{
  struct archive_lib l = { 0 };
  const char *e;

  l.handle = dlopen (ARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!l.handle)
    return oci_error_set (err, ENOENT, "load %s (needed for oci-archive:): %s", ARCHIVE_SONAME,
                          (e = dlerror ()) ? e : "not found");
#define ARCHIVE_LIB_LOAD(name)                                                                           \
  if (!(l.name = (__typeof__ (name) *) dlsym (l.handle, #name)))                                         \
    {                                                                                                    \
      dlclose (l.handle);                                                                                \
      return oci_error_set (err, ENOSYS, "%s: no %s", ARCHIVE_SONAME, #name);                            \
    }
  ARCHIVE_LIB_FUNCTIONS (ARCHIVE_LIB_LOAD)
#undef ARCHIVE_LIB_LOAD
  *ret = l;
  return 0;
}

void
archive_lib_close (struct archive_lib *l)
{
  if (l->handle)
    dlclose (l->handle);
  l->handle = NULL;
}
