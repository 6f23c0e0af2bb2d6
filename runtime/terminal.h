/* --console-socket: the container gets a new pty; its master travels to
 * the caller over a unix socket with SCM_RIGHTS (runc's protocol). */
#ifndef TONG_TERMINAL_H
#define TONG_TERMINAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "oci/error.h"
#include "oci/runtime-spec.h"

/* Before pivot_root, while the host path is reachable. */
int tong_console_socket_connect (const char *path, int *ret_fd, struct oci_error *err);
/* After pivot_root: make the pty in the container's devpts, send the master,
 * bind the slave over /dev/console and make it the controlling terminal and
 * stdio of this process. */
int tong_terminal_setup (int socket_fd, const struct oci_spec_console_size *size, uid_t owner, bool bind_console,
                         struct oci_error *err);
int tong_send_fd (int socket_fd, int fd, const char *name, struct oci_error *err);

#endif
