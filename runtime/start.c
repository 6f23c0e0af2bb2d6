/* Releasing a created container: read the byte its init writes into the
 * exec FIFO, then remove the FIFO, which is what makes it `running`. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "create.h"
#include "hooks.h"
#include "oci/cleanup.h"

int
tong_load_saved_config (const struct tong_container *c, struct oci_spec **ret, struct oci_error *err)
{
  char path[PATH_MAX];

  snprintf (path, sizeof path, "%s/" TONG_CONFIG_COPY, c->dir);
  return oci_spec_parse_file (path, ret, err);
}

int
tong_start_container (const struct tong_globals *g, struct tong_container *c, struct oci_error *err)
{
  char fifo[PATH_MAX], byte;
  cleanup_close int fd = -1;
  struct oci_spec *spec = NULL;
  enum tong_status st = tong_container_status (c);
  ssize_t n;

  (void) g;
  if (st != TONG_CREATED)
    return oci_error_set (err, 0, "cannot start a container that is %s: container \"%s\"", tong_status_name (st),
                          c->id);
  snprintf (fifo, sizeof fifo, "%s/" TONG_EXEC_FIFO, c->dir);
  /* Non-blocking, so that an init that died cannot hang us in open(). */
  fd = open (fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return oci_error_set (err, errno, "open exec FIFO %s", fifo);
  for (;;)
    {
      struct pollfd p = { .fd = fd, .events = POLLIN };
      int r = poll (&p, 1, 100);
      if (r < 0 && errno != EINTR)
        return oci_error_set (err, errno, "wait on exec FIFO");
      if (r > 0)
        {
          n = read (fd, &byte, 1);
          if (n == 1 && byte == 'E')
            {
              /* The init failed in its last steps (startContainer hooks)
               * and wrote why; it closes the FIFO as it exits. */
              char msg[OCI_ERROR_MSG_MAX];
              size_t len = 0;
              int flags = fcntl (fd, F_GETFL);
              if (flags >= 0)
                fcntl (fd, F_SETFL, flags & ~O_NONBLOCK);
              while (len < sizeof msg - 1 && (n = read (fd, msg + len, sizeof msg - 1 - len)) > 0)
                len += (size_t) n;
              msg[len] = '\0';
              return oci_error_set_code (err, EIO, "%s", len ? msg : "the container's init failed");
            }
          if (n == 1)
            break;
          if (n < 0 && errno != EAGAIN)
            return oci_error_set (err, errno, "read exec FIFO");
        }
      if (!tong_container_init_alive (c))
        return oci_error_set (err, ESRCH, "container \"%s\": its init exited before it could start", c->id);
    }
  /* The init keeps the FIFO open until its execve closes it: EOF means the
   * user's process runs, which is when poststart hooks are due. */
  for (;;)
    {
      struct pollfd p = { .fd = fd, .events = POLLIN };
      int r = poll (&p, 1, 100);
      if (r < 0 && errno != EINTR)
        return oci_error_set (err, errno, "wait on exec FIFO");
      if (r > 0 && (n = read (fd, &byte, 1)) <= 0 && !(n < 0 && errno == EAGAIN))
        break;
      if (!tong_container_init_alive (c))
        break;
    }
  if (unlink (fifo) < 0 && errno != ENOENT)
    return oci_error_set (err, errno, "remove exec FIFO %s", fifo);
  if (tong_load_saved_config (c, &spec, err) == 0)
    {
      if (spec->hooks && spec->hooks->poststart_len)
        {
          cleanup_free char *state = NULL;
          struct oci_error hook_err = { 0 };
          if (tong_hook_state (c->id, "running", c->pid, c->bundle, c->annotations, &state, &hook_err) < 0)
            tong_log_error (g, hook_err.msg);
          else
            tong_hooks_run_warn (g, spec->hooks->poststart, spec->hooks->poststart_len, "poststart", state);
        }
      oci_spec_free (spec);
    }
  oci_error_clear (err);
  return 0;
}
