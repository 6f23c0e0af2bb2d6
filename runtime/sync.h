/* Named, acknowledged messages between `tong` and the container init it
 * cloned (runc's SYNC_*_PLS/ACK idea), over a SOCK_SEQPACKET pair.  An
 * error in the child travels back whole, so the CLI reports it. */
#ifndef TONG_SYNC_H
#define TONG_SYNC_H

#include <stdint.h>

#include "oci/error.h"

enum tong_sync {
  TONG_SYNC_CGROUP_ACK = 1,  /* parent: you are in the container's cgroup, go on */
  TONG_SYNC_USERMAP_PLS,     /* child: write my uid/gid maps */
  TONG_SYNC_USERMAP_ACK,     /* parent: maps written */
  TONG_SYNC_HOOKS_PLS,       /* child: mounts ready, run prestart/createRuntime */
  TONG_SYNC_HOOKS_ACK,
  TONG_SYNC_INIT_PID,        /* child: the container's init pid (after a pid-ns join fork) */
  TONG_SYNC_READY,           /* child: created, waiting for start */
  TONG_SYNC_ERROR,           /* child: failed, error attached */
};

const char *tong_sync_name (enum tong_sync t);
int tong_sync_send (int fd, enum tong_sync type, int64_t value, struct oci_error *err);
/* Sends the error itself to the other side. */
void tong_sync_send_error (int fd, const struct oci_error *child_err);
/* Waits for `want`; an ERROR message becomes this side's error. */
int tong_sync_expect (int fd, enum tong_sync want, int64_t *value, struct oci_error *err);

/* Forks; the parent half sends INIT_PID with the child's pid and exits,
 * and the child returns 0 only after that message is sent, so the peer
 * always reads INIT_PID before anything the child says. */
int tong_fork_reporting_pid (int fd, struct oci_error *err);

#endif
