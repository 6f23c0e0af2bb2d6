/* `run`/`exec -t` in the foreground without --console-socket: the runtime
 * receives the pty master itself and copies between it and its own stdio,
 * as runc does. */
#ifndef TONG_TTY_PROXY_H
#define TONG_TTY_PROXY_H

#include <sys/types.h>

#include "oci/error.h"

/* A connected socket pair standing in for --console-socket: *ret_ours
 * receives the master, *ret_theirs goes to the container side. */
int tong_tty_socketpair (int *ret_ours, int *ret_theirs, struct oci_error *err);
int tong_recv_fd (int sock, int *ret_fd, struct oci_error *err);
/* Proxies until pid exits; forwards signals; returns its exit status. */
int tong_tty_proxy_wait (pid_t pid, int master, struct oci_error *err);

#endif
