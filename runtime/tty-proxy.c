#include "tty-proxy.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "oci/cleanup.h"

int
tong_tty_socketpair (int *ret_ours, int *ret_theirs, struct oci_error *err)
{
  int sv[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    return oci_error_set (err, errno, "socketpair for the terminal");
  *ret_ours = sv[0];
  *ret_theirs = sv[1];
  return 0;
}

int
tong_recv_fd (int sock, int *ret_fd, struct oci_error *err)
{
  char control[CMSG_SPACE (sizeof (int))] = { 0 }, name[256];
  struct iovec iov = { .iov_base = name, .iov_len = sizeof name };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  struct cmsghdr *c;
  ssize_t n;

  do
    n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return oci_error_set (err, errno, "receive the pty master");
  c = CMSG_FIRSTHDR (&msg);
  if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN (sizeof (int)))
    return oci_error_set (err, EPROTO, "receive the pty master: no descriptor in the message");
  memcpy (ret_fd, CMSG_DATA (c), sizeof (int));
  return 0;
}

static bool
copy_once (int from, int to)
{
  char buf[8192];
  ssize_t n = read (from, buf, sizeof buf), off = 0;

  if (n <= 0)
    return n < 0 && (errno == EINTR || errno == EAGAIN);
  while (off < n)
    {
      ssize_t w = write (to, buf + off, n - off);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return false;
      off += w;
    }
  return true;
}

static void
copy_winsize (int master)
{
  struct winsize ws;
  if (ioctl (STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
    ioctl (master, TIOCSWINSZ, &ws);
}

int
tong_tty_proxy_wait (pid_t pid, int master, struct oci_error *err)
{
  struct termios saved, raw;
  bool is_tty = tcgetattr (STDIN_FILENO, &saved) == 0;
  cleanup_close int sfd = -1;
  sigset_t all, old;
  bool stdin_open = true, master_open = true;
  int status = -1;

  sigfillset (&all);
  sigprocmask (SIG_BLOCK, &all, &old);
  sfd = signalfd (-1, &all, SFD_CLOEXEC);
  if (sfd < 0)
    {
      sigprocmask (SIG_SETMASK, &old, NULL);
      return oci_error_set (err, errno, "signalfd");
    }
  if (is_tty)
    {
      raw = saved;
      cfmakeraw (&raw);
      tcsetattr (STDIN_FILENO, TCSANOW, &raw);
      copy_winsize (master);
    }
  {
    int st;
    /* An exit before signalfd existed left no SIGCHLD to read. */
    if (waitpid (pid, &st, WNOHANG) == pid)
      status = WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
  }
  while (status < 0)
    {
      struct pollfd p[3] = {
        { .fd = sfd, .events = POLLIN },
        { .fd = master_open ? master : -1, .events = POLLIN },
        { .fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN },
      };
      if (poll (p, 3, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
        master_open = copy_once (master, STDOUT_FILENO);
      if (p[2].revents & (POLLIN | POLLHUP | POLLERR))
        stdin_open = copy_once (STDIN_FILENO, master);
      if (p[0].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          if (read (sfd, &si, sizeof si) != sizeof si)
            continue;
          if (si.ssi_signo == SIGWINCH)
            copy_winsize (master);
          else if (si.ssi_signo == SIGCHLD)
            {
              int st;
              pid_t p2;
              while ((p2 = waitpid (-1, &st, WNOHANG)) > 0)
                if (p2 == pid)
                  status = WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
            }
          else
            kill (pid, (int) si.ssi_signo);
        }
    }
  /* What the process wrote last is still in the master. */
  while (master_open)
    {
      struct pollfd p = { .fd = master, .events = POLLIN };
      if (poll (&p, 1, 0) <= 0 || !copy_once (master, STDOUT_FILENO))
        break;
    }
  if (is_tty)
    tcsetattr (STDIN_FILENO, TCSANOW, &saved);
  sigprocmask (SIG_SETMASK, &old, NULL);
  if (status < 0)
    return oci_error_set (err, errno, "proxy the terminal");
  return status;
}
