/* Error and debug lines in runc's shapes: text
 * `time="…" level=error msg="…"`, or JSON lines
 * `{"level":"error","msg":"…","time":"…"}` that containerd's shim reads
 * back from --log to report "OCI runtime create failed: MSG". */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "oci/cleanup.h"
#include "oci/json.h"
#include "runtime.h"

static void
now_rfc3339 (char *buf, size_t len)
{
  struct timespec ts;
  struct tm tm;

  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  snprintf (buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
            tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
write_line (const struct tong_globals *g, const char *level, const char *msg)
{
  char stamp[64];
  cleanup_free char *line = NULL;
  size_t len = 0;

  now_rfc3339 (stamp, sizeof stamp);
  if (g->log_json)
    {
      struct oci_json_writer *w = oci_jw_new (OCI_JSON_COMPACT);
      struct oci_error ignored = { 0 };
      if (!w)
        return;
      oci_jw_begin_object (w);
      oci_jw_kv_string (w, "level", level);
      oci_jw_kv_string (w, "msg", msg);
      oci_jw_kv_string (w, "time", stamp);
      oci_jw_end_object (w);
      if (oci_jw_finish (w, &line, &len, &ignored) < 0)
        line = NULL;
      oci_jw_free (w);
      if (!line)
        return;
      line[len++] = '\n';
    }
  else
    {
      FILE *f = open_memstream (&line, &len);
      const char *p;
      if (!f)
        return;
      fprintf (f, "time=\"%s\" level=%s msg=\"", stamp, level);
      /* Quoted as logrus does, so that one message stays one line. */
      for (p = msg; *p; p++)
        {
          if (*p == '\n')
            fputs ("\\n", f);
          else if (*p == '\t')
            fputs ("\\t", f);
          else
            {
              if (*p == '"' || *p == '\\')
                fputc ('\\', f);
              fputc (*p, f);
            }
        }
      fputs ("\"\n", f);
      fclose (f);
    }
  /* One write(2) a line: the container init logs to the same file
   * (O_APPEND) while the parent does. */
  if (g->log_fd >= 0)
    {
      if (write (g->log_fd, line, len) < 0)
        {
          /* Nowhere left to report it. */
        }
    }
  /* As runc: the formatted line goes to the log (stderr by default); an
   * error is also said plainly on stderr when the log is a file. */
  if (g->log_fd < 0)
    {
      if (write (STDERR_FILENO, line, len) < 0)
        return;
    }
  else if (strcmp (level, "error") == 0)
    fprintf (stderr, "tong: %s\n", msg);
}

void
tong_log_error (const struct tong_globals *g, const char *msg)
{
  write_line (g, "error", msg);
}

void
tong_log_warn (const struct tong_globals *g, const char *fmt, ...)
{
  cleanup_free char *msg = NULL;
  va_list ap;

  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (msg)
    write_line (g, "warning", msg);
}

void
tong_log_debug (const struct tong_globals *g, const char *fmt, ...)
{
  cleanup_free char *msg = NULL;
  va_list ap;

  if (!g->debug)
    return;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (msg)
    write_line (g, "debug", msg);
}
