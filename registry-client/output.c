/* Results on stdout: raw bytes, JSON documents. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "oci/cleanup.h"
#include "regctl.h"

int
regctl_flush_stdout (struct oci_error *err)
{
  if (fflush (stdout) != 0 || ferror (stdout))
    return oci_error_set (err, errno ? errno : EIO, "write stdout");
  return 0;
}

int
regctl_print_json (struct oci_json_writer *w, struct oci_error *err)
{
  cleanup_free char *text = NULL;
  size_t len;
  int r;

  r = oci_jw_finish (w, &text, &len, err);
  if (r < 0)
    return r;
  fwrite (text, 1, len, stdout);
  if (len == 0 || text[len - 1] != '\n')
    fputc ('\n', stdout);
  return regctl_flush_stdout (err);
}

int
regctl_print_json_text (const char *text, size_t len, struct oci_error *err)
{
  cleanup_json struct oci_json *j = NULL;
  cleanup_free char *out = NULL;
  size_t out_len;
  int r;

  r = oci_json_parse (text, len, &j, err);
  if (r < 0)
    return r;
  r = oci_json_dump (j, OCI_JSON_PRETTY, &out, &out_len, err);
  if (r < 0)
    return r;
  fwrite (out, 1, out_len, stdout);
  if (out_len == 0 || out[out_len - 1] != '\n')
    fputc ('\n', stdout);
  return regctl_flush_stdout (err);
}
