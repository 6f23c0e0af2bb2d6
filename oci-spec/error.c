#include "oci/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int
oci_error_code (const struct oci_error *err)
{
  return err->errnum ? -err->errnum : -EINVAL;
}

int
oci_error_setv (struct oci_error *err, int errnum, const char *fmt, va_list ap)
{
  int n;

  err->errnum = errnum;
  n = vsnprintf (err->msg, sizeof err->msg, fmt, ap);
  if (n < 0)
    n = 0;
  if (errnum && (size_t) n < sizeof err->msg)
    snprintf (err->msg + n, sizeof err->msg - n, ": %s", strerror (errnum));
  return oci_error_code (err);
}

int
oci_error_set (struct oci_error *err, int errnum, const char *fmt, ...)
{
  va_list ap;
  int r;

  va_start (ap, fmt);
  r = oci_error_setv (err, errnum, fmt, ap);
  va_end (ap);
  return r;
}

int
oci_error_set_code (struct oci_error *err, int errnum, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  oci_error_setv (err, 0, fmt, ap);
  va_end (ap);
  err->errnum = errnum;
  return oci_error_code (err);
}

int
oci_error_wrap (struct oci_error *err, const char *fmt, ...)
{
  char prefix[OCI_ERROR_MSG_MAX];
  char old[OCI_ERROR_MSG_MAX];
  va_list ap;

  va_start (ap, fmt);
  vsnprintf (prefix, sizeof prefix, fmt, ap);
  va_end (ap);
  memcpy (old, err->msg, sizeof old);
  old[sizeof old - 1] = '\0';
  snprintf (err->msg, sizeof err->msg, "%s: %s", prefix, old);
  return oci_error_code (err);
}

void
oci_error_clear (struct oci_error *err)
{
  err->errnum = 0;
  err->msg[0] = '\0';
}

int
oci_error_is_set (const struct oci_error *err)
{
  return err->msg[0] != '\0';
}
