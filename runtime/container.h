/* A container as the runtime keeps it on disk: <root>/<id>/state.json,
 * plus the exec FIFO while it waits in `created`.  Status is derived from
 * disk and the process, never remembered (runc's rule). */
#ifndef TONG_CONTAINER_H
#define TONG_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "oci/error.h"
#include "oci/strmap.h"

#define TONG_EXEC_FIFO "exec.fifo"
#define TONG_STATE_FILE "state.json"
#define TONG_CONFIG_COPY "config.json"

enum tong_status {
  TONG_CREATING,
  TONG_CREATED,
  TONG_RUNNING,
  TONG_PAUSED,
  TONG_STOPPED,
};

struct tong_container {
  char *id;
  char *dir;          /* <root>/<id> */
  int64_t pid;        /* host pid of the container's init, 0 while creating */
  uint64_t start_time;/* of that pid, in clock ticks since boot: guards against pid reuse */
  char *bundle;       /* absolute */
  char *rootfs;       /* absolute */
  char *created;      /* RFC 3339 with nanoseconds, as runc */
  char *owner;
  struct oci_strmap *annotations;
  char *cgroup_path;  /* relative cgroup path inside each hierarchy, NULL when none */
  bool own_pid_ns;    /* killing init ends every process */
  bool terminal;      /* process.terminal; known only to the creating process */
};

int tong_validate_id (const char *id, struct oci_error *err);
char *tong_container_dir (const char *root, const char *id);

/* -ENOENT with `container "ID" does not exist` when there is no such container. */
int tong_container_load (const char *root, const char *id, struct tong_container **ret, struct oci_error *err);
/* Atomic: temp file, fsync, rename. */
int tong_container_save (const struct tong_container *c, struct oci_error *err);
void tong_container_free (struct tong_container *c);
void tong_container_freep (struct tong_container **c);
#define cleanup_container __attribute__ ((cleanup (tong_container_freep)))

enum tong_status tong_container_status (const struct tong_container *c);
struct tong_cgroup;
/* The same with c's cgroup already loaded, for a caller that needs it
 * anyway (loading it again reads /proc/self/mountinfo again); NULL loads
 * it as tong_container_status does. */
enum tong_status tong_container_status_in (const struct tong_container *c, const struct tong_cgroup *cg);
const char *tong_status_name (enum tong_status s);
/* Is c's init still the process we started (not a reused pid, not a zombie)? */
bool tong_container_init_alive (const struct tong_container *c);

/* runc's `state` JSON. */
int tong_container_state_json (const struct tong_container *c, int json_flags, char **ret,
                               struct oci_error *err);

/* Field 22 of /proc/PID/stat; 0 when the process is gone.  *zombie is set
 * when it exists but has exited. */
uint64_t tong_proc_start_time (pid_t pid, bool *zombie);
void tong_now_rfc3339 (char *buf, size_t len);

#endif
