#include "sync.h"

#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

struct wire {
  uint32_t type;
  int32_t errnum;
  int64_t value;
  char msg[OCI_ERROR_MSG_MAX];
};

const char *
tong_sync_name (enum tong_sync t)
{
  switch (t)
    {
    case TONG_SYNC_CGROUP_ACK:
      return "CGROUP_ACK";
    case TONG_SYNC_USERMAP_PLS:
      return "USERMAP_PLS";
    case TONG_SYNC_USERMAP_ACK:
      return "USERMAP_ACK";
    case TONG_SYNC_HOOKS_PLS:
      return "HOOKS_PLS";
    case TONG_SYNC_HOOKS_ACK:
      return "HOOKS_ACK";
    case TONG_SYNC_INIT_PID:
      return "INIT_PID";
    case TONG_SYNC_READY:
      return "READY";
    case TONG_SYNC_ERROR:
      return "ERROR";
    }
  return "UNKNOWN";
}

int
tong_sync_send (int fd, enum tong_sync type, int64_t value, struct oci_error *err)
{
  struct wire m = { .type = type, .value = value };
  ssize_t n;

  do
    n = send (fd, &m, sizeof m, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n != (ssize_t) sizeof m)
    return oci_error_set (err, n < 0 ? errno : EPIPE, "sync: send %s", tong_sync_name (type));
  return 0;
}

void
tong_sync_send_error (int fd, const struct oci_error *child_err)
{
  struct wire m = { .type = TONG_SYNC_ERROR, .errnum = child_err->errnum };

  memcpy (m.msg, child_err->msg, sizeof m.msg);
  m.msg[sizeof m.msg - 1] = '\0';
  if (send (fd, &m, sizeof m, MSG_NOSIGNAL) < 0)
    {
      /* The parent is gone; nobody is left to tell. */
    }
}

int
tong_sync_expect (int fd, enum tong_sync want, int64_t *value, struct oci_error *err)
{
  struct wire m;
  ssize_t n;

  do
    n = recv (fd, &m, sizeof m, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return oci_error_set (err, errno, "sync: waiting for %s", tong_sync_name (want));
  if (n == 0)
    return oci_error_set (err, 0, "container init exited while the runtime waited for %s", tong_sync_name (want));
  if (n != (ssize_t) sizeof m)
    return oci_error_set (err, EPROTO, "sync: short message while waiting for %s", tong_sync_name (want));
  if (m.type == TONG_SYNC_ERROR)
    {
      err->errnum = m.errnum;
      memcpy (err->msg, m.msg, sizeof err->msg);
      err->msg[sizeof err->msg - 1] = '\0';
      return oci_error_code (err);
    }
  if (m.type != (uint32_t) want)
    return oci_error_set (err, EPROTO, "sync: got %s while waiting for %s", tong_sync_name (m.type),
                          tong_sync_name (want));
  if (value)
    *value = m.value;
  return 0;
}

int
tong_fork_reporting_pid (int fd, struct oci_error *err)
{
  int gate[2];
  char c;
  pid_t pid;

  if (pipe2 (gate, O_CLOEXEC) < 0)
    return oci_error_set (err, errno, "pipe");
  pid = fork ();
  if (pid < 0)
    {
      close (gate[0]);
      close (gate[1]);
      return oci_error_set (err, errno, "fork");
    }
  if (pid > 0)
    {
      struct oci_error ignored = { 0 };
      close (gate[0]);
      tong_sync_send (fd, TONG_SYNC_INIT_PID, pid, &ignored);
      /* Our exit closes the gate's write end: the child goes on. */
      _exit (0);
    }
  close (gate[1]);
  while (read (gate[0], &c, 1) < 0 && errno == EINTR)
    ;
  close (gate[0]);
  return 0;
}
