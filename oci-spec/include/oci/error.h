/* One error type for the whole toolchain (DESIGN.md, "Library conventions").
 *
 * A failing function fills a caller-owned struct oci_error and returns a
 * negative value; callers add context with oci_error_wrap() on the way up;
 * only main() prints it, once.  The message lives in a fixed buffer so that
 * reporting an error can never itself fail, and so that an error can be
 * copied byte for byte over a socket from a forked child. */
#ifndef OCI_ERROR_H
#define OCI_ERROR_H

#include <stdarg.h>

#define OCI_ERROR_MSG_MAX 1024

struct oci_error {
  int errnum;                    /* errno of the failure, 0 when none applies */
  char msg[OCI_ERROR_MSG_MAX];   /* what failed and on which path */
};

/* Record an error; appends ": strerror(errnum)" when errnum != 0.
 * Returns -errnum, or -EINVAL when errnum is 0, so callers can write
 * `return oci_error_set (err, errno, "open %s", path);`. */
int oci_error_set (struct oci_error *err, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
int oci_error_setv (struct oci_error *err, int errnum, const char *fmt, va_list ap);

/* Same, without the ": strerror" suffix: for conditions whose errno is
 * only a classification (ENOENT for `container "x" does not exist`). */
int oci_error_set_code (struct oci_error *err, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Prepend context: "context: previous message".  Returns the same negative
 * value oci_error_set returned. */
int oci_error_wrap (struct oci_error *err, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

/* The value oci_error_set returned for this error. */
int oci_error_code (const struct oci_error *err);

void oci_error_clear (struct oci_error *err);
int oci_error_is_set (const struct oci_error *err);

#endif
