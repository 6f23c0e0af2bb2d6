/* Scope-bound release of resources, so early returns cannot leak.
 * Every destructor accepts "nothing to release" (NULL, -1). */
#ifndef OCI_CLEANUP_H
#define OCI_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void
oci_cleanup_freep (void *p)
{
  void **pp = (void **) p;
  free (*pp);
}

static inline void
oci_cleanup_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}

static inline void
oci_cleanup_fclosep (FILE **f)
{
  if (*f)
    fclose (*f);
}

static inline void
oci_cleanup_closedirp (DIR **d)
{
  if (*d)
    closedir (*d);
}

static inline void
oci_cleanup_strvp (char ***v)
{
  if (*v)
    {
      for (char **i = *v; *i; i++)
        free (*i);
      free (*v);
    }
}

#define cleanup_free __attribute__ ((cleanup (oci_cleanup_freep)))
#define cleanup_close __attribute__ ((cleanup (oci_cleanup_closep)))
#define cleanup_fclose __attribute__ ((cleanup (oci_cleanup_fclosep)))
#define cleanup_dir __attribute__ ((cleanup (oci_cleanup_closedirp)))
#define cleanup_strv __attribute__ ((cleanup (oci_cleanup_strvp)))

/* Hand ownership out of a cleanup-scoped variable. */
#define oci_steal(p) ({ __typeof__ (p) oci_steal_tmp_ = (p); (p) = NULL; oci_steal_tmp_; })
static inline int
oci_steal_fd (int *fd)
{
  int r = *fd;
  *fd = -1;
  return r;
}

#endif
