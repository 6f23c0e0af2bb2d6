#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "oci/cleanup.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO ('T', 0x41)
#endif

int
tong_console_socket_connect (const char *path, int *ret_fd, struct oci_error *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int fd = -1;

  if (strlen (path) >= sizeof addr.sun_path)
    return oci_error_set (err, ENAMETOOLONG, "socket %s", path);
  memcpy (addr.sun_path, path, strlen (path) + 1);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return oci_error_set (err, errno, "socket");
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return oci_error_set (err, errno, "connect to %s", path);
  *ret_fd = oci_steal_fd (&fd);
  return 0;
}

int
tong_send_fd (int socket_fd, int fd, const char *name, struct oci_error *err)
{
  char control[CMSG_SPACE (sizeof (int))] = { 0 };
  struct iovec iov = { .iov_base = (void *) name, .iov_len = strlen (name) };
  struct msghdr msg = {
    .msg_iov = &iov,
    .msg_iovlen = 1,
    .msg_control = control,
    .msg_controllen = sizeof control,
  };
  struct cmsghdr *c = CMSG_FIRSTHDR (&msg);

  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &fd, sizeof (int));
  if (sendmsg (socket_fd, &msg, MSG_NOSIGNAL) < 0)
    return oci_error_set (err, errno, "send the pty master over the console socket");
  return 0;
}

int
tong_terminal_setup (int socket_fd, const struct oci_spec_console_size *size, uid_t owner, bool bind_console,
                     struct oci_error *err)
{
  cleanup_close int master = -1, slave = -1, console = -1;
  char slave_path[64];
  int unlock = 0, r;

  master = open ("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    master = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return oci_error_set (err, errno, "open /dev/pts/ptmx");
  if (ioctl (master, TIOCSPTLCK, &unlock) < 0)
    return oci_error_set (err, errno, "unlock pty");
  /* TIOCGPTPEER opens the slave from the master itself: no path lookup a
   * container could redirect. */
  slave = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return oci_error_set (err, errno, "open pty slave");
  /* The process's user owns its terminal; the group stays devpts' gid=
   * option (tty), as runc leaves it. */
  if (owner != 0 && fchown (slave, owner, (gid_t) -1) < 0)
    return oci_error_set (err, errno, "chown the pty to uid %u", (unsigned) owner);
  if (size)
    {
      struct winsize ws = { .ws_row = (unsigned short) size->height, .ws_col = (unsigned short) size->width };
      if (ioctl (slave, TIOCSWINSZ, &ws) < 0)
        return oci_error_set (err, errno, "set the terminal size");
    }
  snprintf (slave_path, sizeof slave_path, "/proc/self/fd/%d", slave);
  /* /dev/console is the pty, as in runc; a leftover symlink there must not
   * redirect the bind. */
  if (bind_console)
    {
      unlink ("/dev/console");
      console = open ("/dev/console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
    }
  if (console >= 0)
    {
      char console_path[64];
      snprintf (console_path, sizeof console_path, "/proc/self/fd/%d", console);
      if (mount (slave_path, console_path, NULL, MS_BIND, NULL) < 0)
        return oci_error_set (err, errno, "bind the pty over /dev/console");
    }
  r = tong_send_fd (socket_fd, master, "/dev/ptmx", err);
  if (r < 0)
    return r;
  if (setsid () < 0)
    return oci_error_set (err, errno, "setsid");
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return oci_error_set (err, errno, "make the pty the controlling terminal");
  if (dup2 (slave, 0) < 0 || dup2 (slave, 1) < 0 || dup2 (slave, 2) < 0)
    return oci_error_set (err, errno, "dup the pty onto stdio");
  return 0;
}
